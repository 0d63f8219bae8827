/**
 * @module thread/i2c-host
 * The device thread's side of one I2C bus: it opens the bus (the real `/dev/i2c-N`, or a simulated
 * bus built from its spec), owns its file descriptor, and runs the calls the main thread sends, one
 * at a time, in order. A blocking ioctl here holds only this thread. A call whose caller has given
 * up (its deadline passed while an earlier call hung) is not started: a write the app was told
 * failed must not happen later.
 */

import type { I2CBusBase } from "../i2c/base.ts";
import { LinuxI2CBus } from "../i2c/linux.ts";
import { SimI2CBus } from "../i2c/sim.ts";
import { DeviceError } from "../device-error.ts";
import { buildSimBus } from "./sim-spec.ts";
import { collectBuffers, errorToWire, SYNC_HEADER, type CallReply, type CallRequest, type StartMessage } from "./wire.ts";
import type { I2CMessage } from "../i2c/uapi.ts";

/** The kernel calls of a bus (protected on the class: only the device thread calls them directly). */
interface Raw {
  doFuncs(): number;
  doSmbus(address: number, rw: number, command: number, size: number, data: Uint8Array): void;
  doTransfer(messages: readonly I2CMessage[]): void;
  doRead(address: number, buffer: Uint8Array, length: number): number;
  doWrite(address: number, buffer: Uint8Array, length: number): number;
}

/** Methods whose result is the bus itself (chaining): nothing to send back. */
const RETURNS_THIS = new Set(["sendByteSync", "writeByteSync", "writeWordSync", "writeQuickSync"]);

export function serveI2C(start: Extract<StartMessage, { role: "i2c" }>, post: (m: CallReply) => void): (req: CallRequest) => void {
  const number = Number(/(\d+)$/.exec(start.path)?.[1] ?? 1);
  const bus: I2CBusBase = start.sim
    ? buildSimBus(number, start.sim)
    : new LinuxI2CBus(start.path, { forceAccess: start.linux?.forceAccess, timeoutMs: start.linux?.adapterTimeoutMs });
  const raw = bus as unknown as Raw;
  const syncState = new Int32Array(start.sync, 0, 4);
  const syncBytes = new Uint8Array(start.sync, SYNC_HEADER);
  const enc = new TextEncoder();

  const run = (req: CallRequest): { value: unknown; buffers: Uint8Array[] } => {
    const a = req.args;
    const buffers = collectBuffers(a);
    let value: unknown;
    switch (req.method) {
      case "raw:funcs":
        value = raw.doFuncs();
        break;
      case "raw:smbus":
        raw.doSmbus(a[0] as number, a[1] as number, a[2] as number, a[3] as number, a[4] as Uint8Array);
        break;
      case "raw:transfer":
        raw.doTransfer(a[0] as I2CMessage[]);
        break;
      case "raw:read":
        value = raw.doRead(a[0] as number, a[1] as Uint8Array, a[2] as number);
        break;
      case "raw:write":
        value = raw.doWrite(a[0] as number, a[1] as Uint8Array, a[2] as number);
        break;
      case "close":
        bus.closeSync();
        break;
      case "sim:fault":
        simBus().fault(a[0] as number, a[1] as never, a[2] as never);
        break;
      case "sim:clearFaults":
        simBus().clearFaults(a[0] as number | undefined);
        break;
      case "sim:replug":
        simBus().replug(a[0] as number);
        break;
      case "sim:latency":
        simBus().latencyMs = a[0] as number;
        break;
      case "sim:transfers":
        value = simBus().transfers;
        break;
      case "sim:call":
        value = simCall(a[0] as number, a[1] as string, a.slice(2));
        break;
      default: {
        const fn = (bus as unknown as Record<string, unknown>)[req.method];
        if (!req.method.endsWith("Sync") || typeof fn !== "function") throw new Error(`the device thread has no bus method ${req.method}`);
        value = fn.apply(bus, a);
        if (RETURNS_THIS.has(req.method)) value = undefined;
      }
    }
    return { value, buffers };
  };

  const simBus = (): SimI2CBus => {
    if (bus instanceof SimI2CBus) return bus;
    throw new DeviceError(
      "DD_DEVICE_BAD_ARG",
      {
        what: `${start.path} is a real bus: it has no simulated faults or chips`,
        expected: "a simulated bus (openBus(n, { sim: {...}, thread: true }))",
        found: "a real /dev/i2c bus",
        fix: "call sim controls only on a simulated bus",
      },
      { device: start.path },
    );
  };

  /** A method or field of a simulated chip: `set`-style methods, or reading/writing a field (`temperature`). */
  const simCall = (address: number, name: string, args: unknown[]): unknown => {
    const chip = simBus().device(address) as unknown as Record<string, unknown> | undefined;
    if (!chip)
      throw new DeviceError(
        "DD_DEVICE_BAD_ARG",
        {
          what: `no simulated chip at address 0x${address.toString(16)} on ${start.path}`,
          expected: "an address given in sim.devices",
          found: "nothing attached there",
          fix: "attach the chip in the bus spec",
        },
        { device: start.path, address },
      );
    const v = chip[name];
    if (typeof v === "function") return v.apply(chip, args);
    if (!(name in chip))
      throw new DeviceError(
        "DD_DEVICE_BAD_ARG",
        {
          what: `the simulated chip at 0x${address.toString(16)} has no method or field "${name}"`,
          expected: "a method or field of the chip's class",
          found: JSON.stringify(name),
          fix: "check the simulated chip's class (src/devices/chips/)",
        },
        { device: start.path, address },
      );
    if (args.length > 0) chip[name] = args[0];
    return chip[name];
  };

  const answerSync = (id: number, body: unknown) => {
    const bytes = enc.encode(
      JSON.stringify(body, (_k, v) => (v instanceof Uint8Array ? Array.from(v) : typeof v === "bigint" ? Number(v) : v)),
    );
    if (bytes.length > syncBytes.length) throw new Error(`answer too large for the sync channel (${bytes.length} bytes)`);
    syncBytes.set(bytes);
    Atomics.store(syncState, 2, bytes.length);
    Atomics.store(syncState, 1, id);
    Atomics.store(syncState, 0, 1);
    Atomics.notify(syncState, 1); // the caller waits on slot 1 (the id); woken on slot 0 it slept to its deadline
  };

  return (req: CallRequest) => {
    if (Date.now() > req.deadline) return; // the caller has been told it timed out: do not start it now
    let reply: CallReply;
    try {
      const r = run(req);
      reply = { id: req.id, ok: true, value: r.value, buffers: r.buffers };
    } catch (e) {
      reply = { id: req.id, ok: false, error: errorToWire(e) };
    }
    if (req.sync) answerSync(req.id, reply);
    else post(reply);
  };
}
