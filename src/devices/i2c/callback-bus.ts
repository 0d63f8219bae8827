/**
 * @module i2c/callback-bus
 * i2c-bus's callback API (`I2CBus`: `readByte(addr, cmd, cb)`, `readByteSync(addr, cmd)`, ...) over
 * one of our buses, for drivers written against the callback or sync API. `PromisifiedBus.bus()`
 * returns it, and so do the i2c-bus drop-in's `open` / `openSync` (../i2c-bus.ts). Callbacks are called
 * on a later turn of the event loop, as i2c-bus does; the callback forms go through the promise API
 * (on a threaded bus: the device thread, never blocking the loop), the `*Sync` forms block.
 * `readBlock` / `writeBlock` are here although @types/i2c-bus leaves them out: i2c-bus has them
 * (SMBus block read and write); they have no promise form yet, so their callback form blocks too.
 */

import type { I2CBus, I2CDeviceId, I2CFuncs, PromisifiedBus } from "i2c-bus";
import { badArg } from "../device-error.ts";

/**
 * What the callback bus wraps: the promise API plus the synchronous calls (I2CBusBase is one; this
 * file does not import it, so the two files import in one direction only).
 */
export interface SyncPromiseBus extends Omit<PromisifiedBus, "scan" | "writeQuick"> {
  scan(startAddr?: number, endAddr?: number): Promise<number[]>;
  /** i2c-bus's `(address, bit)` as well as its declarations' `(address, command, bit)`. */
  writeQuick(address: number, commandOrBit: number, bit?: number): Promise<void>;
  i2cFuncsSync(): I2CFuncs;
  readByteSync(address: number, command: number): number;
  readWordSync(address: number, command: number): number;
  readI2cBlockSync(address: number, command: number, length: number, buffer: Uint8Array): number;
  receiveByteSync(address: number): number;
  sendByteSync(address: number, byte: number): unknown;
  writeByteSync(address: number, command: number, byte: number): unknown;
  writeWordSync(address: number, command: number, word: number): unknown;
  writeQuickSync(address: number, commandOrBit: number, bit?: number): unknown;
  writeI2cBlockSync(address: number, command: number, length: number, buffer: Uint8Array): number;
  readBlockSync(address: number, command: number, buffer: Uint8Array): number;
  writeBlockSync(address: number, command: number, length: number, buffer: Uint8Array): number;
  i2cReadSync(address: number, length: number, buffer: Uint8Array): number;
  i2cWriteSync(address: number, length: number, buffer: Uint8Array): number;
  scanSync(startAddr?: number, endAddr?: number): number[];
  deviceIdSync(address: number): I2CDeviceId;
  closeSync(): void;
}

type Cb<T> = (err: unknown, result: T) => unknown;
type BufCb = (err: unknown, bytes: number, buffer: Buffer) => unknown;

function later<T>(cb: unknown, fn: () => T | Promise<T>, done: (cb: Cb<T>, r: T) => void = (c, r) => c(null, r)): void {
  if (typeof cb !== "function")
    throw badArg("invalid callback", "a function (err, result) => ...", cb, "pass a callback, or use the promise API");
  setImmediate(async () => {
    let r: T;
    try {
      r = await fn();
    } catch (e) {
      (cb as Cb<T | undefined>)(e, undefined);
      return;
    }
    done(cb as Cb<T>, r);
  });
}

function bufLater(cb: unknown, buffer: Buffer, fn: () => number | Promise<number>): void {
  later(cb, fn, (c, n) => (c as unknown as BufCb)(null, n, buffer));
}

export class CallbackI2CBus implements I2CBus {
  constructor(private readonly p: SyncPromiseBus) {}

  promisifiedBus(): PromisifiedBus {
    return this.p;
  }

  close(cb: Cb<void>): void {
    later(cb, () => this.p.close());
  }
  closeSync(): void {
    this.p.closeSync();
  }
  i2cFuncs(cb: Cb<I2CFuncs>): void {
    later(cb, () => this.p.i2cFuncs());
  }
  i2cFuncsSync(): I2CFuncs {
    return this.p.i2cFuncsSync();
  }

  scan(cb: Cb<number[]>): void;
  scan(address: number, cb: Cb<number[]>): void;
  scan(startAddr: number, endAddr: number, cb: Cb<number[]>): void;
  scan(...args: unknown[]): void {
    const cb = args.pop();
    later(cb, () => this.p.scan(args[0] as number | undefined, args[1] as number | undefined));
  }
  scanSync(startAddr?: number, endAddr?: number): number[] {
    return this.p.scanSync(startAddr, endAddr);
  }

  deviceId(address: number, cb: Cb<I2CDeviceId>): void {
    later(cb, () => this.p.deviceId(address));
  }
  deviceIdSync(address: number): I2CDeviceId {
    return this.p.deviceIdSync(address);
  }

  i2cRead(address: number, length: number, buffer: Buffer, cb: BufCb): void {
    bufLater(cb, buffer, async () => (await this.p.i2cRead(address, length, buffer)).bytesRead);
  }
  i2cReadSync(address: number, length: number, buffer: Buffer): number {
    return this.p.i2cReadSync(address, length, buffer);
  }
  i2cWrite(address: number, length: number, buffer: Buffer, cb: BufCb): void {
    bufLater(cb, buffer, async () => (await this.p.i2cWrite(address, length, buffer)).bytesWritten);
  }
  i2cWriteSync(address: number, length: number, buffer: Buffer): number {
    return this.p.i2cWriteSync(address, length, buffer);
  }

  readByte(address: number, command: number, cb: Cb<number>): void {
    later(cb, () => this.p.readByte(address, command));
  }
  readByteSync(address: number, command: number): number {
    return this.p.readByteSync(address, command);
  }
  readWord(address: number, command: number, cb: Cb<number>): void {
    later(cb, () => this.p.readWord(address, command));
  }
  readWordSync(address: number, command: number): number {
    return this.p.readWordSync(address, command);
  }
  readI2cBlock(address: number, command: number, length: number, buffer: Buffer, cb: BufCb): void {
    bufLater(cb, buffer, async () => (await this.p.readI2cBlock(address, command, length, buffer)).bytesRead);
  }
  readI2cBlockSync(address: number, command: number, length: number, buffer: Buffer): number {
    return this.p.readI2cBlockSync(address, command, length, buffer);
  }
  receiveByte(address: number, cb: Cb<number>): void {
    later(cb, () => this.p.receiveByte(address));
  }
  receiveByteSync(address: number): number {
    return this.p.receiveByteSync(address);
  }
  sendByte(address: number, byte: number, cb: Cb<void>): void {
    later(cb, () => this.p.sendByte(address, byte));
  }
  sendByteSync(address: number, byte: number): void {
    this.p.sendByteSync(address, byte);
  }
  writeByte(address: number, command: number, byte: number, cb: Cb<void>): void {
    later(cb, () => this.p.writeByte(address, command, byte));
  }
  writeByteSync(address: number, command: number, byte: number): void {
    this.p.writeByteSync(address, command, byte);
  }
  writeWord(address: number, command: number, word: number, cb: Cb<void>): void {
    later(cb, () => this.p.writeWord(address, command, word));
  }
  writeWordSync(address: number, command: number, word: number): void {
    this.p.writeWordSync(address, command, word);
  }

  /** i2c-bus calls this `(address, bit, cb)`; its type declarations say `(address, command, bit, cb)`: both work. */
  writeQuick(address: number, commandOrBit: number, bitOrCb: number | Cb<void>, cb?: Cb<void>): void {
    if (typeof bitOrCb === "function") later(bitOrCb, () => this.p.writeQuick(address, commandOrBit));
    else later(cb, () => this.p.writeQuick(address, commandOrBit, bitOrCb));
  }
  writeQuickSync(address: number, commandOrBit: number, bit?: number): void {
    this.p.writeQuickSync(address, commandOrBit, bit);
  }

  /** SMBus block read (the device sends the count first): `cb(err, bytesRead, buffer)`, as i2c-bus. */
  readBlock(address: number, command: number, buffer: Buffer, cb: BufCb): void {
    bufLater(cb, buffer, () => this.p.readBlockSync(address, command, buffer));
  }
  readBlockSync(address: number, command: number, buffer: Buffer): number {
    return this.p.readBlockSync(address, command, buffer);
  }
  /** SMBus block write (the count, then the bytes): `cb(err, bytesWritten, buffer)`, as i2c-bus. */
  writeBlock(address: number, command: number, length: number, buffer: Buffer, cb: BufCb): void {
    bufLater(cb, buffer, () => this.p.writeBlockSync(address, command, length, buffer));
  }
  writeBlockSync(address: number, command: number, length: number, buffer: Buffer): number {
    return this.p.writeBlockSync(address, command, length, buffer);
  }

  writeI2cBlock(address: number, command: number, length: number, buffer: Buffer, cb: BufCb): void {
    bufLater(cb, buffer, async () => (await this.p.writeI2cBlock(address, command, length, buffer)).bytesWritten);
  }
  writeI2cBlockSync(address: number, command: number, length: number, buffer: Buffer): number {
    return this.p.writeI2cBlockSync(address, command, length, buffer);
  }
}
