/**
 * @module chips/pca9685
 * A simulated PCA9685: MODE1/MODE2 with power-on defaults (asleep, ALLCALL), register
 * auto-increment only when MODE1.AI is set, PRE_SCALE writable only while asleep (as §7.3.5 says;
 * writes while awake are ignored), the full-on / full-off bits, the ALL_LED registers writing every
 * channel (and reading back 0), and helpers to observe the outputs: frequency, duty, pulse width.
 */

import { checkInt } from "../device-error.ts";
import { RegisterChip } from "../i2c/register-chip.ts";

const MODE1 = 0x00,
  LED0 = 0x06,
  ALL = 0xfa,
  PRE_SCALE = 0xfe;

export class SimPCA9685 extends RegisterChip {
  readonly oscillatorHz: number;

  constructor(options: { oscillatorHz?: number } = {}) {
    super();
    this.oscillatorHz = options.oscillatorHz ?? 25_000_000;
    this.powerOn();
  }

  private powerOn(): void {
    this.regs.fill(0);
    this.regs[MODE1] = 0x11; // SLEEP | ALLCALL
    this.regs[0x01] = 0x04; // OUTDRV
    this.regs[0x02] = 0xe2;
    this.regs[0x03] = 0xe4;
    this.regs[0x04] = 0xe8;
    this.regs[0x05] = 0xe0;
    for (let ch = 0; ch < 16; ch++) this.regs[LED0 + 4 * ch + 3] = 0x10; // LEDn_OFF_H: full off
    this.regs[PRE_SCALE] = 0x1e;
    this.autoIncrement = false;
  }

  protected readRegister(reg: number): number {
    if (reg >= ALL && reg <= ALL + 3) return 0;
    return this.regs[reg]!;
  }

  protected writeRegister(reg: number, value: number): void {
    if (reg === PRE_SCALE) {
      if (this.sleeping) this.regs[reg] = Math.max(3, value); // values below 3 are forced to 3
      return;
    }
    if (reg >= ALL && reg <= ALL + 3) {
      for (let ch = 0; ch < 16; ch++) this.regs[LED0 + 4 * ch + (reg - ALL)] = value;
      return;
    }
    if (reg === MODE1) {
      // RESTART is cleared by writing 1 (the restart happens); it never stays set here.
      this.regs[reg] = value & 0x7f;
      this.autoIncrement = (value & 0x20) !== 0;
      return;
    }
    this.regs[reg] = value;
  }

  get sleeping(): boolean {
    return (this.regs[MODE1]! & 0x10) !== 0;
  }

  get prescale(): number {
    return this.regs[PRE_SCALE]!;
  }

  /** Output frequency in Hz (0 while asleep: the oscillator is off). */
  frequency(): number {
    return this.sleeping ? 0 : this.oscillatorHz / (4096 * (this.prescale + 1));
  }

  /** On/off counts of a channel; 4096 marks the full-on / full-off bits. */
  counts(channel: number): { on: number; off: number; fullOn: boolean; fullOff: boolean } {
    const base = LED0 + 4 * checkInt("PCA9685 channel", channel, 0, 15);
    const r = this.regs;
    return {
      on: r[base]! | ((r[base + 1]! & 0x0f) << 8),
      off: r[base + 2]! | ((r[base + 3]! & 0x0f) << 8),
      fullOn: (r[base + 1]! & 0x10) !== 0,
      fullOff: (r[base + 3]! & 0x10) !== 0,
    };
  }

  /** Fraction of each period the output is high (full-off wins over full-on, §7.3.3). */
  duty(channel: number): number {
    const c = this.counts(channel);
    if (this.sleeping || c.fullOff) return 0;
    if (c.fullOn) return 1;
    return ((((c.off - c.on) % 4096) + 4096) % 4096) / 4096;
  }

  /** High time per period in µs. */
  pulseUs(channel: number): number {
    const f = this.frequency();
    return f ? (this.duty(channel) * 1e6) / f : 0;
  }
}
