/**
 * @module chips/bme280
 * A simulated BME280 / BMP280: chip id, trimming parameters in their registers, soft reset,
 * ctrl_hum taking effect at the next ctrl_meas write, forced and normal mode, skipped measurements
 * (0x80000 / 0x8000) and the datasheet's ADC resolution (16 + osrs - 1 bits, 20 with the IIR filter).
 *
 * It follows time (its `clock`, real by default, a ManualClock in tests): a measurement takes the
 * datasheet's measurement time for the oversampling (§9.1, typical by default); meanwhile the
 * status register's bit 3 ("measuring") is set and the data registers keep the previous results
 * (shadowing), and after it a forced measurement's results appear and the chip is back in sleep
 * mode, whether or not anyone read the status. So a driver that waits the measurement time and
 * reads, without polling the status (the npm `bme280`), gets fresh values, as from the part.
 * Normal mode: the first measurement takes that time too; later `set()` values show at once.
 *
 * Raw values come from the settable temperature, pressure and humidity through the inverse of the
 * datasheet's *floating-point* compensation (§8.1), found by binary search; the driver uses the
 * *integer* formulas, so a test reading back the set values checks one against the other.
 */

import { RegisterChip } from "../i2c/register-chip.ts";
import { badArg } from "../device-error.ts";
import { realClock, type SimClock } from "../sim-clock.ts";
import type { BME280Calibration } from "../drivers/bme280-compensate.ts";

/** The BMP280 datasheet's example trimming (§3.12) with typical BME280 humidity trimming. */
export const EXAMPLE_CALIBRATION: BME280Calibration = {
  T1: 27504,
  T2: 26435,
  T3: -1000,
  P1: 36477,
  P2: -10685,
  P3: 3024,
  P4: 2855,
  P5: 140,
  P6: -7,
  P7: 15500,
  P8: -14600,
  P9: 6000,
  H1: 75,
  H2: 362,
  H3: 0,
  H4: 313,
  H5: 50,
  H6: 30,
};

export interface SimBME280Options {
  model?: "BME280" | "BMP280";
  calibration?: BME280Calibration;
  /** °C (default 22.5). */
  temperature?: number;
  /** Pa (default 101325). */
  pressure?: number;
  /** %RH (default 45). */
  humidity?: number;
  /** Where time comes from (default: the real monotonic clock). */
  clock?: SimClock;
  /** The datasheet's measurement time to take (§9.1): "typical" (default) or "max". */
  timing?: "typical" | "max";
  /** Status reads that still show "measuring" after the measurement time, as a slow part would (default 0). */
  busyReads?: number;
}

const ID = 0xd0,
  RESET = 0xe0,
  CTRL_HUM = 0xf2,
  STATUS = 0xf3,
  CTRL_MEAS = 0xf4,
  CONFIG = 0xf5,
  DATA = 0xf7;

export class SimBME280 extends RegisterChip {
  readonly model: "BME280" | "BMP280";
  readonly calibration: BME280Calibration;
  temperature: number;
  pressure: number;
  humidity: number;
  /** Measurements performed. */
  measurements = 0;
  private readonly clock: SimClock;
  private readonly timing: "typical" | "max";
  private busyReads: number;
  private busy = 0;
  private humApplied = 0;
  /** Results of the measurement under way, shown when it ends (at `doneAtNs`, after `busy` more status reads). */
  private pendingData?: number[];
  private doneAtNs = 0n;
  /** Forced mode: back to sleep when the measurement ends. */
  private sleepAfter = false;

  constructor(options: SimBME280Options = {}) {
    super({ readOnly: readOnlyRegisters() });
    this.model = options.model ?? "BME280";
    this.calibration = options.calibration ?? EXAMPLE_CALIBRATION;
    this.temperature = options.temperature ?? 22.5;
    this.pressure = options.pressure ?? 101325;
    this.humidity = options.humidity ?? 45;
    this.clock = options.clock ?? realClock;
    this.timing = options.timing ?? "typical";
    this.busyReads = options.busyReads ?? 0;
    this.powerOn();
  }

  /** Change the environment; in normal mode the next measurement shows it. */
  set(env: { temperature?: number; pressure?: number; humidity?: number }): this {
    if (env.temperature !== undefined) this.temperature = env.temperature;
    if (env.pressure !== undefined) this.pressure = env.pressure;
    if (env.humidity !== undefined) this.humidity = env.humidity;
    if ((this.regs[CTRL_MEAS]! & 3) === 3) {
      this.settle();
      // A normal-mode cycle just ended (a simplification: no wait for the next one).
      if (this.pendingData) this.pendingData = this.rawData();
      else this.regs.set(this.rawData(), DATA);
    }
    return this;
  }

  private powerOn(): void {
    this.regs.fill(0);
    this.regs[ID] = this.model === "BME280" ? 0x60 : 0x58;
    writeCalibration(this.regs, this.calibration, this.model === "BME280");
    // Data registers after reset: 0x80000 / 0x8000 ("no measurement yet").
    this.regs.set([0x80, 0, 0, 0x80, 0, 0, 0x80, 0], DATA);
    this.busy = 0;
    this.humApplied = 0;
    this.pendingData = undefined;
  }

  /** The datasheet's measurement time (§9.1) for the current oversampling, in ms. */
  get measurementTimeMs(): number {
    const meas = this.regs[CTRL_MEAS]!;
    const n = (code: number) => (code ? 1 << (Math.min(code, 5) - 1) : 0);
    const t = n(meas >> 5),
      p = n((meas >> 2) & 7),
      h = this.model === "BME280" ? n(this.humApplied) : 0;
    const [base, per, extra] = this.timing === "max" ? [1.25, 2.3, 0.575] : [1, 2, 0.5];
    return base + per * t + (p ? per * p + extra : 0) + (h ? per * h + extra : 0);
  }

  /** Whether a measurement is under way; ends it (results in, forced mode back to sleep) once its time is up. */
  private settle(): boolean {
    if (!this.pendingData) return false;
    if (this.clock.nowNs() < this.doneAtNs || this.busy > 0) return true;
    this.finish();
    return false;
  }

  protected readRegister(reg: number): number {
    if (reg === STATUS) {
      if (!this.settle()) return 0;
      if (this.clock.nowNs() >= this.doneAtNs) this.busy--; // a slow part: `busyReads` more reads
      return 0x08;
    }
    this.settle();
    if (reg === RESET) return 0;
    if (this.model === "BMP280" && (reg === CTRL_HUM || (reg >= 0xe1 && reg <= 0xf0) || reg >= 0xfd)) return 0;
    return this.regs[reg]!;
  }

  protected writeRegister(reg: number, value: number): void {
    this.settle(); // a measurement whose time is up ends before the write (it may set the mode)
    if (reg === RESET) {
      if (value === 0xb6) this.powerOn();
      return;
    }
    if (this.model === "BMP280" && reg === CTRL_HUM) return;
    if (reg === CONFIG && (this.regs[CTRL_MEAS]! & 3) === 3) return; // ignored in normal mode (§5.4.6)
    this.regs[reg] = value;
    if (reg === CTRL_MEAS) {
      this.humApplied = this.regs[CTRL_HUM]! & 7;
      const mode = value & 3;
      if (mode === 1 || mode === 2) this.measure(true);
      else if (mode === 3) this.measure(false);
      else this.pendingData = undefined; // sleep: a normal-mode measurement under way is dropped
    }
  }

  /** Start one measurement: "measuring" for the measurement time, the old data visible until it ends. */
  private measure(forced: boolean): void {
    this.measurements++;
    this.pendingData = this.rawData();
    this.sleepAfter = forced;
    this.doneAtNs = this.clock.nowNs() + BigInt(Math.round(this.measurementTimeMs * 1e6));
    this.busy = this.busyReads;
  }

  private finish(): void {
    if (!this.pendingData) return;
    this.regs.set(this.pendingData, DATA);
    this.pendingData = undefined;
    if (this.sleepAfter) this.regs[CTRL_MEAS] = this.regs[CTRL_MEAS]! & ~3; // back to sleep after a forced measurement
  }

  /** The eight data register bytes for the current environment and settings. */
  private rawData(): number[] {
    const meas = this.regs[CTRL_MEAS]!;
    const osT = meas >> 5,
      osP = (meas >> 2) & 7,
      osH = this.humApplied;
    const filterOn = ((this.regs[CONFIG]! >> 2) & 7) !== 0;
    const c = this.calibration;
    const bits = (os: number) => (filterOn ? 20 : 16 + Math.min(os, 5) - 1);
    const adcT = osT ? inverse((adc) => tempDouble(adc, c).t, this.temperature, 20, bits(osT), true) : 0x80000;
    const tFine = tempDouble(osT ? adcT : 0x80000, c).tFine;
    const adcP = osP && osT ? inverse((adc) => pressDouble(adc, tFine, c), this.pressure, 20, bits(osP), false) : 0x80000;
    const adcH = osH && osT ? inverse((adc) => humDouble(adc, tFine, c), this.humidity, 16, 16, true) : 0x8000;
    return [adcP >> 12, (adcP >> 4) & 0xff, (adcP & 0xf) << 4, adcT >> 12, (adcT >> 4) & 0xff, (adcT & 0xf) << 4, adcH >> 8, adcH & 0xff];
  }
}

function readOnlyRegisters(): number[] {
  const ro = [ID, STATUS];
  for (let r = 0x88; r <= 0xa1; r++) ro.push(r);
  for (let r = 0xe1; r <= 0xf0; r++) ro.push(r);
  for (let r = DATA; r <= 0xfe; r++) ro.push(r);
  return ro;
}

/** Store trimming parameters the way the part does (little-endian words; H4/H5 share 0xE5). */
export function writeCalibration(regs: Uint8Array, c: BME280Calibration, humidity: boolean): void {
  const w = (at: number, v: number) => {
    regs[at] = v & 0xff;
    regs[at + 1] = (v >> 8) & 0xff;
  };
  [c.T1, c.T2, c.T3, c.P1, c.P2, c.P3, c.P4, c.P5, c.P6, c.P7, c.P8, c.P9].forEach((v, i) => {
    w(0x88 + 2 * i, v);
  });
  if (!humidity) return;
  for (const [k, lo, hi] of [
    ["H4", -2048, 2047],
    ["H5", -2048, 2047],
    ["H6", -128, 127],
    ["H2", -32768, 32767],
  ] as const) {
    if (c[k] < lo || c[k] > hi) throw badArg(`invalid dig_${k}`, `${lo}..${hi}`, c[k], "use a calibration the part can hold");
  }
  regs[0xa1] = c.H1 & 0xff;
  w(0xe1, c.H2);
  regs[0xe3] = c.H3 & 0xff;
  regs[0xe4] = (c.H4 >> 4) & 0xff;
  regs[0xe5] = (c.H4 & 0x0f) | ((c.H5 & 0x0f) << 4);
  regs[0xe6] = (c.H5 >> 4) & 0xff;
  regs[0xe7] = c.H6 & 0xff;
}

/**
 * The ADC value (a multiple of the resolution step) whose compensated value is closest to
 * `target`, by binary search over a monotonic formula.
 */
function inverse(f: (adc: number) => number, target: number, width: number, bits: number, increasing: boolean): number {
  const shift = width - bits;
  let lo = 0,
    hi = (1 << bits) - 1;
  const at = (k: number) => f(k << shift);
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const below = increasing ? at(mid) < target : at(mid) > target;
    if (below) lo = mid + 1;
    else hi = mid;
  }
  const best = lo > 0 && Math.abs(at(lo - 1) - target) < Math.abs(at(lo) - target) ? lo - 1 : lo;
  return best << shift;
}

// The datasheet's double-precision compensation (BME280 datasheet §8.1).
function tempDouble(adcT: number, c: BME280Calibration) {
  const var1 = (adcT / 16384 - c.T1 / 1024) * c.T2;
  const d = adcT / 131072 - c.T1 / 8192;
  const var2 = d * d * c.T3;
  return { tFine: Math.trunc(var1 + var2), t: (var1 + var2) / 5120 };
}

function pressDouble(adcP: number, tFine: number, c: BME280Calibration): number {
  let var1 = tFine / 2 - 64000;
  let var2 = (var1 * var1 * c.P6) / 32768;
  var2 = var2 + var1 * c.P5 * 2;
  var2 = var2 / 4 + c.P4 * 65536;
  var1 = ((c.P3 * var1 * var1) / 524288 + c.P2 * var1) / 524288;
  var1 = (1 + var1 / 32768) * c.P1;
  if (var1 === 0) return 0;
  let p = 1048576 - adcP;
  p = ((p - var2 / 4096) * 6250) / var1;
  var1 = (c.P9 * p * p) / 2147483648;
  var2 = (p * c.P8) / 32768;
  return p + (var1 + var2 + c.P7) / 16;
}

function humDouble(adcH: number, tFine: number, c: BME280Calibration): number {
  let h = tFine - 76800;
  h = (adcH - (c.H4 * 64 + (c.H5 / 16384) * h)) * ((c.H2 / 65536) * (1 + (c.H6 / 67108864) * h * (1 + (c.H3 / 67108864) * h)));
  h = h * (1 - (c.H1 * h) / 524288);
  return Math.min(100, Math.max(0, h));
}
