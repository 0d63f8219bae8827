/**
 * @module drivers/bme280
 * Bosch BME280 (temperature, pressure, humidity) and BMP280 (no humidity) over I2C, against
 * i2c-bus's `PromisifiedBus`, so it runs on our real or simulated bus and on i2c-bus itself.
 * Identifies the part by its chip id, reads the trimming parameters once, and measures in forced
 * mode (one measurement per `read()`, the datasheet's recommendation for slow sampling) or normal
 * mode (continuous, `read()` returns the latest). Compensation: ./bme280-compensate.ts.
 */

import type { PromisifiedBus } from "i2c-bus";
import { badArg, hex } from "../device-error.ts";
import { busName, driverTimeout, sleep, wrongChip } from "./bus-name.ts";
import {
  compensateHumidity,
  compensatePressure,
  compensateTemperature,
  parseCalibration,
  type BME280Calibration,
} from "./bme280-compensate.ts";

export const BME280_REG = {
  CALIB_TP: 0x88, // 26 bytes: dig_T1..dig_P9, reserved, dig_H1
  ID: 0xd0,
  RESET: 0xe0,
  CALIB_H: 0xe1, // 7 bytes: dig_H2..dig_H6
  CTRL_HUM: 0xf2,
  STATUS: 0xf3,
  CTRL_MEAS: 0xf4,
  CONFIG: 0xf5,
  DATA: 0xf7, // press[3], temp[3], hum[2]
} as const;

export const BME280_CHIP_ID = 0x60;
/** BMP280 production parts report 0x58; early samples 0x56 and 0x57. */
export const BMP280_CHIP_IDS = [0x56, 0x57, 0x58] as const;
const RESET_WORD = 0xb6;
const STATUS_MEASURING = 0x08;
const STATUS_IM_UPDATE = 0x01;

/** Oversampling ×N (0 = skip the measurement). */
export type Oversampling = 0 | 1 | 2 | 4 | 8 | 16;
export type IirFilter = 0 | 2 | 4 | 8 | 16;
/** Normal-mode standby between measurements (ms); 10 and 20 are BME280-only. */
export type Standby = 0.5 | 62.5 | 125 | 250 | 500 | 1000 | 10 | 20;

export interface BME280Options {
  /** 0x76 (SDO to GND, default) or 0x77. */
  address?: number;
  oversampling?: { temperature?: Oversampling; pressure?: Oversampling; humidity?: Oversampling };
  filter?: IirFilter;
  mode?: "forced" | "normal";
  standbyMs?: Standby;
  /** Soft-reset the chip before configuring it (default true). */
  reset?: boolean;
}

export interface BME280Reading {
  /** °C, 0.01 °C resolution. */
  temperature: number;
  /** Pa; undefined when pressure is skipped. */
  pressure?: number;
  /** %RH; undefined on a BMP280 or when skipped. */
  humidity?: number;
  raw: { adcT: number; adcP: number; adcH?: number; tFine: number };
}

const OSRS: Record<Oversampling, number> = { 0: 0, 1: 1, 2: 2, 4: 3, 8: 4, 16: 5 };
const FILTER: Record<IirFilter, number> = { 0: 0, 2: 1, 4: 2, 8: 3, 16: 4 };
const STANDBY: Record<Standby, number> = { 0.5: 0, 62.5: 1, 125: 2, 250: 3, 500: 4, 1000: 5, 10: 6, 20: 7 };

export class BME280 {
  private osrs = { t: 1, p: 1, h: 1 };
  private mode: "forced" | "normal" = "forced";

  private constructor(
    readonly bus: PromisifiedBus,
    readonly address: number,
    readonly chipId: number,
    readonly model: "BME280" | "BMP280",
    readonly calibration: BME280Calibration,
  ) {}

  /**
   * Find, reset and configure the sensor.
   * @example const bme = await BME280.open(await openI2C(1)); const { temperature } = await bme.read();
   */
  static async open(bus: PromisifiedBus, options: BME280Options = {}): Promise<BME280> {
    const address = options.address ?? 0x76;
    const id = await bus.readByte(address, BME280_REG.ID);
    const model = id === BME280_CHIP_ID ? "BME280" : (BMP280_CHIP_IDS as readonly number[]).includes(id) ? "BMP280" : undefined;
    if (!model) {
      throw wrongChip(
        "BME280/BMP280",
        bus,
        address,
        `chip id (register 0xd0) ${hex(BME280_CHIP_ID)} (BME280) or ${hex(0x58)} (BMP280)`,
        `chip id ${hex(id)}`,
        "check the address (0x76 with SDO to GND, 0x77 with SDO to VDD) and the part: scan the bus with ./APP i2c scan (or bunx dash-devices i2c scan)",
      );
    }
    if (options.reset ?? true) {
      await bus.writeByte(address, BME280_REG.RESET, RESET_WORD);
      await sleep(2); // start-up time 2 ms (datasheet table 1)
      await waitWhile(bus, address, STATUS_IM_UPDATE, "copying its trimming parameters (im_update)");
    }
    const tp = Buffer.alloc(26);
    await bus.readI2cBlock(address, BME280_REG.CALIB_TP, 26, tp);
    let h: Buffer | undefined;
    if (model === "BME280") {
      h = Buffer.alloc(7);
      await bus.readI2cBlock(address, BME280_REG.CALIB_H, 7, h);
    }
    const dev = new BME280(bus, address, id, model, parseCalibration(tp, h));
    await dev.configure(options);
    return dev;
  }

  /** Change oversampling, filter, mode and standby. */
  async configure(options: Omit<BME280Options, "address" | "reset"> = {}): Promise<void> {
    const o = options.oversampling ?? {};
    const t = osrsCode(o.temperature ?? 1, "temperature");
    const p = osrsCode(o.pressure ?? 1, "pressure");
    const h = osrsCode(o.humidity ?? 1, "humidity");
    const filter = FILTER[options.filter ?? 0];
    if (filter === undefined) throw badArg("invalid BME280 filter", "0, 2, 4, 8 or 16", options.filter, "pick an IIR filter coefficient");
    const standby = STANDBY[options.standbyMs ?? 0.5];
    if (standby === undefined)
      throw badArg("invalid BME280 standby", Object.keys(STANDBY).join(", ") + " ms", options.standbyMs, "pick a standby time");
    const mode = options.mode ?? "forced";
    if (mode !== "forced" && mode !== "normal") throw badArg("invalid BME280 mode", `"forced" or "normal"`, mode, "pick a mode");
    this.osrs = { t, p, h: this.model === "BME280" ? h : 0 };
    this.mode = mode;
    // Sleep first: config writes are ignored in normal mode (datasheet §5.4.6).
    await this.bus.writeByte(this.address, BME280_REG.CTRL_MEAS, 0);
    await this.bus.writeByte(this.address, BME280_REG.CONFIG, (standby << 5) | (filter << 2));
    // ctrl_hum takes effect with the next ctrl_meas write (datasheet §5.4.3).
    if (this.model === "BME280") await this.bus.writeByte(this.address, BME280_REG.CTRL_HUM, this.osrs.h);
    if (mode === "normal") {
      await this.bus.writeByte(this.address, BME280_REG.CTRL_MEAS, this.ctrlMeas(0b11));
      await sleep(this.measurementTimeMs); // until the first measurement ends the data registers hold 0x80000
    }
  }

  private ctrlMeas(mode: number): number {
    return (this.osrs.t << 5) | (this.osrs.p << 2) | mode;
  }

  /** Worst-case measurement time for the current oversampling (datasheet §9.1), ms. */
  get measurementTimeMs(): number {
    const n = (code: number) => (code ? 1 << (code - 1) : 0);
    const { t, p, h } = this.osrs;
    return 1.25 + 2.3 * n(t) + (p ? 2.3 * n(p) + 0.575 : 0) + (h ? 2.3 * n(h) + 0.575 : 0);
  }

  /** Measure (forced mode) or fetch the latest measurement (normal mode), compensated. */
  async read(): Promise<BME280Reading> {
    if (this.mode === "forced") {
      await this.bus.writeByte(this.address, BME280_REG.CTRL_MEAS, this.ctrlMeas(0b01));
      await sleep(this.measurementTimeMs);
      await waitWhile(this.bus, this.address, STATUS_MEASURING, "its measurement", Math.ceil(this.measurementTimeMs) * 4 + 20);
    }
    // One burst read, so all values come from the same measurement (data shadowing, §4).
    const n = this.model === "BME280" ? 8 : 6;
    const d = Buffer.alloc(n);
    await this.bus.readI2cBlock(this.address, BME280_REG.DATA, n, d);
    const adcP = (d[0]! << 12) | (d[1]! << 4) | (d[2]! >> 4);
    const adcT = (d[3]! << 12) | (d[4]! << 4) | (d[5]! >> 4);
    const adcH = n === 8 ? (d[6]! << 8) | d[7]! : undefined;
    const { t, tFine } = compensateTemperature(adcT, this.calibration);
    const reading: BME280Reading = { temperature: t / 100, raw: { adcT, adcP, adcH, tFine } };
    // 0x80000 / 0x8000: the measurement was skipped (oversampling 0).
    if (adcT === 0x80000) reading.temperature = NaN;
    if (adcP !== 0x80000 && adcT !== 0x80000) reading.pressure = compensatePressure(adcP, tFine, this.calibration) / 256;
    if (adcH !== undefined && adcH !== 0x8000 && adcT !== 0x80000)
      reading.humidity = compensateHumidity(adcH, tFine, this.calibration) / 1024;
    return reading;
  }

  /** Soft reset (registers to power-on values: sleep mode). */
  async reset(): Promise<void> {
    await this.bus.writeByte(this.address, BME280_REG.RESET, RESET_WORD);
    await sleep(2);
    await waitWhile(this.bus, this.address, STATUS_IM_UPDATE, "copying its trimming parameters (im_update)");
  }

  /** Put the sensor to sleep (lowest power; forced-mode reads still work). */
  async sleep(): Promise<void> {
    await this.bus.writeByte(this.address, BME280_REG.CTRL_MEAS, this.ctrlMeas(0));
    this.mode = "forced";
  }

  toString(): string {
    return `${this.model} at ${hex(this.address)} on ${busName(this.bus)}`;
  }
}

function osrsCode(v: Oversampling, what: string): number {
  const c = OSRS[v];
  if (c === undefined) throw badArg(`invalid ${what} oversampling`, "0 (skip), 1, 2, 4, 8 or 16", v, "pick an oversampling ratio");
  return c;
}

/** Poll the status register until `bit` clears; the chip answers within ms, so a bounded loop suffices. */
async function waitWhile(bus: PromisifiedBus, address: number, bit: number, what: string, maxMs = 50): Promise<void> {
  const start = performance.now();
  for (;;) {
    if (((await bus.readByte(address, BME280_REG.STATUS)) & bit) === 0) return;
    if (performance.now() - start > maxMs) throw driverTimeout("BME280", bus, address, what, maxMs);
    await sleep(1);
  }
}
