/**
 * @module drivers/ads1115
 * TI ADS1115 16-bit ADC over I2C (against i2c-bus's `PromisifiedBus`): four single-ended inputs
 * or four differential pairs, programmable full-scale range (PGA), data rate, single-shot reads
 * that wait for the conversion-ready bit, continuous mode, and the ALERT/RDY pin as a
 * conversion-ready signal. Registers are 16-bit big-endian; SMBus words are little-endian, so
 * every word is byte-swapped on the way in and out.
 */

import type { PromisifiedBus } from "i2c-bus";
import { badArg, hex } from "../device-error.ts";
import { busName, driverTimeout, sleep } from "./bus-name.ts";

export const ADS1115_REG = { CONVERSION: 0, CONFIG: 1, LO_THRESH: 2, HI_THRESH: 3 } as const;

/** A single-ended input (vs GND) or a differential pair. */
export type AdsChannel = 0 | 1 | 2 | 3 | "0-1" | "0-3" | "1-3" | "2-3";
/** Full-scale range, ±volts (PGA). Inputs must still stay within GND..VDD. */
export type AdsRange = 6.144 | 4.096 | 2.048 | 1.024 | 0.512 | 0.256;
/** Samples per second. */
export type AdsRate = 8 | 16 | 32 | 64 | 128 | 250 | 475 | 860;

export interface ADS1115Options {
  /** 0x48 (ADDR to GND, default), 0x49 VDD, 0x4a SDA, 0x4b SCL. */
  address?: number;
  range?: AdsRange;
  rate?: AdsRate;
}

const MUX: Record<string, number> = { "0-1": 0, "0-3": 1, "1-3": 2, "2-3": 3, "0": 4, "1": 5, "2": 6, "3": 7 };
const PGA: Record<string, number> = { "6.144": 0, "4.096": 1, "2.048": 2, "1.024": 3, "0.512": 4, "0.256": 5 };
const DR: Record<string, number> = { 8: 0, 16: 1, 32: 2, 64: 3, 128: 4, 250: 5, 475: 6, 860: 7 };
const OS = 0x8000;
const MODE_SINGLE = 0x0100;
const COMP_QUE_DISABLE = 0x0003;

const swap16 = (w: number) => ((w & 0xff) << 8) | (w >> 8);

/** Signed 16-bit conversion result → volts for a range. */
export function adsToVolts(raw: number, range: AdsRange): number {
  return (raw * range) / 32768;
}

export class ADS1115 {
  private range: AdsRange;
  private rate: AdsRate;
  private readyPin = false;

  private constructor(
    readonly bus: PromisifiedBus,
    readonly address: number,
    options: ADS1115Options,
  ) {
    this.range = options.range ?? 4.096;
    this.rate = options.rate ?? 128;
    this.config(0, {}); // validate options now, not at the first read
  }

  /** @example const adc = await ADS1115.open(bus, { range: 4.096 }); const v = await adc.readVolts(0); */
  static async open(bus: PromisifiedBus, options: ADS1115Options = {}): Promise<ADS1115> {
    const dev = new ADS1115(bus, options.address ?? 0x48, options);
    await dev.readRegister(ADS1115_REG.CONFIG); // fails here (DD_I2C_NO_ACK) if nothing answers
    return dev;
  }

  async readRegister(reg: number): Promise<number> {
    return swap16(await this.bus.readWord(this.address, reg));
  }

  async writeRegister(reg: number, value: number): Promise<void> {
    await this.bus.writeWord(this.address, reg, swap16(value));
  }

  /** The config word for a channel (OS and MODE left to the caller). */
  config(channel: AdsChannel, opts: { range?: AdsRange; rate?: AdsRate }): number {
    const mux = MUX[String(channel)];
    if (mux === undefined)
      throw badArg(
        "invalid ADS1115 channel",
        '0, 1, 2, 3 (single-ended) or "0-1", "0-3", "1-3", "2-3" (differential)',
        channel,
        "pick an input",
      );
    const pga = PGA[String(opts.range ?? this.range)];
    if (pga === undefined)
      throw badArg(
        "invalid ADS1115 range",
        "6.144, 4.096, 2.048, 1.024, 0.512 or 0.256 (±volts)",
        opts.range ?? this.range,
        "pick a full-scale range",
      );
    const dr = DR[String(opts.rate ?? this.rate)];
    if (dr === undefined)
      throw badArg("invalid ADS1115 rate", "8, 16, 32, 64, 128, 250, 475 or 860 samples/s", opts.rate ?? this.rate, "pick a data rate");
    return (mux << 12) | (pga << 9) | (dr << 5) | (this.readyPin ? 0 : COMP_QUE_DISABLE);
  }

  /** One single-shot conversion: start, wait for the conversion-ready bit, read the signed result. */
  async readRaw(channel: AdsChannel, opts: { range?: AdsRange; rate?: AdsRate } = {}): Promise<number> {
    const cfg = this.config(channel, opts) | OS | MODE_SINGLE;
    await this.writeRegister(ADS1115_REG.CONFIG, cfg);
    const periodMs = 1000 / (opts.rate ?? this.rate);
    await sleep(periodMs * 1.1); // the internal oscillator is within ±10 %
    const limit = periodMs * 4 + 50;
    const start = performance.now();
    while (!(await this.isReady())) {
      if (performance.now() - start > limit) throw driverTimeout("ADS1115", this.bus, this.address, "a conversion", Math.round(limit));
      await sleep(1);
    }
    return ((await this.readRegister(ADS1115_REG.CONVERSION)) << 16) >> 16;
  }

  /** One single-shot conversion in volts. */
  async readVolts(channel: AdsChannel, opts: { range?: AdsRange; rate?: AdsRate } = {}): Promise<number> {
    return adsToVolts(await this.readRaw(channel, opts), opts.range ?? this.range);
  }

  /** The conversion-ready bit (config OS): true when no conversion is in progress. */
  async isReady(): Promise<boolean> {
    return ((await this.readRegister(ADS1115_REG.CONFIG)) & OS) !== 0;
  }

  /** Convert continuously on one channel; read with `readLatest()`. */
  async startContinuous(channel: AdsChannel, opts: { range?: AdsRange; rate?: AdsRate } = {}): Promise<void> {
    if (opts.range) this.range = opts.range;
    if (opts.rate) this.rate = opts.rate;
    await this.writeRegister(ADS1115_REG.CONFIG, this.config(channel, opts));
  }

  /** The last conversion result (continuous mode), signed. */
  async readLatest(): Promise<number> {
    return ((await this.readRegister(ADS1115_REG.CONVERSION)) << 16) >> 16;
  }

  /** Back to single-shot mode: the chip powers down between conversions. */
  async stop(): Promise<void> {
    await this.writeRegister(ADS1115_REG.CONFIG, this.config(0, {}) | MODE_SINGLE);
  }

  /**
   * Use ALERT/RDY as a conversion-ready output (datasheet §9.3.8): Hi_thresh MSB 1, Lo_thresh MSB 0,
   * comparator enabled. Wire it to a GPIO input with edge detection to avoid polling.
   */
  async enableReadyPin(): Promise<void> {
    await this.writeRegister(ADS1115_REG.HI_THRESH, 0x8000);
    await this.writeRegister(ADS1115_REG.LO_THRESH, 0x0000);
    this.readyPin = true;
  }

  get currentRange(): AdsRange {
    return this.range;
  }

  toString(): string {
    return `ADS1115 at ${hex(this.address)} on ${busName(this.bus)}`;
  }
}
