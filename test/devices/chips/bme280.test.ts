// The simulated BME280 follows time (issue 12): a measurement takes the datasheet's measurement
// time, "measuring" (status bit 3) is set meanwhile, and the results appear when it ends whether or
// not anyone reads the status. A ManualClock makes every step deterministic.
import { describe, expect, test } from "bun:test";
import { ManualClock, SimBME280, SimI2CBus } from "../../../src/devices/index.ts";

const CTRL_HUM = 0xf2,
  STATUS = 0xf3,
  CTRL_MEAS = 0xf4,
  DATA = 0xf7;
const FORCED_X1 = (1 << 5) | (1 << 2) | 0b01; // osrs_t ×1, osrs_p ×1, forced

function setup(options: ConstructorParameters<typeof SimBME280>[0] = {}) {
  const clock = new ManualClock();
  const chip = new SimBME280({ clock, ...options });
  const bus = new SimI2CBus({ devices: { 0x76: chip } });
  const data = () => {
    const d = Buffer.alloc(8);
    bus.readI2cBlockSync(0x76, DATA, 8, d);
    return { adcP: (d[0]! << 12) | (d[1]! << 4) | (d[2]! >> 4), adcT: (d[3]! << 12) | (d[4]! << 4) | (d[5]! >> 4) };
  };
  return { clock, chip, bus, data };
}

describe("forced measurement follows the datasheet's measurement time", () => {
  test("measuring and the previous data for t_measure (8 ms typical at ×1 with humidity ×1), then results and sleep mode, with no status read", () => {
    const { clock, chip, bus, data } = setup({ temperature: 22.5, pressure: 100_000 });
    bus.writeByteSync(0x76, CTRL_HUM, 1);
    bus.writeByteSync(0x76, CTRL_MEAS, FORCED_X1);
    expect(chip.measurementTimeMs).toBe(1 + 2 + 2.5 + 2.5);
    expect(bus.readByteSync(0x76, STATUS) & 0x08).toBe(0x08);
    expect(data().adcT).toBe(0x80000); // shadowed: still the reset value
    clock.advance(7.99);
    expect(bus.readByteSync(0x76, STATUS) & 0x08).toBe(0x08);
    expect(data().adcT).toBe(0x80000);
    expect(bus.readByteSync(0x76, CTRL_MEAS) & 3).toBe(0b01); // still in forced mode
    clock.advance(0.01);
    expect(data().adcT).not.toBe(0x80000); // the data read alone ends it: no status read needed
    expect(bus.readByteSync(0x76, STATUS)).toBe(0);
    expect(bus.readByteSync(0x76, CTRL_MEAS) & 3).toBe(0); // back to sleep
  });

  test("the results are the set environment, as read by a driver that only waits (the npm bme280's way)", () => {
    const { clock, chip, bus, data } = setup({ temperature: 22.5, pressure: 100_000 });
    bus.writeByteSync(0x76, CTRL_MEAS, FORCED_X1);
    clock.advance(chip.measurementTimeMs);
    const first = data();
    chip.set({ temperature: 30 });
    bus.writeByteSync(0x76, CTRL_MEAS, FORCED_X1);
    expect(data()).toEqual(first); // the new measurement is not done yet: old results
    clock.advance(chip.measurementTimeMs);
    expect(data().adcT).toBeGreaterThan(first.adcT);
    expect(chip.measurements).toBe(2);
  });

  test("the time grows with oversampling, humidity counts from ctrl_hum, skipped channels cost nothing; typical and max", () => {
    const { chip, bus } = setup();
    bus.writeByteSync(0x76, CTRL_HUM, 5);
    bus.writeByteSync(0x76, CTRL_MEAS, (5 << 5) | (5 << 2) | 0b01); // ×16 everywhere
    expect(chip.measurementTimeMs).toBe(1 + 32 + 32.5 + 32.5);
    bus.writeByteSync(0x76, CTRL_HUM, 0);
    bus.writeByteSync(0x76, CTRL_MEAS, (1 << 5) | 0b01); // pressure and humidity skipped
    expect(chip.measurementTimeMs).toBe(3);
    const max = setup({ timing: "max" });
    max.bus.writeByteSync(0x76, CTRL_HUM, 1);
    max.bus.writeByteSync(0x76, CTRL_MEAS, FORCED_X1);
    expect(max.chip.measurementTimeMs).toBeCloseTo(1.25 + 2.3 + 2.875 + 2.875, 9);
    const bmp = setup({ model: "BMP280" });
    bmp.bus.writeByteSync(0x76, CTRL_MEAS, FORCED_X1);
    expect(bmp.chip.measurementTimeMs).toBe(5.5); // the BMP280 datasheet's ultra low power: 5.5 ms typical
  });

  test("busyReads: a slow part shows measuring for that many status reads after the time", () => {
    const { clock, bus, data } = setup({ busyReads: 2 });
    bus.writeByteSync(0x76, CTRL_MEAS, FORCED_X1);
    clock.advance(100);
    expect(bus.readByteSync(0x76, STATUS)).toBe(0x08);
    expect(data().adcT).toBe(0x80000);
    expect(bus.readByteSync(0x76, STATUS)).toBe(0x08);
    expect(bus.readByteSync(0x76, STATUS)).toBe(0);
    expect(data().adcT).not.toBe(0x80000);
  });
});

describe("normal mode", () => {
  test("the first measurement ends after t_measure; later set() values show at once", () => {
    const { clock, chip, bus, data } = setup({ temperature: 18 });
    bus.writeByteSync(0x76, CTRL_MEAS, (1 << 5) | (1 << 2) | 0b11);
    expect(data().adcT).toBe(0x80000);
    clock.advance(chip.measurementTimeMs);
    const first = data().adcT;
    expect(first).not.toBe(0x80000);
    expect(bus.readByteSync(0x76, CTRL_MEAS) & 3).toBe(0b11); // stays in normal mode
    chip.set({ temperature: 25 });
    expect(data().adcT).toBeGreaterThan(first);
  });
});
