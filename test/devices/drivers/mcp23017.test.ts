import { describe, expect, test } from "bun:test";
import { MCP23017, SimMCP23017, SimI2CBus } from "../../../src/devices/index.ts";

async function setup() {
  const chip = new SimMCP23017();
  const bus = new SimI2CBus({ devices: { 0x20: chip } });
  return { chip, bus, io: await MCP23017.open(bus) };
}

describe("MCP23017", () => {
  test("power-on: all 16 pins are inputs", async () => {
    const { chip } = await setup();
    expect(chip.outputs).toBe(0);
  });

  test("outputs: pinMode + digitalWrite drive the pin; other pins keep their latch", async () => {
    const { chip, io } = await setup();
    await io.pinMode(0, "output");
    await io.pinMode(15, "output");
    await io.digitalWrite(0, 1);
    await io.digitalWrite(15, true);
    expect([chip.pin(0), chip.pin(15)]).toEqual([1, 1]);
    await io.digitalWrite(0, 0);
    expect([chip.pin(0), chip.pin(15)]).toEqual([0, 1]);
    expect(chip.outputs).toBe(0x8001);
    expect(await io.digitalRead(15)).toBe(1); // an output reads what it drives
  });

  test("inputs: pull-up reads 1 when floating, the driven level otherwise", async () => {
    const { chip, io } = await setup();
    await io.pinMode(9, "input-pullup");
    expect(await io.digitalRead(9)).toBe(1);
    chip.setInput(9, 0);
    expect(await io.digitalRead(9)).toBe(0);
    await io.pinMode(10, "input");
    expect(await io.digitalRead(10)).toBe(0);
    chip.setInput(10, 1);
    expect(await io.digitalRead(10)).toBe(1);
  });

  test("whole ports and all 16 bits (GPA in the low byte)", async () => {
    const { chip, io } = await setup();
    await io.setDirection(0x00ff); // A inputs, B outputs
    await io.writePort("B", 0xa5);
    expect(await io.readPort("B")).toBe(0xa5);
    [1, 0, 1, 1, 0, 0, 0, 1].forEach((v, p) => {
      chip.setInput(p, v as 0 | 1);
    });
    expect(await io.readPort("A")).toBe(0b10001101);
    expect(await io.read()).toBe(0xa58d);
    await io.write(0x3c00);
    expect(await io.readPort("B")).toBe(0x3c);
  });

  test("polarity inverts inputs only", async () => {
    const { chip, io } = await setup();
    await io.setDirection(0xfffe);
    await io.setPolarity(0x0003);
    chip.setInput(1, 1);
    await io.digitalWrite(0, 1);
    expect(await io.digitalRead(1)).toBe(0);
    expect(await io.digitalRead(0)).toBe(1);
  });

  test("bad pins and values are refused", async () => {
    const { io } = await setup();
    await expect(io.digitalWrite(16, 1)).rejects.toThrow("GPB0..7");
    await expect(io.pinMode(1, "pwm" as never)).rejects.toThrow("invalid pin mode");
    await expect(io.writePort("C" as never, 1)).rejects.toThrow("invalid MCP23017 port");
  });
});
