import { describe, expect, test } from "bun:test";
import { ADS1115, SimADS1115, SimI2CBus, adsToVolts } from "../../../src/devices/index.ts";

function setup(busyReads = 1) {
  const chip = new SimADS1115({ busyReads });
  const bus = new SimI2CBus({ devices: { 0x48: chip } });
  return { chip, bus };
}

describe("ADS1115 on the simulated chip", () => {
  test("four single-ended channels in volts (±4.096 V range: 125 µV per code)", async () => {
    const { chip, bus } = setup();
    [0.5, 1.234, 3.3, 0.001].forEach((v, i) => {
      chip.setVoltage(i, v);
    });
    const adc = await ADS1115.open(bus, { rate: 860 });
    for (const [ch, v] of [
      [0, 0.5],
      [1, 1.234],
      [2, 3.3],
      [3, 0.001],
    ] as const) {
      expect(Math.abs((await adc.readVolts(ch)) - v)).toBeLessThanOrEqual(0.000125 / 2);
    }
    expect(await adc.readRaw(1)).toBe(Math.round((1.234 / 4.096) * 32768)); // 9872
  });

  test("the config word follows the datasheet: MUX, PGA, MODE, DR, comparator off", async () => {
    const { chip, bus } = setup();
    const adc = await ADS1115.open(bus, { range: 2.048, rate: 250 });
    await adc.readRaw(2);
    expect((chip.config >> 12) & 7).toBe(0b110); // AIN2 vs GND
    expect((chip.config >> 9) & 7).toBe(0b010); // ±2.048 V
    expect((chip.config >> 8) & 1).toBe(1); // single-shot
    expect((chip.config >> 5) & 7).toBe(0b101); // 250 SPS
    expect(chip.config & 3).toBe(3); // comparator disabled
  });

  test("gain: a small signal resolves finer on a smaller range; full scale clips", async () => {
    const { chip, bus } = setup();
    chip.setVoltage(0, 0.1).setVoltage(1, 5);
    const adc = await ADS1115.open(bus, { rate: 860 });
    expect(await adc.readRaw(0, { range: 0.256 })).toBe(12800);
    expect(await adc.readRaw(0, { range: 6.144 })).toBe(533);
    expect(await adc.readRaw(1, { range: 4.096 })).toBe(32767);
    expect(adsToVolts(32767, 4.096)).toBeCloseTo(4.096, 3);
  });

  test("differential pairs, negative results", async () => {
    const { chip, bus } = setup();
    chip.setVoltage(0, 1.0).setVoltage(1, 1.5).setVoltage(3, 0.25);
    const adc = await ADS1115.open(bus, { rate: 860 });
    expect(await adc.readVolts("0-1")).toBeCloseTo(-0.5, 3);
    expect(await adc.readVolts("0-3")).toBeCloseTo(0.75, 3);
    expect(await adc.readVolts("1-3")).toBeCloseTo(1.25, 3);
  });

  test("conversion ready: the driver waits while OS reports busy; exactly one conversion per read", async () => {
    const { chip, bus } = setup(4);
    chip.setVoltage(0, 2);
    const adc = await ADS1115.open(bus, { rate: 860 });
    expect(await adc.isReady()).toBe(true);
    expect(await adc.readVolts(0)).toBeCloseTo(2, 3);
    expect(chip.conversions).toBe(1);
    chip.setVoltage(0, 1);
    expect(await adc.readVolts(0)).toBeCloseTo(1, 3);
    expect(chip.conversions).toBe(2);
  });

  test("ALERT/RDY as conversion-ready pin asserts after a conversion", async () => {
    const { chip, bus } = setup();
    const adc = await ADS1115.open(bus, { rate: 860 });
    await adc.enableReadyPin();
    expect([chip.hiThresh, chip.loThresh]).toEqual([0x8000, 0x0000]);
    expect(chip.readyAsserted).toBe(false);
    await adc.readRaw(0);
    expect(chip.readyAsserted).toBe(true);
    expect(chip.config & 3).toBe(0); // comparator on (assert after one conversion)
  });

  test("continuous mode follows the input; stop() returns to single-shot", async () => {
    const { chip, bus } = setup();
    const adc = await ADS1115.open(bus);
    await adc.startContinuous(3, { range: 1.024 });
    chip.setVoltage(3, 0.5);
    expect(await adc.readLatest()).toBe(16000);
    chip.setVoltage(3, -0.25);
    expect(await adc.readLatest()).toBe(-8000);
    await adc.stop();
    expect((chip.config >> 8) & 1).toBe(1);
  });

  test("bad channel / range / rate fail before any transfer", async () => {
    const { bus } = setup();
    const adc = await ADS1115.open(bus);
    const before = bus.transfers;
    await expect(adc.readRaw(4 as never)).rejects.toThrow("invalid ADS1115 channel");
    await expect(adc.readRaw(0, { range: 3 as never })).rejects.toThrow("invalid ADS1115 range");
    await expect(adc.readRaw(0, { rate: 100 as never })).rejects.toThrow("invalid ADS1115 rate");
    expect(bus.transfers).toBe(before);
  });
});
