/**
 * @module drivers/bme280-compensate
 * The BME280/BMP280 calibration layout and Bosch's integer compensation formulas (BME280 datasheet
 * §4.2.3, BMP280 datasheet §3.11.3), ported so they give the C code's exact results: 32-bit
 * products use Math.imul (C int32 wrap-around), the 64-bit pressure formula uses BigInt (C's
 * truncating division), and right shifts are arithmetic as in the reference code.
 */

export interface BME280Calibration {
  T1: number;
  T2: number;
  T3: number;
  P1: number;
  P2: number;
  P3: number;
  P4: number;
  P5: number;
  P6: number;
  P7: number;
  P8: number;
  P9: number;
  /** Humidity trimming; all 0 on a BMP280. */
  H1: number;
  H2: number;
  H3: number;
  H4: number;
  H5: number;
  H6: number;
}

const u16 = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);
const s16 = (b: Uint8Array, i: number) => (u16(b, i) << 16) >> 16;
const s8 = (v: number) => (v << 24) >> 24;

/**
 * Parse the trimming parameters: `tp` is the 26 bytes from 0x88 (calib00..25), `h` the 7 bytes
 * from 0xE1 (calib26..32; BME280 only). dig_H4/H5 share register 0xE5: H4 = E4[7:0]:E5[3:0],
 * H5 = E6[7:0]:E5[7:4], both signed 12-bit.
 */
export function parseCalibration(tp: Uint8Array, h?: Uint8Array): BME280Calibration {
  const c: BME280Calibration = {
    T1: u16(tp, 0),
    T2: s16(tp, 2),
    T3: s16(tp, 4),
    P1: u16(tp, 6),
    P2: s16(tp, 8),
    P3: s16(tp, 10),
    P4: s16(tp, 12),
    P5: s16(tp, 14),
    P6: s16(tp, 16),
    P7: s16(tp, 18),
    P8: s16(tp, 20),
    P9: s16(tp, 22),
    H1: 0,
    H2: 0,
    H3: 0,
    H4: 0,
    H5: 0,
    H6: 0,
  };
  if (h) {
    c.H1 = tp[25]!;
    c.H2 = s16(h, 0);
    c.H3 = h[2]!;
    c.H4 = (s8(h[3]!) * 16) | (h[4]! & 0x0f);
    c.H5 = (s8(h[5]!) * 16) | (h[4]! >> 4);
    c.H6 = s8(h[6]!);
  }
  return c;
}

/** Temperature in 0.01 °C ("5123" = 51.23 °C) and t_fine, which pressure and humidity need. */
export function compensateTemperature(adcT: number, c: BME280Calibration): { t: number; tFine: number } {
  const var1 = Math.imul((adcT >> 3) - (c.T1 << 1), c.T2) >> 11;
  const d = (adcT >> 4) - c.T1;
  const var2 = Math.imul(Math.imul(d, d) >> 12, c.T3) >> 14;
  const tFine = (var1 + var2) | 0;
  return { t: (Math.imul(tFine, 5) + 128) >> 8, tFine };
}

/** Pressure in Pa as unsigned Q24.8 ("24674867" = 24674867 / 256 = 96386.2 Pa); 0 if the calibration is unusable. */
export function compensatePressure(adcP: number, tFine: number, c: BME280Calibration): number {
  let var1 = BigInt(tFine) - 128000n;
  let var2 = var1 * var1 * BigInt(c.P6);
  var2 = var2 + ((var1 * BigInt(c.P5)) << 17n);
  var2 = var2 + (BigInt(c.P4) << 35n);
  var1 = ((var1 * var1 * BigInt(c.P3)) >> 8n) + ((var1 * BigInt(c.P2)) << 12n);
  var1 = (((1n << 47n) + var1) * BigInt(c.P1)) >> 33n;
  if (var1 === 0n) return 0; // avoid a division by zero
  let p = 1048576n - BigInt(adcP);
  p = (((p << 31n) - var2) * 3125n) / var1;
  var1 = (BigInt(c.P9) * (p >> 13n) * (p >> 13n)) >> 25n;
  var2 = (BigInt(c.P8) * p) >> 19n;
  p = ((p + var1 + var2) >> 8n) + (BigInt(c.P7) << 4n);
  return Number(BigInt.asUintN(32, p));
}

/** Relative humidity in %RH as unsigned Q22.10 ("47445" = 47445 / 1024 = 46.333 %RH). */
export function compensateHumidity(adcH: number, tFine: number, c: BME280Calibration): number {
  let v = (tFine - 76800) | 0;
  const a = ((adcH << 14) - (c.H4 << 20) - Math.imul(c.H5, v) + 16384) >> 15;
  const b = Math.imul(v, c.H6) >> 10;
  const g = (Math.imul(v, c.H3) >> 11) + 32768;
  const k = ((Math.imul(b, g) >> 10) + 2097152) | 0;
  const e = (Math.imul(k, c.H2) + 8192) >> 14;
  v = Math.imul(a, e);
  v = (v - (Math.imul(Math.imul(v >> 15, v >> 15) >> 7, c.H1) >> 4)) | 0;
  v = Math.min(Math.max(v, 0), 419430400);
  return v >> 12;
}
