// The i2c-bus drop-in (src/devices/i2c-bus.ts): i2c-bus's module functions and signatures, handles
// on a provided bus, the callback bus's block calls, and errors whose `code` is the errno name.
import { afterEach, describe, expect, test } from "bun:test";
import { open, openPromisified, openSync, provideBus } from "../../src/devices/i2c-bus.ts";
import { DeviceError, I2C_FUNCS_FULL, RegisterChip, SimI2CBus } from "../../src/devices/index.ts";
import { I2C_FUNC_SMBUS_READ_BLOCK_DATA } from "../../src/devices/i2c/uapi.ts";

afterEach(() => void provideBus(1, undefined));

function provide() {
  const chip = new RegisterChip({ initial: { 0xd0: 0x60 } });
  const sim = new SimI2CBus({ bus: 1, funcs: I2C_FUNCS_FULL | I2C_FUNC_SMBUS_READ_BLOCK_DATA, devices: { 0x76: chip } });
  provideBus(1, sim);
  return { chip, sim };
}

const callback = <T>(fn: (cb: (err: unknown, value?: T) => void) => void) =>
  new Promise<{ err: unknown; value?: T }>((resolve) => fn((err, value) => resolve({ err, value })));

describe("module functions", () => {
  test("openPromisified(n) reads the provided bus; closing the handle leaves the bus and other handles open", async () => {
    const { sim } = provide();
    const a = await openPromisified(1);
    const b = await openPromisified(1);
    expect(await a.readByte(0x76, 0xd0)).toBe(0x60);
    await a.close();
    expect(a.isClosed).toBe(true);
    const e = await a.readByte(0x76, 0xd0).catch((x) => x);
    expect(e).toBeInstanceOf(DeviceError);
    expect([e.code, e.ddCode]).toEqual(["DD_DEVICE_CLOSED", "DD_DEVICE_CLOSED"]);
    expect(() => a.readByteSync(0x76, 0xd0)).toThrow("[DD_DEVICE_CLOSED]");
    expect(await b.readByte(0x76, 0xd0)).toBe(0x60);
    expect(sim.isClosed).toBe(false);
    expect(await sim.readByte(0x76, 0xd0)).toBe(0x60);
  });

  test("openSync(n) is i2c-bus's callback bus: Sync calls, callbacks on a later turn, promisifiedBus()", async () => {
    provide();
    const bus = openSync(1);
    expect(bus.readByteSync(0x76, 0xd0)).toBe(0x60);
    let sameTurn = true;
    const r = callback<number>((cb) => bus.readByte(0x76, 0xd0, cb));
    sameTurn = false;
    expect(await r).toEqual({ err: null, value: 0x60 });
    expect(sameTurn).toBe(false);
    expect(await bus.promisifiedBus().readByte(0x76, 0xd0)).toBe(0x60);
  });

  test("open(n, cb) and open(n, options, cb): the bus at once, cb(null) on a later turn", async () => {
    provide();
    let called = false;
    const done = new Promise<unknown>((resolve) => {
      const bus = open(1, (err) => {
        called = true;
        resolve(err);
      });
      expect(called).toBe(false);
      expect(bus.readByteSync(0x76, 0xd0)).toBe(0x60);
    });
    expect(await done).toBeNull();
    const own = await new Promise<unknown>((resolve) => open(9, { sim: true }, resolve));
    expect(own).toBeNull();
  });

  test("a bus that cannot be opened: open's callback gets the error (code ENOENT, ddCode DD_DEVICE_NOT_FOUND) and every call fails with it", async () => {
    let bus: ReturnType<typeof open> | undefined;
    const err = await new Promise<unknown>((resolve) => {
      bus = open(99, { sim: false }, resolve);
    });
    expect(err).toBeInstanceOf(DeviceError);
    expect((err as DeviceError).code).toBe("ENOENT");
    expect((err as DeviceError).ddCode).toBe("DD_DEVICE_NOT_FOUND");
    expect((err as DeviceError).message).toContain("/dev/i2c-99");
    expect((await callback<number>((cb) => bus!.readByte(0x76, 0, cb))).err).toBe(err);
    expect(() => bus!.readByteSync(0x76, 0)).toThrow(err as Error);
    expect(await openPromisified(99, { sim: false }).catch((e) => e.code)).toBe("ENOENT");
    expect(() => openSync(99, { sim: false })).toThrow("[DD_DEVICE_NOT_FOUND]");
  });

  test("bad arguments throw at once, as i2c-bus does: bus number, missing callback", () => {
    expect(() => openSync(-1)).toThrow("[DD_DEVICE_BAD_ARG] invalid bus number");
    expect(() => open(1.5, () => {})).toThrow("invalid bus number");
    expect(() => (open as (n: number) => unknown)(1)).toThrow("invalid callback");
    expect(() => provideBus(1, {} as never)).toThrow("invalid bus");
  });
});

describe("the callback bus", () => {
  test("readBlock/writeBlock and their Sync forms (SMBus block: the count first)", async () => {
    const { chip } = provide();
    const bus = openSync(1);
    expect(bus.writeBlockSync(0x76, 0x10, 2, Buffer.from([7, 8]))).toBe(2);
    expect([chip.peek(0x10), chip.peek(0x11), chip.peek(0x12)]).toEqual([2, 7, 8]);
    const w = await new Promise<unknown[]>((resolve) =>
      bus.writeBlock(0x76, 0x20, 3, Buffer.from([1, 2, 3]), (...a: unknown[]) => resolve(a)),
    );
    expect(w).toEqual([null, 3, Buffer.from([1, 2, 3])]);
    const into = Buffer.alloc(32);
    expect(bus.readBlockSync(0x76, 0x10, into)).toBe(2);
    expect([...into.subarray(0, 2)]).toEqual([7, 8]);
    const r = await new Promise<unknown[]>((resolve) => bus.readBlock(0x76, 0x20, Buffer.alloc(32), (...a: unknown[]) => resolve(a)));
    expect(r[0]).toBeNull();
    expect(r[1]).toBe(3);
    expect([...(r[2] as Buffer).subarray(0, 3)]).toEqual([1, 2, 3]);
  });

  test("an absent device: err.code is the errno name (what i2c-bus drivers check), ddCode and the fix are ours", async () => {
    provide();
    const { err } = await callback<number>((cb) => openSync(1).readByte(0x23, 0, cb));
    const e = err as DeviceError;
    expect(e.code).toBe("ENXIO");
    expect(e.errno).toBe(6);
    expect(e.ddCode).toBe("DD_I2C_NO_ACK");
    expect(e.message).toStartWith("[DD_I2C_NO_ACK] no device answered at 0x23 on sim:i2c-1 (ENXIO)");
    expect(e.detail.fix).toContain("i2c scan --bus 1");
  });
});
