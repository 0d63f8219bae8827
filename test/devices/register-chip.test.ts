import { expect, test } from "bun:test";
import { RegisterChip, SimI2CBus } from "../../src/devices/index.ts";

test("the pointer auto-increments across a block and wraps at the end of the map", async () => {
  const chip = new RegisterChip({ size: 16 });
  const bus = new SimI2CBus({ devices: { 0x20: chip } });
  await bus.writeI2cBlock(0x20, 14, 4, Buffer.from([1, 2, 3, 4]));
  expect([chip.peek(14), chip.peek(15), chip.peek(0), chip.peek(1)]).toEqual([1, 2, 3, 4]);
});

test("read-only registers ignore writes but the write is still logged", async () => {
  const chip = new RegisterChip({ readOnly: [0xd0], initial: { 0xd0: 0x60 } });
  const bus = new SimI2CBus({ devices: { 0x76: chip } });
  await bus.writeByte(0x76, 0xd0, 0x12);
  expect(await bus.readByte(0x76, 0xd0)).toBe(0x60);
  expect(chip.writes).toEqual([[0xd0, 0x12]]);
});

test("without auto-increment every byte goes to the same register", async () => {
  const chip = new RegisterChip({ autoIncrement: false });
  const bus = new SimI2CBus({ devices: { 0x20: chip } });
  await bus.writeI2cBlock(0x20, 5, 3, Buffer.from([1, 2, 3]));
  expect([chip.peek(5), chip.peek(6)]).toEqual([3, 0]);
});

test("words are little-endian register pairs; poke reaches read-only registers", async () => {
  const chip = new RegisterChip({ readOnly: [0x40, 0x41] });
  const bus = new SimI2CBus({ devices: { 0x20: chip } });
  chip.pokeWord(0x40, 0xabcd);
  expect(await bus.readWord(0x20, 0x40)).toBe(0xabcd);
  expect(chip.peekWord(0x40)).toBe(0xabcd);
  expect(() => chip.poke(0x100, 1)).toThrow("register");
});
