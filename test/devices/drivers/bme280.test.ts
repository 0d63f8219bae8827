// BME280/BMP280: the integer compensation against Bosch's C reference and the datasheet's worked
// example, and the driver against the simulated chip (whose raw values come from the datasheet's
// floating-point formulas, an independent implementation).
import { describe, expect, test } from "bun:test";
import vectors from "../fixtures/bme280-vectors.json";
import {
  BME280,
  EXAMPLE_CALIBRATION,
  SimBME280,
  SimI2CBus,
  DeviceError,
  compensateHumidity,
  compensatePressure,
  compensateTemperature,
  parseCalibration,
  type BME280Calibration,
} from "../../../src/devices/index.ts";
import { writeCalibration } from "../../../src/devices/chips/bme280.ts";

const cal = (c: number[]): BME280Calibration => {
  const [T1, T2, T3, P1, P2, P3, P4, P5, P6, P7, P8, P9, H1, H2, H3, H4, H5, H6] = c as [number, ...number[]];
  return { T1, T2, T3, P1, P2, P3, P4, P5, P6, P7, P8, P9, H1, H2, H3, H4, H5, H6 } as BME280Calibration;
};

describe("compensation (datasheet integer formulas)", () => {
  test("the BMP280 datasheet's example: adc_T 519888 → 25.08 °C (t_fine 128422); adc_P 415148 → 100653.27 Pa", () => {
    const c = EXAMPLE_CALIBRATION;
    const { t, tFine } = compensateTemperature(519888, c);
    expect(t).toBe(2508);
    expect(tFine).toBe(128422);
    const p = compensatePressure(415148, tFine, c) / 256;
    expect(Math.abs(p - 100653.27)).toBeLessThan(0.05); // the datasheet's double result; the 64-bit integer one is 100653.25
  });

  test("80 vectors from Bosch's C code (fixtures/bme280-reference.c, compiled with cc): identical integers", () => {
    expect(vectors.length).toBe(80);
    for (const v of vectors) {
      const c = cal(v.cal);
      const { t, tFine } = compensateTemperature(v.adcT, c);
      expect([t, tFine, compensatePressure(v.adcP, tFine, c), compensateHumidity(v.adcH, tFine, c)]).toEqual([v.T, v.tFine, v.P, v.H]);
    }
  });

  test("calibration bytes: words little-endian and signed, H4/H5 sharing register 0xE5, negative values", () => {
    const c: BME280Calibration = { ...EXAMPLE_CALIBRATION, H2: -363, H4: -349, H5: -30, H6: -5 };
    const regs = new Uint8Array(256);
    writeCalibration(regs, c, true);
    expect([regs[0x88], regs[0x89]]).toEqual([27504 & 0xff, 27504 >> 8]);
    expect([regs[0xe4], regs[0xe5], regs[0xe6]]).toEqual([0xea, 0x23, 0xfe]); // -349 = 0xEA3, -30 = 0xFE2
    expect(parseCalibration(regs.subarray(0x88, 0x88 + 26), regs.subarray(0xe1, 0xe1 + 7))).toEqual(c);
    expect(parseCalibration(regs.subarray(0x88, 0x88 + 26)).H1).toBe(0); // BMP280: no humidity trimming
  });
});

describe("driver on the simulated chip", () => {
  const open = (options: ConstructorParameters<typeof SimBME280>[0] = {}) => {
    const chip = new SimBME280(options);
    return { chip, bus: new SimI2CBus({ devices: { 0x76: chip } }) };
  };

  test("identifies the part and reads the trimming parameters", async () => {
    const { bus, chip } = open();
    const bme = await BME280.open(bus);
    expect([bme.chipId, bme.model]).toEqual([0x60, "BME280"]);
    expect(bme.calibration).toEqual(chip.calibration);
    expect(String(bme)).toBe("BME280 at 0x76 on sim:i2c-1");
  });

  test("reads back the set environment within the datasheet's resolution (×16 oversampling: 20 bit)", async () => {
    const { bus, chip } = open({ temperature: 21.37, pressure: 98765.4, humidity: 55.5 });
    const bme = await BME280.open(bus, { oversampling: { temperature: 16, pressure: 16, humidity: 16 } });
    const r = await bme.read();
    expect(Math.abs(r.temperature - 21.37)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(r.pressure! - 98765.4)).toBeLessThan(0.5); // 0.16 Pa resolution + formula rounding
    expect(Math.abs(r.humidity! - 55.5)).toBeLessThan(0.02);
    chip.set({ temperature: -12.3, pressure: 70000, humidity: 5 });
    const r2 = await bme.read();
    expect(Math.abs(r2.temperature + 12.3)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(r2.pressure! - 70000)).toBeLessThan(0.5);
    expect(Math.abs(r2.humidity! - 5)).toBeLessThan(0.02);
  }, 10_000);

  test("×1 oversampling gives 16-bit values: pressure within 2.62 Pa (datasheet table 3)", async () => {
    const { bus } = open({ temperature: 30.01, pressure: 101325 });
    const r = await (await BME280.open(bus)).read();
    expect(Math.abs(r.temperature - 30.01)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(r.pressure! - 101325)).toBeLessThan(2.62);
    expect(r.raw.adcP & 0xf).toBe(0); // 16-bit: the low 4 bits are zero
  });

  test("forced mode: one measurement per read, and the driver waits for it (stale data until it ends)", async () => {
    const { bus, chip } = open({ busyReads: 3, temperature: 20 });
    const bme = await BME280.open(bus);
    const before = chip.measurements;
    expect((await bme.read()).temperature).toBe(20);
    chip.set({ temperature: 25 });
    expect((await bme.read()).temperature).toBe(25);
    expect(chip.measurements - before).toBe(2);
  });

  test("normal mode: read() returns the latest measurement without triggering", async () => {
    const { bus, chip } = open({ temperature: 18 });
    const bme = await BME280.open(bus, { mode: "normal", filter: 4, standbyMs: 62.5 });
    expect((await bme.read()).temperature).toBe(18);
    chip.set({ temperature: 19.5 });
    expect((await bme.read()).temperature).toBe(19.5);
  });

  test("skipped measurements read as undefined; a BMP280 has no humidity", async () => {
    const { bus } = open();
    const r = await (await BME280.open(bus, { oversampling: { pressure: 0, humidity: 0 } })).read();
    expect([r.pressure, r.humidity]).toEqual([undefined, undefined]);
    const bmp = open({ model: "BMP280", temperature: 23.45, pressure: 100000 });
    const b = await BME280.open(bmp.bus);
    expect([b.chipId, b.model]).toEqual([0x58, "BMP280"]);
    const rb = await b.read();
    expect(rb.humidity).toBeUndefined();
    expect(rb.temperature).toBe(23.45);
    expect(Math.abs(rb.pressure! - 100000)).toBeLessThan(2.62);
  });

  test("a different chip at the address: DD_DRIVER_WRONG_CHIP naming what was found", async () => {
    const bus = new SimI2CBus({ devices: { 0x76: new SimBME280() } });
    bus.device<SimBME280>(0x76)!.poke(0xd0, 0x61); // a BME680's chip id
    const e = await BME280.open(bus).catch((x) => x);
    expect(e).toBeInstanceOf(DeviceError);
    expect(e.ddCode).toBe("DD_DRIVER_WRONG_CHIP");
    expect(e.message).toContain("chip id 0x61");
    expect(e.message).toContain("0x76 with SDO to GND");
  });

  test("invalid options fail before any transfer", async () => {
    const { bus } = open();
    expect((await BME280.open(bus, { oversampling: { temperature: 3 as never } }).catch((e) => e)).ddCode).toBe("DD_DEVICE_BAD_ARG");
  });
});
