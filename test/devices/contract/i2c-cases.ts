/**
 * The I2C bus contract as plain cases (node:assert, no test framework), so the same cases run under
 * `bun test` (i2c-bus.case.ts) and inside a compiled binary against a real kernel bus
 * (kernel-runner.ts). The fixture's `chip` address holds a 256-register device with SMBus register
 * semantics (the kernel's i2c-stub, or a simulated RegisterChip); nothing answers at `absent`.
 */

import assert from "node:assert/strict";
import type { PromisifiedBus } from "i2c-bus";
import type { I2CBusBase } from "../../../src/devices/i2c/base.ts";
import { DeviceError } from "../../../src/devices/device-error.ts";

export interface I2CBusFixture {
  bus: I2CBusBase;
  chip: number;
  absent: number;
  close?(): void | Promise<void>;
}

export interface ContractCase<F> {
  name: string;
  run(f: F): Promise<void>;
}

async function rejects(p: Promise<unknown>, code: string, ...mustMention: string[]): Promise<DeviceError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof DeviceError, `expected a DeviceError, got ${String(e)}`);
    assert.equal(e.ddCode, code, e.message);
    assert.equal(e.code, e.errnoName ?? code, "code is the errno name when the kernel reported one (as in i2c-bus), else ours");
    for (const s of mustMention) assert.ok(e.message.includes(s), `message should mention ${JSON.stringify(s)}: ${e.message}`);
    return e;
  }
  assert.fail(`expected ${code}, but the call succeeded`);
}

const hex = (n: number) => "0x" + n.toString(16).padStart(2, "0");

export const i2cBusCases: ContractCase<I2CBusFixture>[] = [
  {
    name: "i2cFuncs returns a frozen object with every i2c-bus field",
    async run({ bus }) {
      const f = await bus.i2cFuncs();
      assert.ok(Object.isFrozen(f));
      for (const k of [
        "i2c",
        "tenBitAddr",
        "smbusQuick",
        "smbusReceiveByte",
        "smbusSendByte",
        "smbusReadByte",
        "smbusWriteByte",
        "smbusReadWord",
        "smbusWriteWord",
        "smbusReadI2cBlock",
        "smbusWriteI2cBlock",
      ]) {
        assert.equal(typeof (f as unknown as Record<string, unknown>)[k], "boolean", k);
      }
      assert.ok(f.smbusReadByte && f.smbusWriteByte, "a register device needs byte data access");
    },
  },
  {
    name: "scan finds the chip and not the empty address",
    async run({ bus, chip, absent }) {
      const all = await bus.scan();
      assert.ok(all.includes(chip), `scan() = ${all.map(hex)} should include ${hex(chip)}`);
      assert.ok(!all.includes(absent));
      assert.deepEqual(await bus.scan(chip), [chip]);
      assert.deepEqual(await bus.scan(absent, absent), []);
    },
  },
  {
    name: "writeByte then readByte returns the byte, per register",
    async run({ bus, chip }) {
      await bus.writeByte(chip, 0x10, 0xa5);
      await bus.writeByte(chip, 0x11, 0x5a);
      assert.equal(await bus.readByte(chip, 0x10), 0xa5);
      assert.equal(await bus.readByte(chip, 0x11), 0x5a);
      await bus.writeByte(chip, 0x10, 0x00);
      assert.equal(await bus.readByte(chip, 0x10), 0x00);
    },
  },
  {
    name: "writeWord then readWord returns the word; the register's byte is its low byte (SMBus is little-endian)",
    async run({ bus, chip }) {
      await bus.writeWord(chip, 0x20, 0xbeef);
      assert.equal(await bus.readWord(chip, 0x20), 0xbeef);
      assert.equal(await bus.readByte(chip, 0x20), 0xef);
    },
  },
  {
    name: "writeI2cBlock then readI2cBlock returns the bytes; each is a register",
    async run({ bus, chip }) {
      const data = Buffer.from([
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
      ]);
      const w = await bus.writeI2cBlock(chip, 0x40, 32, data);
      assert.equal(w.bytesWritten, 32);
      assert.equal(w.buffer, data);
      const out = Buffer.alloc(32);
      const r = await bus.readI2cBlock(chip, 0x40, 32, out);
      assert.equal(r.bytesRead, 32);
      assert.deepEqual([...out], [...data]);
      assert.equal(await bus.readByte(chip, 0x40 + 7), 8);
      const few = Buffer.alloc(4);
      assert.equal((await bus.readI2cBlock(chip, 0x42, 3, few)).bytesRead, 3);
      assert.deepEqual([...few], [3, 4, 5, 0]);
    },
  },
  {
    name: "sendByte sets the register pointer; receiveByte reads from it and moves on",
    async run({ bus, chip }) {
      await bus.writeByte(chip, 0x30, 0x11);
      await bus.writeByte(chip, 0x31, 0x22);
      await bus.sendByte(chip, 0x30);
      assert.equal(await bus.receiveByte(chip), 0x11);
      assert.equal(await bus.receiveByte(chip), 0x22);
    },
  },
  {
    name: "writeQuick reaches the chip; at the empty address it is DD_I2C_NO_ACK",
    async run({ bus, chip, absent }) {
      await bus.writeQuick(chip, 0, 0);
      await rejects(bus.writeQuick(absent, 0, 0), "DD_I2C_NO_ACK", hex(absent), bus.path);
    },
  },
  {
    name: "every call at the empty address fails with DD_I2C_NO_ACK naming address, bus and errno",
    async run({ bus, absent }) {
      const e = await rejects(bus.readByte(absent, 0), "DD_I2C_NO_ACK", hex(absent), bus.path, "wiring");
      assert.equal(e.address, absent);
      assert.equal(e.device, bus.path);
      assert.ok(e.errnoName === "ENXIO" || e.errnoName === "ENODEV" || e.errnoName === "EREMOTEIO", String(e.errnoName));
      await rejects(bus.writeByte(absent, 0, 1), "DD_I2C_NO_ACK");
      await rejects(bus.readWord(absent, 0), "DD_I2C_NO_ACK");
      await rejects(bus.readI2cBlock(absent, 0, 4, Buffer.alloc(4)), "DD_I2C_NO_ACK");
      await rejects(bus.receiveByte(absent), "DD_I2C_NO_ACK");
    },
  },
  {
    name: "plain i2cWrite/i2cRead: a round trip where the adapter can, else DD_I2C_UNSUPPORTED",
    async run({ bus, chip }) {
      const funcs = await bus.i2cFuncs();
      if (!funcs.i2c) {
        await rejects(bus.i2cWrite(chip, 2, Buffer.from([0x50, 0x77])), "DD_I2C_UNSUPPORTED", "i2cFuncs");
        await rejects(bus.i2cRead(chip, 1, Buffer.alloc(1)), "DD_I2C_UNSUPPORTED");
        return;
      }
      assert.equal((await bus.i2cWrite(chip, 3, Buffer.from([0x50, 0x77, 0x78]))).bytesWritten, 3);
      await bus.i2cWrite(chip, 1, Buffer.from([0x50]));
      const out = Buffer.alloc(2);
      assert.equal((await bus.i2cRead(chip, 2, out)).bytesRead, 2);
      assert.deepEqual([...out], [0x77, 0x78]);
      assert.deepEqual([...(await bus.writeRead(chip, Uint8Array.of(0x51), 1))], [0x78]);
    },
  },
  {
    name: "bad arguments are refused before any transfer, with DD_DEVICE_BAD_ARG",
    async run({ bus, chip }) {
      await rejects(bus.readByte(0x80, 0), "DD_DEVICE_BAD_ARG", "address");
      await rejects(bus.writeByte(chip, 0, 256), "DD_DEVICE_BAD_ARG", "byte");
      await rejects(bus.writeWord(chip, 0, 0x10000), "DD_DEVICE_BAD_ARG", "word");
      await rejects(bus.readI2cBlock(chip, 0, 33, Buffer.alloc(33)), "DD_DEVICE_BAD_ARG", "length");
      await rejects(bus.readI2cBlock(chip, 0, 8, Buffer.alloc(4)), "DD_DEVICE_BAD_ARG", "buffer");
      await rejects(bus.writeQuick(chip, 0, 2), "DD_DEVICE_BAD_ARG", "bit");
    },
  },
  {
    name: "the callback API (bus()) reads what the promise API wrote",
    async run({ bus, chip }) {
      await bus.writeByte(chip, 0x60, 0x42);
      const cb = bus.bus();
      assert.equal(cb.promisifiedBus(), bus as PromisifiedBus);
      const v = await new Promise<number>((res, rej) => cb.readByte(chip, 0x60, (err, b) => (err ? rej(err) : res(b))));
      assert.equal(v, 0x42);
      assert.equal(cb.readByteSync(chip, 0x60), 0x42);
      const err = await new Promise((res) => cb.readByte(0x7f === chip ? 0x7e : 0x7f, 0, (e) => res(e)));
      assert.ok(err instanceof DeviceError && err.ddCode === "DD_I2C_NO_ACK");
    },
  },
  {
    name: "a closed bus refuses every call with DD_DEVICE_CLOSED",
    async run({ bus, chip }) {
      await bus.close();
      await rejects(bus.readByte(chip, 0), "DD_DEVICE_CLOSED", bus.path);
      await bus.close(); // closing twice is harmless
    },
  },
];
