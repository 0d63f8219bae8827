// Faults on demand on the simulated bus: they raise the same errors (codes, errno) as the real bus.
import { describe, expect, test } from "bun:test";
import { I2C_FUNC_SMBUS_READ_BLOCK_DATA } from "../../src/devices/i2c/uapi.ts";
import { DeviceError, I2C_FUNCS_FULL, I2C_FUNCS_SMBUS_ONLY, RegisterChip, SimI2CBus, BME280, SimBME280 } from "../../src/devices/index.ts";
import { i2cError } from "../../src/devices/i2c/errors.ts";
import { rejected } from "../helpers/errors.ts";

const rejection = (p: Promise<unknown>) => rejected(p, DeviceError);

function setup() {
  const chip = new RegisterChip();
  const bus = new SimI2CBus({ bus: 1, devices: { 0x50: chip } });
  return { chip, bus };
}

describe("faults", () => {
  test("nak: the next transfer fails with ENXIO (DD_I2C_NO_ACK, as the real bus maps it), then the device answers", async () => {
    const { bus } = setup();
    bus.fault(0x50, "nak");
    const e = await rejection(bus.readByte(0x50, 0));
    expect(e.ddCode).toBe(i2cError(6, { device: "x", operation: "y" }).ddCode);
    expect(e.code).toBe("ENXIO"); // i2c-bus's contract: code is the errno name
    expect(e.errnoName).toBe("ENXIO");
    expect(e.message).toContain("no device answered at 0x50 on sim:i2c-1 (ENXIO)");
    expect(await bus.readByte(0x50, 0)).toBe(0);
  });

  test("timeout: ETIMEDOUT → DD_I2C_TIMEOUT, `times` transfers in a row", async () => {
    const { bus } = setup();
    bus.fault(0x50, "timeout", { times: 2 });
    expect((await rejection(bus.writeByte(0x50, 1, 2))).ddCode).toBe("DD_I2C_TIMEOUT");
    const e = await rejection(bus.readWord(0x50, 1));
    expect(e.errnoName).toBe("ETIMEDOUT");
    expect(e.message).toContain("pull-up");
    await bus.writeByte(0x50, 1, 2);
    expect(await bus.readByte(0x50, 1)).toBe(2);
  });

  test("`after`: the first transfers succeed, then the fault hits; Infinity lasts until clearFaults", async () => {
    const { bus } = setup();
    bus.fault(0x50, "nak", { after: 2, times: Infinity });
    await bus.readByte(0x50, 0);
    await bus.readByte(0x50, 0);
    for (let i = 0; i < 5; i++) expect((await rejection(bus.readByte(0x50, 0))).ddCode).toBe("DD_I2C_NO_ACK");
    bus.clearFaults(0x50);
    expect(await bus.readByte(0x50, 0)).toBe(0);
  });

  test("unplug mid-transfer: the register pointer got through, the data did not (EREMOTEIO); then ENXIO until replug", async () => {
    const { bus, chip } = setup();
    await bus.writeByte(0x50, 0x10, 0x11);
    bus.fault(0x50, "unplug");
    const e = await rejection(bus.writeI2cBlock(0x50, 0x20, 3, Buffer.from([1, 2, 3])));
    expect(e.errnoName).toBe("EREMOTEIO");
    expect(e.ddCode).toBe("DD_I2C_NO_ACK");
    expect(e.message).toContain("unplugged mid-transfer");
    expect([chip.peek(0x20), chip.peek(0x21)]).toEqual([0, 0]);
    expect(chip.writes).toEqual([[0x10, 0x11]]); // only the earlier complete write
    const gone = await rejection(bus.readByte(0x50, 0x10));
    expect(gone.errnoName).toBe("ENXIO");
    expect(await bus.scan()).toEqual([]);
    bus.replug(0x50);
    expect(await bus.readByte(0x50, 0x10)).toBe(0x11);
    expect(bus.device(0x50)).toBe(chip);
  });

  test("a driver sees the fault as the same error: BME280.read() on an unplugged sensor", async () => {
    const bus = new SimI2CBus({ devices: { 0x76: new SimBME280() } });
    const bme = await BME280.open(bus);
    bus.fault(0x76, "unplug");
    expect((await rejection(bme.read())).ddCode).toBe("DD_I2C_NO_ACK");
    expect((await rejection(bme.read())).errnoName).toBe("ENXIO");
  });
});

describe("adapter behaviour", () => {
  test("an address claimed by a kernel driver: DD_I2C_ADDRESS_BUSY, scan's probe says busy, forceAccess gets through", async () => {
    const chip = new RegisterChip({ initial: { 0: 0x42 } });
    const bus = new SimI2CBus({ devices: { 0x68: chip }, claimed: [0x68] });
    expect((await rejection(bus.readByte(0x68, 0))).ddCode).toBe("DD_I2C_ADDRESS_BUSY");
    expect(await bus.probe(0x68)).toBe("busy");
    expect(await bus.scan()).toEqual([]);
    const forced = new SimI2CBus({ devices: { 0x68: chip }, claimed: [0x68], forceAccess: true });
    expect(await forced.readByte(0x68, 0)).toBe(0x42);
  });

  test("an SMBus-only adapter (like i2c-stub) refuses plain I2C and combined transfers with DD_I2C_UNSUPPORTED", async () => {
    const bus = new SimI2CBus({ funcs: I2C_FUNCS_SMBUS_ONLY, devices: { 0x50: new RegisterChip() } });
    expect((await bus.i2cFuncs()).i2c).toBe(false);
    const e = await rejection(bus.writeRead(0x50, Uint8Array.of(0), 1));
    expect(e.ddCode).toBe("DD_I2C_UNSUPPORTED");
    expect(e.errnoName).toBe("EOPNOTSUPP");
  });

  test("deviceId reads the reserved 0x7c address; a part without one does not answer", async () => {
    const bus = new SimI2CBus({ devices: { 0x50: new RegisterChip({ deviceId: 0x00d123 }), 0x51: new RegisterChip() } });
    expect(await bus.deviceId(0x50)).toEqual({ manufacturer: 0x00d, product: 0x123, name: "Atmel" });
    expect((await rejection(bus.deviceId(0x51))).ddCode).toBe("DD_I2C_NO_ACK");
  });

  test("every kind of call counts as one transfer; argument errors never reach the bus", async () => {
    const { bus } = setup();
    await bus.readByte(0x50, 0);
    await bus.readI2cBlock(0x50, 0, 4, Buffer.alloc(4));
    await bus.writeRead(0x50, Uint8Array.of(0), 2);
    expect(bus.transfers).toBe(3);
    await rejection(bus.readByte(0x50, 300));
    expect(bus.transfers).toBe(3);
  });

  test("SMBus block read/write: the count travels first", async () => {
    const chip = new RegisterChip();
    expect((await rejection(new SimI2CBus({ devices: { 0x50: chip } }).readBlock(0x50, 0, Buffer.alloc(32)))).ddCode).toBe(
      "DD_I2C_UNSUPPORTED",
    ); // not emulated by plain adapters
    const bus = new SimI2CBus({ funcs: I2C_FUNCS_FULL | I2C_FUNC_SMBUS_READ_BLOCK_DATA, devices: { 0x50: chip } });
    await bus.writeBlock(0x50, 0x08, 3, Buffer.from([9, 8, 7]));
    expect([chip.peek(0x08), chip.peek(0x09), chip.peek(0x0a), chip.peek(0x0b)]).toEqual([3, 9, 8, 7]);
    const out = Buffer.alloc(32);
    expect((await bus.readBlock(0x50, 0x08, out)).bytesRead).toBe(3);
    expect([...out.subarray(0, 3)]).toEqual([9, 8, 7]);
  });
});
