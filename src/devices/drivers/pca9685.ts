/**
 * @module drivers/pca9685
 * NXP PCA9685 16-channel 12-bit PWM driver over I2C (against i2c-bus's `PromisifiedBus`): PWM
 * frequency through the prescaler (set while asleep, datasheet §7.3.5), per-channel on/off counts
 * and duty cycle (with the full-on / full-off bits for 100 % and 0 %), a servo pulse helper, and
 * all-off through the ALL_LED registers. Register auto-increment (MODE1.AI) is turned on, so each
 * channel is written in one 4-byte block.
 */

import type { PromisifiedBus } from "i2c-bus";
import { badArg, checkInt, hex } from "../device-error.ts";
import { busName, sleep } from "./bus-name.ts";

export const PCA9685_REG = {
  MODE1: 0x00,
  MODE2: 0x01,
  LED0_ON_L: 0x06,
  ALL_LED_ON_L: 0xfa,
  ALL_LED_OFF_H: 0xfd,
  PRE_SCALE: 0xfe,
} as const;

const MODE1_RESTART = 0x80;
const MODE1_AI = 0x20;
const MODE1_SLEEP = 0x10;
const MODE1_ALLCALL = 0x01;
const MODE2_OUTDRV = 0x04;
const FULL = 0x10; // bit 4 of LEDn_ON_H / LEDn_OFF_H
/** The internal oscillator (datasheet: 25 MHz). */
export const PCA9685_OSC_HZ = 25_000_000;

export interface PCA9685Options {
  /** 0x40 by default (A0..A5 to GND). */
  address?: number;
  /** PWM frequency in Hz (24..1526 with the internal oscillator); e.g. 50 for servos. */
  frequency?: number;
  /** Oscillator frequency (external clock or a measured trim), Hz. */
  oscillatorHz?: number;
  /** Outputs totem-pole (default) or open-drain. */
  openDrain?: boolean;
}

/** The prescale value for a frequency: round(osc / (4096 × f)) − 1, limited to 3..255 (§7.3.5). */
export function prescaleFor(frequency: number, oscillatorHz = PCA9685_OSC_HZ): number {
  return Math.min(255, Math.max(3, Math.round(oscillatorHz / (4096 * frequency)) - 1));
}

export class PCA9685 {
  private freq = 0;

  private constructor(
    readonly bus: PromisifiedBus,
    readonly address: number,
    readonly oscillatorHz: number,
  ) {}

  /** @example const pwm = await PCA9685.open(bus, { frequency: 50 }); await pwm.servo(0, 90); */
  static async open(bus: PromisifiedBus, options: PCA9685Options = {}): Promise<PCA9685> {
    const dev = new PCA9685(bus, options.address ?? 0x40, options.oscillatorHz ?? PCA9685_OSC_HZ);
    await bus.writeByte(dev.address, PCA9685_REG.MODE2, options.openDrain ? 0 : MODE2_OUTDRV);
    await dev.allOff();
    await dev.setFrequency(options.frequency ?? 200);
    return dev;
  }

  /** The frequency actually produced (the prescaler's nearest step). */
  get frequency(): number {
    return this.freq;
  }

  /** Set the PWM frequency; returns the frequency the prescaler gives. */
  async setFrequency(hz: number): Promise<number> {
    if (typeof hz !== "number" || !(hz > 0))
      throw badArg(
        "invalid PWM frequency",
        "a frequency in Hz (24..1526 with the internal oscillator)",
        hz,
        "pass e.g. 50 for servos, 1000 for LEDs",
      );
    const prescale = prescaleFor(hz, this.oscillatorHz);
    const old = (await this.bus.readByte(this.address, PCA9685_REG.MODE1)) & ~MODE1_RESTART;
    await this.bus.writeByte(this.address, PCA9685_REG.MODE1, (old & ~MODE1_RESTART) | MODE1_SLEEP); // prescale is writable only asleep
    await this.bus.writeByte(this.address, PCA9685_REG.PRE_SCALE, prescale);
    await this.bus.writeByte(this.address, PCA9685_REG.MODE1, (old & ~MODE1_SLEEP) | MODE1_AI | MODE1_ALLCALL);
    await sleep(1); // the oscillator needs 500 µs after leaving sleep
    await this.bus.writeByte(this.address, PCA9685_REG.MODE1, (old & ~MODE1_SLEEP) | MODE1_AI | MODE1_ALLCALL | MODE1_RESTART);
    this.freq = this.oscillatorHz / (4096 * (prescale + 1));
    return this.freq;
  }

  private channel(ch: number): number {
    return checkInt("PCA9685 channel", ch, 0, 15, { device: busName(this.bus), address: this.address });
  }

  /** Raw counts: the output goes high at `on` and low at `off` (0..4095); 4096 means full on / full off. */
  async setPwm(channel: number, on: number, off: number): Promise<void> {
    const ch = this.channel(channel);
    checkInt("on count", on, 0, 4096);
    checkInt("off count", off, 0, 4096);
    const onH = on === 4096 ? FULL : (on >> 8) & 0x0f;
    const offH = off === 4096 ? FULL : (off >> 8) & 0x0f;
    const buf = Buffer.from([on & 0xff, onH, off & 0xff, offH]);
    await this.bus.writeI2cBlock(this.address, PCA9685_REG.LED0_ON_L + 4 * ch, 4, buf);
  }

  /** The on/off counts of a channel (4096 for the full-on / full-off bits). */
  async getPwm(channel: number): Promise<{ on: number; off: number }> {
    const ch = this.channel(channel);
    const b = Buffer.alloc(4);
    await this.bus.readI2cBlock(this.address, PCA9685_REG.LED0_ON_L + 4 * ch, 4, b);
    return { on: b[1]! & FULL ? 4096 : b[0]! | ((b[1]! & 0x0f) << 8), off: b[3]! & FULL ? 4096 : b[2]! | ((b[3]! & 0x0f) << 8) };
  }

  /** Duty cycle 0..1 (0 and 1 use the full-off / full-on bits: no glitch pulse). */
  async setDuty(channel: number, duty: number): Promise<void> {
    if (typeof duty !== "number" || !(duty >= 0 && duty <= 1))
      throw badArg("invalid duty cycle", "a number from 0 to 1", duty, "pass e.g. 0.5 for 50 %");
    if (duty === 0) return this.setPwm(channel, 0, 4096);
    if (duty === 1) return this.setPwm(channel, 4096, 0);
    return this.setPwm(channel, 0, Math.round(duty * 4096));
  }

  /** A pulse of `us` microseconds each period (servos, ESCs). */
  async setPulse(channel: number, us: number): Promise<void> {
    const period = 1e6 / this.freq;
    if (typeof us !== "number" || !(us >= 0 && us <= period))
      throw badArg(
        "invalid pulse width",
        `0..${Math.round(period)} µs at ${this.freq.toFixed(1)} Hz`,
        us,
        "use a pulse shorter than the period (setFrequency(50) for servos)",
      );
    const counts = Math.round((us / period) * 4096);
    return counts === 0 ? this.setPwm(channel, 0, 4096) : this.setPwm(channel, 0, Math.min(counts, 4095));
  }

  /**
   * Point a hobby servo: `angle` 0..range mapped linearly onto minUs..maxUs.
   * @example await pwm.servo(0, 90)   // centre of a 180° servo (1500 µs)
   */
  async servo(channel: number, angle: number, opts: { minUs?: number; maxUs?: number; range?: number } = {}): Promise<void> {
    const { minUs = 500, maxUs = 2500, range = 180 } = opts;
    if (typeof angle !== "number" || !(angle >= 0 && angle <= range))
      throw badArg("invalid servo angle", `0..${range} degrees`, angle, "clamp the angle to the servo's range");
    return this.setPulse(channel, minUs + ((maxUs - minUs) * angle) / range);
  }

  /** Every channel off at once (ALL_LED_OFF_H full-off bit): the safe state. */
  async allOff(): Promise<void> {
    await this.bus.writeByte(this.address, PCA9685_REG.ALL_LED_OFF_H, FULL);
  }

  /** Stop the oscillator (outputs off, lowest power). */
  async sleep(): Promise<void> {
    const m = await this.bus.readByte(this.address, PCA9685_REG.MODE1);
    await this.bus.writeByte(this.address, PCA9685_REG.MODE1, (m & ~MODE1_RESTART) | MODE1_SLEEP);
  }

  toString(): string {
    return `PCA9685 at ${hex(this.address)} on ${busName(this.bus)}`;
  }
}
