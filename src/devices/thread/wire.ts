/**
 * @module thread/wire
 * What the main thread and the device thread (a Bun Worker, see device-thread.ts) say to each
 * other, in one place: the start message that picks the thread's job, I2C call requests and
 * replies, and errors turned into plain data and back (a DeviceError does not survive
 * structured clone as a DeviceError: its class and fields are rebuilt here, so `err.code`,
 * `err.ddCode`, `err.errno`, `err.address` read the same on both sides).
 */

import { DashDevicesError, type ErrorCode, type ErrorDetail } from "../../core/errors.ts";
import { DeviceError } from "../device-error.ts";
import { ErrnoFault } from "../errno.ts";
import type { SimBusSpec } from "./sim-spec.ts";

/** The thread's job, chosen by the first message. */
export type StartMessage =
  | { role: "i2c"; path: string; linux?: { forceAccess?: boolean; adapterTimeoutMs?: number }; sim?: SimBusSpec; sync: SharedArrayBuffer }
  | { role: "gpio"; ctl: SharedArrayBuffer; eventFd: number };

/** One I2C call: a method of the bus run in the thread with these arguments. */
export interface CallRequest {
  id: number;
  /** `readByteSync`, ... (async calls), `raw:smbus`, ... (the sync forms' kernel calls), `sim:fault`, `sim:call`. */
  method: string;
  args: unknown[];
  /** Date.now() after which the thread must not start the call (the caller has given up). */
  deadline: number;
  /** Answer through the shared buffer (a blocking *Sync call is waiting) rather than postMessage. */
  sync?: boolean;
}

/** The answer: a value and the contents of every buffer argument after the call (reads fill them). */
export type CallReply =
  | { id: number; ok: true; value: unknown; buffers: Uint8Array[] }
  | { id: number; ok: false; error: WireError }
  | { ready: true }
  | { started: false; error: WireError };

export interface WireError {
  code?: ErrorCode;
  detail?: ErrorDetail;
  ctx?: { device?: string; address?: number; line?: number; errno?: number; operation?: string };
  /** An ErrnoFault from a kernel call (the sync forms map it to a DeviceError on the main thread). */
  fault?: { errno: number; call: string };
  message: string;
  name: string;
  stack?: string;
}

export function errorToWire(e: unknown): WireError {
  if (e instanceof ErrnoFault) return { fault: { errno: e.errno, call: e.call }, message: e.message, name: e.name };
  if (e instanceof DeviceError) {
    return {
      code: e.ddCode,
      detail: e.detail,
      ctx: { device: e.device, address: e.address, line: e.line, errno: e.errno, operation: e.operation },
      message: e.message,
      name: e.name,
      stack: e.stack,
    };
  }
  if (e instanceof DashDevicesError) return { code: e.ddCode, detail: e.detail, message: e.message, name: e.name, stack: e.stack };
  if (e instanceof Error) return { message: e.message, name: e.name, stack: e.stack };
  return { message: String(e), name: "Error" };
}

export function errorFromWire(w: WireError): Error {
  if (w.fault) return new ErrnoFault(w.fault.errno, w.fault.call);
  let e: Error;
  if (w.code && w.detail && w.ctx) e = new DeviceError(w.code, w.detail, w.ctx);
  else if (w.code && w.detail) e = new DashDevicesError(w.code, w.detail);
  else {
    e = new Error(w.message);
    e.name = w.name;
  }
  // The thread's stack says where it failed inside the device layer; the caller's own stack is
  // appended by the await that rethrows it.
  if (w.stack) e.stack = `${e.name}: ${e.message}\n    (on the device thread)\n${w.stack.split("\n").slice(1).join("\n")}`;
  return e;
}

/**
 * Buffer arguments travel as copies; after the call the thread sends their contents back and the
 * caller's buffers are filled in place, so `readI2cBlock(addr, reg, n, buf)` fills `buf` as before.
 * Transfers (`transfer([{ address, read, buffer }])`) carry their buffers inside the messages.
 */
export function collectBuffers(args: readonly unknown[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const a of args) {
    if (a instanceof Uint8Array) out.push(a);
    else if (Array.isArray(a))
      for (const m of a)
        if (m && typeof m === "object" && (m as { buffer?: unknown }).buffer instanceof Uint8Array)
          out.push((m as { buffer: Uint8Array }).buffer);
  }
  return out;
}

/** Arguments as they are posted: buffers copied to plain Uint8Arrays (a Buffer's pool is not sent). */
export function cloneArgs(args: readonly unknown[]): unknown[] {
  return args.map((a) => {
    if (a instanceof Uint8Array) return new Uint8Array(a);
    if (Array.isArray(a))
      return a.map((m) =>
        m && typeof m === "object" && (m as { buffer?: unknown }).buffer instanceof Uint8Array
          ? { ...m, buffer: new Uint8Array((m as { buffer: Uint8Array }).buffer) }
          : m,
      );
    return a;
  });
}

export function copyBack(into: readonly Uint8Array[], from: readonly Uint8Array[]): void {
  into.forEach((b, i) => {
    const src = from[i];
    if (src) b.set(src.subarray(0, b.length));
  });
}

/**
 * The shared buffer of a blocking (*Sync) call: [0] state (0 idle, 1 answered), [1] the id answered,
 * [2] byte length of the answer, then the answer as JSON (small: a value, or bytes as arrays).
 */
export const SYNC_HEADER = 16;
export const SYNC_BYTES = 1 << 20;

/**
 * The GPIO edge watcher's command ring (shared memory, because the thread sits in poll(2) and does
 * not read messages while it waits; an eventfd write wakes it): [0] commands written (main),
 * [1] commands done (thread), then RING slots of [op, fd, token].
 */
export const RING = 64;
export const RING_BASE = 4;
export const CMD_WATCH = 1;
export const CMD_UNWATCH = 2;
export const CMD_STOP = 3;

/** Edge records read from one line request, as the thread posts them. */
export interface EdgeBatch {
  token: number;
  /** Per event: offset, event id (1 rising, 2 falling), seqno, line seqno. */
  ev: number[];
  /** Per event: the kernel's timestamp (CLOCK_MONOTONIC ns). */
  ts: bigint[];
  /** read(2) failed on the descriptor (errno), or it hung up: the thread stopped watching it. */
  errno?: number;
}
