/**
 * @module i2c/base
 * Everything an I2C bus does above the kernel's three entry points (SMBus, combined transfer,
 * plain read/write): argument checks, the SMBus calls of i2c-bus, scanning, device ids, and the
 * promise API (`PromisifiedBus` from @types/i2c-bus, checked by `implements`), so drivers written
 * for i2c-bus run unchanged. Subclasses (the real bus, the simulated bus) only move bytes and
 * report errno; the errno → error mapping lives here once, so both raise the same errors.
 *
 * Calls are synchronous underneath (an ioctl is a blocking syscall, a few bytes at 100 kHz take
 * ~0.1 ms each) and the promise methods resolve after it; calls on one bus never interleave.
 * Longer than most files on purpose: the sync and promise forms of every call sit side by side so
 * they cannot drift apart.
 */

import type { BytesRead, BytesWritten, I2CDeviceId, I2CFuncs, PromisifiedBus } from "i2c-bus";
import { ErrnoFault } from "../errno.ts";
import { checkInt, DeviceError, hex, badArg } from "../device-error.ts";
import { i2cError } from "./errors.ts";
import { CallbackI2CBus } from "./callback-bus.ts";
import * as U from "./uapi.ts";

/** One probe of an address, as i2cdetect shows it: answered, no answer, or owned by a kernel driver. */
export type ProbeResult = "ack" | "nak" | "busy";

export abstract class I2CBusBase implements PromisifiedBus {
  /** `/dev/i2c-1`, or `sim:i2c-1` for a simulated bus. */
  readonly path: string;
  abstract readonly simulated: boolean;
  private closed = false;
  private funcsCache?: I2CFuncs;
  private callbackBus?: CallbackI2CBus;

  protected constructor(path: string) {
    this.path = path;
  }

  // ---- what a subclass provides: move bytes, throw ErrnoFault on failure ----
  protected abstract doFuncs(): number;
  /** The I2C_SMBUS ioctl: `data` is the 34-byte union i2c_smbus_data, read and written in place. */
  protected abstract doSmbus(address: number, readWrite: number, command: number, size: number, data: Uint8Array): void;
  /** The I2C_RDWR ioctl: messages with one STOP at the end. */
  protected abstract doTransfer(messages: readonly U.I2CMessage[]): void;
  /** read(2) on the bus file after selecting the address: one plain I2C read message. */
  protected abstract doRead(address: number, buffer: Uint8Array, length: number): number;
  /** write(2) on the bus file after selecting the address: one plain I2C write message. */
  protected abstract doWrite(address: number, buffer: Uint8Array, length: number): number;
  protected abstract doClose(): void;

  /** Run one kernel call: refuse after close, map errno to the device error. */
  protected run<T>(operation: string, address: number | undefined, fn: () => T): T {
    if (this.closed) {
      throw new DeviceError(
        "DD_DEVICE_CLOSED",
        {
          what: `${operation} on ${this.path} after the bus was closed`,
          expected: "an open bus",
          found: "bus.close() was called earlier",
          fix: "open the bus again (openBus) or keep it open for the life of the app",
        },
        { device: this.path, address, operation },
      );
    }
    try {
      return fn();
    } catch (e) {
      if (e instanceof ErrnoFault) throw i2cError(e.errno, { device: this.path, address, operation });
      throw e;
    }
  }

  private smbus(
    op: string,
    address: number,
    rw: number,
    command: number,
    size: number,
    data = new Uint8Array(U.SMBUS_DATA_SIZE),
  ): Uint8Array {
    this.run(op, address, () => this.doSmbus(address, rw, command, size, data));
    return data;
  }

  private ctx(address?: number) {
    return { device: this.path, address };
  }

  private addr(address: unknown): number {
    return checkInt(
      "I2C address",
      address,
      0,
      0x7f,
      { device: this.path },
      "7-bit addresses run from 0x00 to 0x7f (i2cdetect shows 0x03..0x77); an 8-bit address from a datasheet is this value shifted left: use address >> 1",
    );
  }

  private cmd(address: number, command: unknown): number {
    return checkInt("command/register", command, 0, 0xff, this.ctx(address));
  }

  private len(address: number, length: unknown, buffer: unknown, max: number): number {
    if (!(buffer instanceof Uint8Array))
      throw badArg("invalid buffer", "a Buffer or Uint8Array", buffer, "pass Buffer.alloc(length)", this.ctx(address));
    const n = checkInt("length", length, 0, max, this.ctx(address));
    if (buffer.length < n)
      throw badArg(
        "buffer too small",
        `a buffer of at least ${n} bytes`,
        `${buffer.length} bytes`,
        "allocate a larger buffer",
        this.ctx(address),
      );
    return n;
  }

  // ---- synchronous API (the names of i2c-bus's Bus) ----

  i2cFuncsSync(): I2CFuncs {
    if (this.funcsCache) return this.funcsCache;
    const bits = this.run("i2cFuncs()", undefined, () => this.doFuncs());
    return (this.funcsCache = decodeFuncs(bits));
  }

  readByteSync(address: number, command: number): number {
    this.addr(address);
    this.cmd(address, command);
    return this.smbus(`readByte(${hex(address)}, ${hex(command)})`, address, U.I2C_SMBUS_READ, command, U.I2C_SMBUS_BYTE_DATA)[0]!;
  }

  readWordSync(address: number, command: number): number {
    this.addr(address);
    this.cmd(address, command);
    const d = this.smbus(`readWord(${hex(address)}, ${hex(command)})`, address, U.I2C_SMBUS_READ, command, U.I2C_SMBUS_WORD_DATA);
    return d[0]! | (d[1]! << 8);
  }

  readI2cBlockSync(address: number, command: number, length: number, buffer: Uint8Array): number {
    this.addr(address);
    this.cmd(address, command);
    const n = this.len(address, length, buffer, U.I2C_SMBUS_BLOCK_MAX);
    if (n === 0) return 0;
    const d = new Uint8Array(U.SMBUS_DATA_SIZE);
    d[0] = n;
    this.smbus(`readI2cBlock(${hex(address)}, ${hex(command)}, ${n})`, address, U.I2C_SMBUS_READ, command, U.I2C_SMBUS_I2C_BLOCK_DATA, d);
    const got = Math.min(d[0]!, n);
    buffer.set(d.subarray(1, 1 + got));
    return got;
  }

  receiveByteSync(address: number): number {
    this.addr(address);
    return this.smbus(`receiveByte(${hex(address)})`, address, U.I2C_SMBUS_READ, 0, U.I2C_SMBUS_BYTE)[0]!;
  }

  sendByteSync(address: number, byte: number): this {
    this.addr(address);
    checkInt("byte", byte, 0, 0xff, this.ctx(address));
    this.smbus(`sendByte(${hex(address)}, ${hex(byte)})`, address, U.I2C_SMBUS_WRITE, byte, U.I2C_SMBUS_BYTE);
    return this;
  }

  writeByteSync(address: number, command: number, byte: number): this {
    this.addr(address);
    this.cmd(address, command);
    checkInt("byte", byte, 0, 0xff, this.ctx(address));
    const d = new Uint8Array(U.SMBUS_DATA_SIZE);
    d[0] = byte;
    this.smbus(`writeByte(${hex(address)}, ${hex(command)}, ${hex(byte)})`, address, U.I2C_SMBUS_WRITE, command, U.I2C_SMBUS_BYTE_DATA, d);
    return this;
  }

  writeWordSync(address: number, command: number, word: number): this {
    this.addr(address);
    this.cmd(address, command);
    checkInt("word", word, 0, 0xffff, this.ctx(address));
    const d = new Uint8Array(U.SMBUS_DATA_SIZE);
    d[0] = word & 0xff;
    d[1] = word >> 8;
    this.smbus(
      `writeWord(${hex(address)}, ${hex(command)}, ${hex(word, 4)})`,
      address,
      U.I2C_SMBUS_WRITE,
      command,
      U.I2C_SMBUS_WORD_DATA,
      d,
    );
    return this;
  }

  /**
   * SMBus quick command: the address and the R/W bit, nothing else. Accepts i2c-bus's runtime form
   * `(address, bit)` and the form its type declarations give `(address, command, bit)`.
   */
  writeQuickSync(address: number, commandOrBit: number, bit?: number): this {
    this.addr(address);
    const b = checkInt("bit", bit ?? commandOrBit, 0, 1, this.ctx(address));
    this.smbus(`writeQuick(${hex(address)}, ${b})`, address, b, 0, U.I2C_SMBUS_QUICK);
    return this;
  }

  writeI2cBlockSync(address: number, command: number, length: number, buffer: Uint8Array): number {
    this.addr(address);
    this.cmd(address, command);
    const n = this.len(address, length, buffer, U.I2C_SMBUS_BLOCK_MAX);
    const d = new Uint8Array(U.SMBUS_DATA_SIZE);
    d[0] = n;
    d.set(buffer.subarray(0, n), 1);
    this.smbus(`writeI2cBlock(${hex(address)}, ${hex(command)}, ${n})`, address, U.I2C_SMBUS_WRITE, command, U.I2C_SMBUS_I2C_BLOCK_DATA, d);
    return n;
  }

  /** SMBus block read: the device sends the count first (1..32). Returns the count. */
  readBlockSync(address: number, command: number, buffer: Uint8Array): number {
    this.addr(address);
    this.cmd(address, command);
    this.len(address, 0, buffer, U.I2C_SMBUS_BLOCK_MAX);
    const d = this.smbus(`readBlock(${hex(address)}, ${hex(command)})`, address, U.I2C_SMBUS_READ, command, U.I2C_SMBUS_BLOCK_DATA);
    const n = Math.min(d[0]!, U.I2C_SMBUS_BLOCK_MAX, buffer.length);
    buffer.set(d.subarray(1, 1 + n));
    return n;
  }

  /** SMBus block write: sends the count, then the bytes (1..32). */
  writeBlockSync(address: number, command: number, length: number, buffer: Uint8Array): number {
    this.addr(address);
    this.cmd(address, command);
    const n = this.len(address, length, buffer, U.I2C_SMBUS_BLOCK_MAX);
    const d = new Uint8Array(U.SMBUS_DATA_SIZE);
    d[0] = n;
    d.set(buffer.subarray(0, n), 1);
    this.smbus(`writeBlock(${hex(address)}, ${hex(command)}, ${n})`, address, U.I2C_SMBUS_WRITE, command, U.I2C_SMBUS_BLOCK_DATA, d);
    return n;
  }

  i2cReadSync(address: number, length: number, buffer: Uint8Array): number {
    this.addr(address);
    const n = this.len(address, length, buffer, 0xffff);
    return this.run(`i2cRead(${hex(address)}, ${n})`, address, () => this.doRead(address, buffer, n));
  }

  i2cWriteSync(address: number, length: number, buffer: Uint8Array): number {
    this.addr(address);
    const n = this.len(address, length, buffer, 0xffff);
    return this.run(`i2cWrite(${hex(address)}, ${n})`, address, () => this.doWrite(address, buffer, n));
  }

  /**
   * Combined transfer (I2C_RDWR): several messages with repeated starts and one STOP, e.g. write a
   * register number then read without releasing the bus.
   * @example bus.transferSync([{ address: 0x50, read: false, buffer: Uint8Array.of(0x10) },
   *                           { address: 0x50, read: true, buffer: out }])
   */
  transferSync(messages: readonly U.I2CMessage[]): void {
    if (!Array.isArray(messages) || messages.length === 0 || messages.length > U.I2C_RDWR_IOCTL_MAX_MSGS) {
      throw badArg(
        "invalid message list",
        `1 to ${U.I2C_RDWR_IOCTL_MAX_MSGS} messages`,
        Array.isArray(messages) ? `${messages.length} messages` : messages,
        "split the transfer",
        { device: this.path },
      );
    }
    for (const m of messages) {
      this.addr(m.address);
      this.len(m.address, m.length ?? m.buffer?.length, m.buffer, 0xffff);
    }
    const first = messages[0]!.address;
    const op = `transfer(${messages.map((m) => `${m.read ? "R" : "W"}${hex(m.address)}:${m.length ?? m.buffer.length}`).join(" ")})`;
    this.run(op, first, () => this.doTransfer(messages));
  }

  /** Write `out` (usually a register number) then read `length` bytes, in one combined transfer. */
  writeReadSync(address: number, out: Uint8Array, length: number): Uint8Array {
    const into = new Uint8Array(length);
    this.transferSync([
      { address, read: false, buffer: out },
      { address, read: true, buffer: into },
    ]);
    return into;
  }

  /** Probe one address the way i2c-bus scans: a receive byte (or a quick write where that is all the adapter has). */
  probeSync(address: number): ProbeResult {
    this.addr(address);
    const useRead = this.i2cFuncsSync().smbusReceiveByte;
    try {
      if (useRead) this.receiveByteSync(address);
      else this.writeQuickSync(address, 0);
      return "ack";
    } catch (e) {
      if (e instanceof DeviceError && e.ddCode === "DD_I2C_ADDRESS_BUSY") return "busy";
      if (e instanceof DeviceError && (e.ddCode === "DD_I2C_NO_ACK" || e.ddCode === "DD_I2C_TIMEOUT" || e.ddCode === "DD_I2C_BUS_ERROR"))
        return "nak";
      throw e;
    }
  }

  /** Addresses that answer, from `startAddr` to `endAddr` (default 0x03..0x77, like i2cdetect). */
  scanSync(startAddr?: number, endAddr?: number): number[] {
    const [from, to] = scanRange(startAddr, endAddr);
    this.addr(from);
    this.addr(to);
    const found: number[] = [];
    for (let a = from; a <= to; a++) if (this.probeSync(a) === "ack") found.push(a);
    return found;
  }

  /** The I2C device id (UM10204 §3.1.17): reserved address 0x7c, manufacturer and part number. */
  deviceIdSync(address: number): I2CDeviceId {
    this.addr(address);
    const id = new Uint8Array(3);
    this.run(`deviceId(${hex(address)})`, address, () =>
      this.doTransfer([
        { address: 0x7c, read: false, buffer: Uint8Array.of(address << 1) },
        { address: 0x7c, read: true, buffer: id },
      ]),
    );
    const v = (id[0]! << 16) | (id[1]! << 8) | id[2]!;
    const manufacturer = (v >> 12) & 0xfff;
    return { manufacturer, product: v & 0xfff, name: MANUFACTURERS[manufacturer] ?? `<${hex(manufacturer, 3)}>` };
  }

  closeSync(): void {
    if (this.closed) return;
    this.closed = true;
    this.doClose();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  // ---- the promise API (i2c-bus's PromisifiedBus) ----

  async i2cFuncs(): Promise<I2CFuncs> {
    return this.i2cFuncsSync();
  }
  async scan(startAddr?: number, endAddr?: number): Promise<number[]> {
    return this.scanSync(startAddr, endAddr);
  }
  async deviceId(address: number): Promise<I2CDeviceId> {
    return this.deviceIdSync(address);
  }
  async i2cRead<B extends Uint8Array>(address: number, length: number, buffer: B): Promise<{ bytesRead: number; buffer: B }> {
    return { bytesRead: this.i2cReadSync(address, length, buffer), buffer };
  }
  async i2cWrite<B extends Uint8Array>(address: number, length: number, buffer: B): Promise<{ bytesWritten: number; buffer: B }> {
    return { bytesWritten: this.i2cWriteSync(address, length, buffer), buffer };
  }
  async readByte(address: number, command: number): Promise<number> {
    return this.readByteSync(address, command);
  }
  async readWord(address: number, command: number): Promise<number> {
    return this.readWordSync(address, command);
  }
  async readI2cBlock<B extends Uint8Array>(
    address: number,
    command: number,
    length: number,
    buffer: B,
  ): Promise<{ bytesRead: number; buffer: B }> {
    return { bytesRead: this.readI2cBlockSync(address, command, length, buffer), buffer };
  }
  async receiveByte(address: number): Promise<number> {
    return this.receiveByteSync(address);
  }
  async sendByte(address: number, byte: number): Promise<void> {
    this.sendByteSync(address, byte);
  }
  async writeByte(address: number, command: number, byte: number): Promise<void> {
    this.writeByteSync(address, command, byte);
  }
  async writeWord(address: number, command: number, word: number): Promise<void> {
    this.writeWordSync(address, command, word);
  }
  async writeQuick(address: number, commandOrBit: number, bit?: number): Promise<void> {
    this.writeQuickSync(address, commandOrBit, bit);
  }
  async writeI2cBlock<B extends Uint8Array>(
    address: number,
    command: number,
    length: number,
    buffer: B,
  ): Promise<{ bytesWritten: number; buffer: B }> {
    return { bytesWritten: this.writeI2cBlockSync(address, command, length, buffer), buffer };
  }
  async readBlock<B extends Uint8Array>(address: number, command: number, buffer: B): Promise<{ bytesRead: number; buffer: B }> {
    return { bytesRead: this.readBlockSync(address, command, buffer), buffer };
  }
  async writeBlock<B extends Uint8Array>(
    address: number,
    command: number,
    length: number,
    buffer: B,
  ): Promise<{ bytesWritten: number; buffer: B }> {
    return { bytesWritten: this.writeBlockSync(address, command, length, buffer), buffer };
  }
  async transfer(messages: readonly U.I2CMessage[]): Promise<void> {
    this.transferSync(messages);
  }
  async writeRead(address: number, out: Uint8Array, length: number): Promise<Uint8Array> {
    return this.writeReadSync(address, out, length);
  }
  async probe(address: number): Promise<ProbeResult> {
    return this.probeSync(address);
  }
  async close(): Promise<void> {
    this.closeSync();
  }

  /** The callback-style bus (i2c-bus's `Bus`, plus readBlock/writeBlock) over the same file. */
  bus(): CallbackI2CBus {
    return (this.callbackBus ??= new CallbackI2CBus(this));
  }
}

// Type-level guarantees that i2c-bus code typed against these interfaces accepts our results.
export type { BytesRead, BytesWritten };

function scanRange(startAddr?: number, endAddr?: number): [number, number] {
  if (startAddr === undefined) return [0x03, 0x77];
  return [startAddr, endAddr ?? startAddr];
}

/** I2C functionality bits → i2c-bus's frozen I2CFuncs object. */
export function decodeFuncs(bits: number): I2CFuncs {
  const has = (b: number) => (bits & b) !== 0;
  return Object.freeze({
    i2c: has(U.I2C_FUNC_I2C),
    tenBitAddr: has(U.I2C_FUNC_10BIT_ADDR),
    protocolMangling: has(U.I2C_FUNC_PROTOCOL_MANGLING),
    smbusPec: has(U.I2C_FUNC_SMBUS_PEC),
    smbusBlockProcCall: has(U.I2C_FUNC_SMBUS_BLOCK_PROC_CALL),
    smbusQuick: has(U.I2C_FUNC_SMBUS_QUICK),
    smbusReceiveByte: has(U.I2C_FUNC_SMBUS_READ_BYTE),
    smbusSendByte: has(U.I2C_FUNC_SMBUS_WRITE_BYTE),
    smbusReadByte: has(U.I2C_FUNC_SMBUS_READ_BYTE_DATA),
    smbusWriteByte: has(U.I2C_FUNC_SMBUS_WRITE_BYTE_DATA),
    smbusReadWord: has(U.I2C_FUNC_SMBUS_READ_WORD_DATA),
    smbusWriteWord: has(U.I2C_FUNC_SMBUS_WRITE_WORD_DATA),
    smbusProcCall: has(U.I2C_FUNC_SMBUS_PROC_CALL),
    smbusReadBlock: has(U.I2C_FUNC_SMBUS_READ_BLOCK_DATA),
    smbusWriteBlock: has(U.I2C_FUNC_SMBUS_WRITE_BLOCK_DATA),
    smbusReadI2cBlock: has(U.I2C_FUNC_SMBUS_READ_I2C_BLOCK),
    smbusWriteI2cBlock: has(U.I2C_FUNC_SMBUS_WRITE_I2C_BLOCK),
  });
}

/** UM10204 table 4 (the manufacturers i2c-bus names). */
const MANUFACTURERS: Record<number, string> = {
  0x000: "NXP Semiconductors",
  0x004: "Ramtron International",
  0x005: "Analog Devices",
  0x006: "STMicroelectronics",
  0x007: "ON Semiconductor",
  0x008: "Sprintek Corporation",
  0x009: "ESPROS Photonics AG",
  0x00a: "Fujitsu Semiconductor",
  0x00b: "Flir",
  0x00c: "O\u2082Micro",
  0x00d: "Atmel",
};
