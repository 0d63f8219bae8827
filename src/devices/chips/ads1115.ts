/**
 * @module chips/ads1115
 * A simulated ADS1115: the 2-bit pointer register, four 16-bit big-endian registers, single-shot
 * conversions that report "busy" on the OS bit for a number of config reads before the result
 * appears, continuous mode, the PGA's full-scale ranges with clipping, and the ALERT/RDY pin in
 * conversion-ready mode. Inputs are voltages set from the test (`setVoltage`). Timing is not
 * modelled: "busy" is counted in reads, so tests are deterministic.
 */

import { checkInt } from "../device-error.ts";
import type { SimI2CDevice } from "../i2c/sim.ts";

const FSR = [6.144, 4.096, 2.048, 1.024, 0.512, 0.256, 0.256, 0.256];
/** MUX → [positive input, negative input or -1 for GND]. */
const MUX: Array<[number, number]> = [
  [0, 1],
  [0, 3],
  [1, 3],
  [2, 3],
  [0, -1],
  [1, -1],
  [2, -1],
  [3, -1],
];

export interface SimADS1115Options {
  /** Config reads that still show a conversion in progress after a start (default 1). */
  busyReads?: number;
}

export class SimADS1115 implements SimI2CDevice {
  /** AIN0..AIN3 in volts. */
  readonly voltages = [0, 0, 0, 0];
  /** Completed conversions. */
  conversions = 0;
  /** ALERT/RDY asserted (conversion-ready mode, after a conversion completes). */
  readyAsserted = false;
  config = 0x8583;
  loThresh = 0x8000;
  hiThresh = 0x7fff;
  conversion = 0;
  private pointer = 0;
  private busy = 0;
  private readonly busyReads: number;

  constructor(options: SimADS1115Options = {}) {
    this.busyReads = options.busyReads ?? 1;
  }

  setVoltage(channel: number, volts: number): this {
    this.voltages[checkInt("ADS1115 input", channel, 0, 3)] = volts;
    return this;
  }

  write(data: Uint8Array): void {
    if (data.length === 0) return;
    this.pointer = data[0]! & 3;
    if (data.length < 3) return;
    const v = (data[1]! << 8) | data[2]!;
    if (this.pointer === 0) return; // the conversion register is read-only
    if (this.pointer === 2) this.loThresh = v;
    else if (this.pointer === 3) this.hiThresh = v;
    else this.writeConfig(v);
  }

  read(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 2) {
      const v = this.readRegister();
      out[i] = v >> 8;
      if (i + 1 < length) out[i + 1] = v & 0xff;
    }
    return out;
  }

  private writeConfig(v: number): void {
    this.config = (v & 0x7fff) | (this.config & 0x8000);
    if (v & 0x0100) {
      if (v & 0x8000) this.start();
    } else {
      this.conversion = this.convert(); // continuous: conversions run from now on
      this.config &= 0x7fff;
    }
  }

  private start(): void {
    this.readyAsserted = false;
    this.config &= 0x7fff; // OS reads 0 while converting
    this.busy = this.busyReads;
    if (this.busy === 0) this.complete();
  }

  private complete(): void {
    this.conversion = this.convert();
    this.conversions++;
    this.config |= 0x8000;
    const readyMode = (this.hiThresh & 0x8000) !== 0 && (this.loThresh & 0x8000) === 0 && (this.config & 3) !== 3;
    if (readyMode) this.readyAsserted = true;
  }

  private readRegister(): number {
    switch (this.pointer) {
      case 0:
        if (!(this.config & 0x0100)) this.conversion = this.convert(); // continuous mode: the latest
        return this.conversion;
      case 1:
        if (this.busy > 0 && --this.busy === 0) {
          const v = this.config; // this read still shows busy; the next shows ready
          this.complete();
          return v;
        }
        return this.config;
      case 2:
        return this.loThresh;
      default:
        return this.hiThresh;
    }
  }

  /** The 16-bit two's complement code for the configured input pair and range (clipped at full scale). */
  private convert(): number {
    const [p, n] = MUX[(this.config >> 12) & 7]!;
    const v = this.voltages[p]! - (n < 0 ? 0 : this.voltages[n]!);
    const fsr = FSR[(this.config >> 9) & 7]!;
    const code = Math.max(-32768, Math.min(32767, Math.round((v / fsr) * 32768)));
    return code & 0xffff;
  }
}
