import { describe, expect, test } from "bun:test";
import { PCA9685, SimPCA9685, SimI2CBus, prescaleFor } from "../../../src/devices/index.ts";

async function setup(frequency?: number) {
  const chip = new SimPCA9685();
  const bus = new SimI2CBus({ devices: { 0x40: chip } });
  const pwm = await PCA9685.open(bus, { frequency });
  return { chip, bus, pwm };
}

describe("PCA9685", () => {
  test("prescale = round(25 MHz / (4096 × f)) − 1: the datasheet's 200 Hz → 0x1E; limits 3..255", () => {
    expect(prescaleFor(200)).toBe(0x1e);
    expect(prescaleFor(50)).toBe(121);
    expect(prescaleFor(1526)).toBe(3);
    expect(prescaleFor(5000)).toBe(3);
    expect(prescaleFor(24)).toBe(253);
    expect(prescaleFor(1)).toBe(255);
  });

  test("open: awake, auto-increment on, the requested frequency (set while asleep, as required)", async () => {
    const { chip, pwm } = await setup(50);
    expect(chip.sleeping).toBe(false);
    expect(chip.prescale).toBe(121);
    expect(chip.frequency()).toBeCloseTo(50.03, 2);
    expect(pwm.frequency).toBeCloseTo(chip.frequency(), 9);
    expect(chip.peek(0x00) & 0x20).toBe(0x20);
  });

  test("the chip ignores a prescale written while awake: the driver's sleep dance is what makes it work", async () => {
    const { chip, bus } = await setup(200);
    await bus.writeByte(0x40, 0xfe, 121);
    expect(chip.prescale).toBe(0x1e);
  });

  test("duty per channel, read back; 0 and 1 use the full-off / full-on bits", async () => {
    const { chip, pwm } = await setup(1000);
    await pwm.setDuty(3, 0.25);
    expect(chip.duty(3)).toBe(0.25);
    expect(await pwm.getPwm(3)).toEqual({ on: 0, off: 1024 });
    await pwm.setDuty(4, 1);
    expect(chip.counts(4).fullOn).toBe(true);
    expect(chip.duty(4)).toBe(1);
    await pwm.setDuty(4, 0);
    expect(chip.counts(4).fullOff).toBe(true);
    expect(chip.duty(4)).toBe(0);
    expect(chip.duty(5)).toBe(0); // power-on: full off
  });

  test("servo helper: 0°, 90°, 180° → 500, 1500, 2500 µs within one count at 50 Hz", async () => {
    const { chip, pwm } = await setup(50);
    const step = 1e6 / chip.frequency() / 4096; // ≈ 4.9 µs
    for (const [angle, us] of [
      [0, 500],
      [90, 1500],
      [180, 2500],
    ] as const) {
      await pwm.servo(0, angle);
      expect(Math.abs(chip.pulseUs(0) - us)).toBeLessThanOrEqual(step);
    }
    await pwm.setPulse(1, 1000);
    expect(Math.abs(chip.pulseUs(1) - 1000)).toBeLessThanOrEqual(step);
    await expect(pwm.servo(0, 200)).rejects.toThrow("invalid servo angle");
    await expect(pwm.setPulse(0, 30000)).rejects.toThrow("invalid pulse width");
  });

  test("allOff turns every channel off at once; channels come back when set again", async () => {
    const { chip, pwm } = await setup(1000);
    for (let ch = 0; ch < 16; ch++) await pwm.setDuty(ch, 0.5);
    await pwm.allOff();
    for (let ch = 0; ch < 16; ch++) expect(chip.duty(ch)).toBe(0);
    await pwm.setDuty(7, 0.75);
    expect(chip.duty(7)).toBe(0.75);
  });

  test("sleep stops the outputs; a bad channel is refused", async () => {
    const { chip, pwm } = await setup(1000);
    await pwm.setDuty(0, 0.5);
    await pwm.sleep();
    expect(chip.sleeping).toBe(true);
    expect(chip.duty(0)).toBe(0);
    await expect(pwm.setDuty(16, 0.5)).rejects.toThrow("PCA9685 channel");
    await expect(pwm.setDuty(0, 1.5)).rejects.toThrow("invalid duty cycle");
  });
});
