/**
 * @module thread/i2c-thread-bus
 * An I2C bus whose kernel calls run on the device thread (a Bun Worker that owns the file
 * descriptor, see i2c-host.ts), so a transfer never holds the event loop: the promise methods post
 * the call and resolve when the thread answers. Each call has a deadline (`timeoutMs`, default 250
 * ms, well under the kernel's 1 s adapter timeout): a bus that stops answering fails its calls with
 * DD_I2C_TIMEOUT while every tab stays live, and until the hung call comes back later calls fail at
 * once instead of queueing behind it (the thread does not start a call whose caller gave up).
 *
 * The `*Sync` forms still work, for scripts: they block the calling thread until the device thread
 * answers (through a shared buffer and Atomics.wait), with the same deadline. Arguments are checked
 * on the device thread by the same code as an unthreaded bus, so errors are the same.
 */

import type { I2CDeviceId, I2CFuncs } from "i2c-bus";
import { DeviceError, hex } from "../device-error.ts";
import { ERRNO } from "../errno.ts";
import { I2CBusBase, type ProbeResult } from "../i2c/base.ts";
import { LinuxI2CBus } from "../i2c/linux.ts";
import type { SimFaultKind, SimFaultOptions } from "../i2c/sim.ts";
import type { I2CMessage } from "../i2c/uapi.ts";
import { threadEntry, type RefWorker } from "./locate.ts";
import { checkSimSpec, type SimBusSpec } from "./sim-spec.ts";
import {
  cloneArgs,
  collectBuffers,
  copyBack,
  errorFromWire,
  SYNC_BYTES,
  SYNC_HEADER,
  type CallReply,
  type CallRequest,
  type StartMessage,
} from "./wire.ts";

export const DEFAULT_TIMEOUT_MS = 250;
/** The first call may wait this much longer: the thread is still starting (loading its code). */
const STARTUP_GRACE_MS = 3000;

export interface ThreadedI2CBusOptions {
  /** Deadline of each call in ms (default 250). A slow device (long clock stretching) may need more. */
  timeoutMs?: number;
  /** A simulated bus built on the device thread (see sim-spec.ts). Without it: the real bus at `path`. */
  sim?: SimBusSpec;
  /** Real bus: I2C_SLAVE_FORCE. */
  forceAccess?: boolean;
  /** Real bus: set the adapter's own timeout (I2C_TIMEOUT, for every user of the adapter until reboot). */
  adapterTimeoutMs?: number;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
  buffers: Uint8Array[];
  op: string;
}

export class ThreadedI2CBus extends I2CBusBase {
  readonly simulated: boolean;
  /** Per-call deadline, ms. */
  readonly timeoutMs: number;
  private readonly worker: RefWorker;
  private readonly pending = new Map<number, Pending>();
  private readonly syncState: Int32Array;
  private readonly syncBytes: Uint8Array;
  private nextId = 1;
  private started = false;
  private startError?: Error;
  /** A call that passed its deadline and has not come back: the bus is stuck until it does. */
  private stuck?: { id: number; op: string; at: number };

  /**
   * @example
   * const bus = new ThreadedI2CBus("/dev/i2c-1");                                 // real
   * const sim = new ThreadedI2CBus("sim:i2c-1", { sim: { latencyMs: 1, devices: { 0x76: { chip: "BME280" } } } });
   */
  constructor(path: string, options: ThreadedI2CBusOptions = {}) {
    super(path);
    this.simulated = !!options.sim;
    const t = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (typeof t !== "number" || !(t > 0) || t > 60_000)
      throw new DeviceError(
        "DD_DEVICE_BAD_ARG",
        {
          what: "invalid timeoutMs",
          expected: "milliseconds from 1 to 60000 (default 250)",
          found: String(t),
          fix: "pass e.g. openBus(1, { timeoutMs: 500 })",
        },
        { device: path },
      );
    this.timeoutMs = t;
    if (options.sim) checkSimSpec(options.sim, path);
    // Open the real bus here once, so a missing or forbidden /dev/i2c-N fails now, where openBus is called.
    else new LinuxI2CBus(path, { forceAccess: options.forceAccess }).closeSync();
    const sab = new SharedArrayBuffer(SYNC_HEADER + SYNC_BYTES);
    this.syncState = new Int32Array(sab, 0, 4);
    this.syncBytes = new Uint8Array(sab, SYNC_HEADER);
    this.worker = new Worker(threadEntry()) as RefWorker;
    this.worker.onmessage = (ev: MessageEvent) => this.answer(ev.data as CallReply & { synced?: number });
    this.worker.onerror = (ev: ErrorEvent) => this.died(new Error(ev.message));
    this.worker.unref();
    const start: StartMessage = {
      role: "i2c",
      path,
      sim: options.sim,
      linux: options.sim ? undefined : { forceAccess: options.forceAccess, adapterTimeoutMs: options.adapterTimeoutMs },
      sync: sab,
    };
    this.worker.postMessage(start);
  }

  // ---- the kernel calls of the *Sync forms: blocking round trips to the thread ----

  protected doFuncs(): number {
    return this.callSync("raw:funcs", []) as number;
  }
  protected doSmbus(address: number, rw: number, command: number, size: number, data: Uint8Array): void {
    this.callSync("raw:smbus", [address, rw, command, size, data]);
  }
  protected doTransfer(messages: readonly I2CMessage[]): void {
    this.callSync("raw:transfer", [messages]);
  }
  protected doRead(address: number, buffer: Uint8Array, length: number): number {
    return this.callSync("raw:read", [address, buffer, length]) as number;
  }
  protected doWrite(address: number, buffer: Uint8Array, length: number): number {
    return this.callSync("raw:write", [address, buffer, length]) as number;
  }
  protected doClose(): void {
    try {
      // The thread closes its descriptor; a thread stuck in an ioctl cannot, and is ended with it.
      if (!this.stuck && !this.startError) this.callSync("close", []);
    } finally {
      this.worker.terminate();
      for (const [id, p] of this.pending) this.settle(id, p, undefined, this.closedError(p.op));
    }
  }

  // ---- the promise API: the same calls, answered asynchronously ----

  override async i2cFuncs(): Promise<I2CFuncs> {
    return Object.freeze((await this.call("i2cFuncsSync", [])) as I2CFuncs);
  }
  override async scan(startAddr?: number, endAddr?: number): Promise<number[]> {
    return (await this.call(
      "scanSync",
      [startAddr, endAddr].filter((a) => a !== undefined),
    )) as number[];
  }
  override async deviceId(address: number): Promise<I2CDeviceId> {
    return (await this.call("deviceIdSync", [address])) as I2CDeviceId;
  }
  override async i2cRead<B extends Uint8Array>(address: number, length: number, buffer: B): Promise<{ bytesRead: number; buffer: B }> {
    return { bytesRead: (await this.call("i2cReadSync", [address, length, buffer])) as number, buffer };
  }
  override async i2cWrite<B extends Uint8Array>(address: number, length: number, buffer: B): Promise<{ bytesWritten: number; buffer: B }> {
    return { bytesWritten: (await this.call("i2cWriteSync", [address, length, buffer])) as number, buffer };
  }
  override async readByte(address: number, command: number): Promise<number> {
    return (await this.call("readByteSync", [address, command])) as number;
  }
  override async readWord(address: number, command: number): Promise<number> {
    return (await this.call("readWordSync", [address, command])) as number;
  }
  override async readI2cBlock<B extends Uint8Array>(
    address: number,
    command: number,
    length: number,
    buffer: B,
  ): Promise<{ bytesRead: number; buffer: B }> {
    return { bytesRead: (await this.call("readI2cBlockSync", [address, command, length, buffer])) as number, buffer };
  }
  override async receiveByte(address: number): Promise<number> {
    return (await this.call("receiveByteSync", [address])) as number;
  }
  override async sendByte(address: number, byte: number): Promise<void> {
    await this.call("sendByteSync", [address, byte]);
  }
  override async writeByte(address: number, command: number, byte: number): Promise<void> {
    await this.call("writeByteSync", [address, command, byte]);
  }
  override async writeWord(address: number, command: number, word: number): Promise<void> {
    await this.call("writeWordSync", [address, command, word]);
  }
  override async writeQuick(address: number, commandOrBit: number, bit?: number): Promise<void> {
    await this.call("writeQuickSync", bit === undefined ? [address, commandOrBit] : [address, commandOrBit, bit]);
  }
  override async writeI2cBlock<B extends Uint8Array>(
    address: number,
    command: number,
    length: number,
    buffer: B,
  ): Promise<{ bytesWritten: number; buffer: B }> {
    return { bytesWritten: (await this.call("writeI2cBlockSync", [address, command, length, buffer])) as number, buffer };
  }
  override async readBlock<B extends Uint8Array>(address: number, command: number, buffer: B): Promise<{ bytesRead: number; buffer: B }> {
    return { bytesRead: (await this.call("readBlockSync", [address, command, buffer])) as number, buffer };
  }
  override async writeBlock<B extends Uint8Array>(
    address: number,
    command: number,
    length: number,
    buffer: B,
  ): Promise<{ bytesWritten: number; buffer: B }> {
    return { bytesWritten: (await this.call("writeBlockSync", [address, command, length, buffer])) as number, buffer };
  }
  override async transfer(messages: readonly I2CMessage[]): Promise<void> {
    await this.call("transferSync", [messages]);
  }
  override async writeRead(address: number, out: Uint8Array, length: number): Promise<Uint8Array> {
    return (await this.call("writeReadSync", [address, out, length])) as Uint8Array;
  }
  override async probe(address: number): Promise<ProbeResult> {
    return (await this.call("probeSync", [address])) as ProbeResult;
  }
  override async close(): Promise<void> {
    if (this.isClosed) return;
    if (!this.stuck && !this.startError) await this.call("close", []).catch(() => undefined);
    this.terminate();
  }

  /** After an async close: mark closed and end the thread without another blocking round trip. */
  private terminate(): void {
    this.stuck = { id: Number.MAX_SAFE_INTEGER, op: "close()", at: Date.now() }; // doClose: nothing more to send
    this.closeSync();
  }

  // ---- the simulated bus on the thread: faults and chips, by message ----

  /** A fault on the simulated bus in the thread (see SimI2CBus.fault; "hang" blocks the thread). */
  async simFault(address: number, kind: SimFaultKind, options: SimFaultOptions = {}): Promise<void> {
    await this.call("sim:fault", [address, kind, options]);
  }
  async simClearFaults(address?: number): Promise<void> {
    await this.call("sim:clearFaults", address === undefined ? [] : [address]);
  }
  async simReplug(address: number): Promise<void> {
    await this.call("sim:replug", [address]);
  }
  /** Change the per-transfer latency of the simulated bus in the thread. */
  async simLatency(ms: number): Promise<void> {
    await this.call("sim:latency", [ms]);
  }
  /** Transfers the simulated bus has seen. */
  async simTransfers(): Promise<number> {
    return (await this.call("sim:transfers", [])) as number;
  }
  /**
   * Call a method of a simulated chip in the thread, or read a field (set it with one argument).
   * @example await bus.simChip(0x76, "temperature", 25); await bus.simChip(0x76, "peek", 0xd0)
   */
  async simChip(address: number, name: string, ...args: unknown[]): Promise<unknown> {
    return this.call("sim:call", [address, name, ...args]);
  }

  // ---- plumbing ----

  private deadlineMs(): number {
    return this.timeoutMs + (this.started ? 0 : STARTUP_GRACE_MS);
  }

  private refuse(op: string): void {
    this.run(op, undefined, () => undefined); // DD_DEVICE_CLOSED after close, as every bus
    if (this.startError) throw this.startError;
    if (this.stuck) throw this.stuckError(op);
  }

  private call(method: string, args: unknown[]): Promise<unknown> {
    const op = opName(method, args);
    try {
      this.refuse(op);
    } catch (e) {
      return Promise.reject(e);
    }
    const id = this.nextId++;
    const limit = this.deadlineMs();
    const req: CallRequest = { id, method, args: cloneArgs(args), deadline: Date.now() + limit };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const p = this.pending.get(id);
        if (!p) return;
        this.stuck ??= { id, op, at: Date.now() - limit };
        this.settle(id, p, undefined, this.timeoutError(op, limit));
      }, limit);
      this.pending.set(id, { resolve, reject, timer, buffers: collectBuffers(args), op });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage(req);
    });
  }

  private callSync(method: string, args: unknown[]): unknown {
    const op = opName(method, args);
    if (this.startError) throw this.startError;
    if (this.stuck) {
      // A late answer to a hung blocking call arrives in the shared buffer, not as a message.
      if (Atomics.load(this.syncState, 1) >= this.stuck.id) this.stuck = undefined;
      else throw this.stuckError(op);
    }
    const id = this.nextId++;
    const limit = this.deadlineMs();
    this.worker.postMessage({ id, method, args: cloneArgs(args), deadline: Date.now() + limit, sync: true } satisfies CallRequest);
    const end = performance.now() + limit;
    for (;;) {
      const seen = Atomics.load(this.syncState, 1);
      if (seen === id) break;
      const left = end - performance.now();
      if (left <= 0) {
        this.stuck = { id, op, at: Date.now() - limit };
        throw this.timeoutError(op, limit);
      }
      Atomics.wait(this.syncState, 1, seen, left);
    }
    this.started = true;
    const reply = JSON.parse(new TextDecoder().decode(this.syncBytes.slice(0, Atomics.load(this.syncState, 2)))) as {
      ok: boolean;
      value: unknown;
      buffers: number[][];
      error: never;
    };
    if (!reply.ok) throw errorFromWire(reply.error);
    copyBack(
      collectBuffers(args),
      reply.buffers.map((b) => Uint8Array.from(b)),
    );
    return reply.value;
  }

  private answer(m: CallReply & { synced?: number }): void {
    if ("ready" in m) {
      this.started = true;
      return;
    }
    if ("started" in m) {
      this.startError = errorFromWire(m.error);
      for (const [id, p] of this.pending) this.settle(id, p, undefined, this.startError);
      return;
    }
    if (this.stuck && m.id >= this.stuck.id) this.stuck = undefined; // the hung call came back: the bus answers again
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.ok) {
      copyBack(p.buffers, m.buffers);
      this.settle(m.id, p, m.value);
    } else this.settle(m.id, p, undefined, errorFromWire(m.error));
  }

  private settle(id: number, p: Pending, value: unknown, error?: Error): void {
    clearTimeout(p.timer);
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
    if (error) p.reject(error);
    else p.resolve(value);
  }

  private died(e: Error): void {
    this.startError = new DeviceError(
      "DD_DEVICE_IO",
      {
        what: `the device thread of ${this.path} stopped`,
        expected: "the device thread running while the bus is open",
        found: e.message,
        fix: "open the bus again; report the error if it repeats",
      },
      { device: this.path },
    );
    for (const [id, p] of this.pending) this.settle(id, p, undefined, this.startError);
  }

  private timeoutError(op: string, ms: number): DeviceError {
    return new DeviceError(
      "DD_I2C_TIMEOUT",
      {
        what: `${op} on ${this.path} got no answer within ${ms} ms: the bus has stopped answering`,
        expected: `the device thread to finish the transfer within timeoutMs (${this.timeoutMs} ms)`,
        found: `no answer after ${ms} ms (the kernel is still waiting on the bus: a device holding SDA or SCL low, or stretching the clock)`,
        fix: `check the pull-ups, wiring and power of the devices on ${this.path} and power-cycle the one holding the bus; a slow device may need openBus(n, { timeoutMs: ${this.timeoutMs * 2} })`,
      },
      { device: this.path, errno: ERRNO.ETIMEDOUT, operation: op },
    );
  }

  private stuckError(op: string): DeviceError {
    const s = this.stuck!;
    return new DeviceError(
      "DD_I2C_TIMEOUT",
      {
        what: `${op} on ${this.path} was not sent: the bus is still busy with ${s.op}, which got no answer`,
        expected: "a bus that answers",
        found: `${s.op} sent ${Date.now() - s.at} ms ago and not finished (timeoutMs ${this.timeoutMs})`,
        fix: `check the pull-ups, wiring and power of the devices on ${this.path}; calls go through again as soon as the hung one comes back`,
      },
      { device: this.path, errno: ERRNO.ETIMEDOUT, operation: op },
    );
  }

  private closedError(op: string): DeviceError {
    return new DeviceError(
      "DD_DEVICE_CLOSED",
      {
        what: `${op} on ${this.path} was cut short: the bus was closed`,
        expected: "an open bus until the call answers",
        found: "bus.close() while the call was on the device thread",
        fix: "await the bus's calls before closing it",
      },
      { device: this.path, operation: op },
    );
  }
}

/** `readByte(0x76, 0xd0)` from a method name and its arguments, for errors. */
function opName(method: string, args: readonly unknown[]): string {
  const name = method.replace(/Sync$/, "").replace(/^raw:/, "");
  const shown = args.map((a) =>
    typeof a === "number"
      ? hex(a)
      : a instanceof Uint8Array
        ? `<${a.length} bytes>`
        : Array.isArray(a)
          ? `[${a.length}]`
          : typeof a === "string"
            ? JSON.stringify(a)
            : "…",
  );
  return `${name}(${shown.join(", ")})`;
}
