/**
 * @module i2c-bus
 * A drop-in for the npm package `i2c-bus` (whose native addon cannot load under Bun or in a compiled
 * binary): its module functions `open`, `openSync` and `openPromisified` with its signatures, over
 * our buses. Map the import `i2c-bus` to the package's folder i2c-bus/ (tsconfig `paths` in the
 * project's root tsconfig.json: `"i2c-bus": ["./node_modules/dash-devices/i2c-bus"]`; Bun takes its
 * index.js, which re-exports this file, tsc its index.d.ts; see the README's Devices section) and
 * drivers written for i2c-bus, such as the npm packages `bme280` and `pca9685`, run unchanged on the
 * real bus or a simulated one. (A mapping straight to this file also runs under Bun, but makes tsc
 * check our sources under the project's settings, where `from "i2c-bus"` loops back here.) Errors keep
 * i2c-bus's contract: `err.code` is the errno name (`"ENXIO"`); `err.ddCode` and the message say
 * ours (`[DD_I2C_NO_ACK] ... fix: ...`).
 *
 * Bus N is `/dev/i2c-N` when it exists, else a simulated bus (as `openBus`). `provideBus(N, bus)`
 * makes later opens of N use that bus, e.g. a `SimI2CBus` with simulated chips. Each open is a
 * handle of its own, as each i2c-bus open is a file of its own: a driver's `close()` closes its
 * handle and leaves the bus and other handles open.
 *
 * @example
 * // app.ts, with "i2c-bus" mapped to node_modules/dash-devices/i2c-bus:
 * import { provideBus } from "dash-devices/i2c-bus";
 * import bme280 from "bme280";
 * provideBus(1, new SimI2CBus({ bus: 1 }).attach(0x77, new SimBME280()));   // or nothing: /dev/i2c-1
 * const sensor = await bme280.open({ i2cBusNumber: 1 });
 */

import { badArg, checkInt, DeviceError } from "./device-error.ts";
import { I2CBusBase } from "./i2c/base.ts";
import { CallbackI2CBus } from "./i2c/callback-bus.ts";
import { openBus, type OpenBusOptions } from "./i2c/open.ts";

export type { I2CBus, PromisifiedBus, I2CFuncs, I2CDeviceId, BytesRead, BytesWritten } from "i2c-bus";

type CompletionCallback = (error: unknown) => unknown;

/** Buses given by {@link provideBus}, by bus number. Module state because i2c-bus's API is module functions keyed by number. */
const provided = new Map<number, I2CBusBase>();

/**
 * Make `open*(busNumber)` use `bus` from now on (a simulated bus with chips, or one opened with
 * options); `undefined` forgets it. Returns the previous one.
 * @example provideBus(1, new SimI2CBus({ bus: 1 }).attach(0x40, new SimPCA9685()));
 */
export function provideBus(busNumber: number, bus: I2CBusBase | undefined): I2CBusBase | undefined {
  checkBusNumber(busNumber);
  if (bus !== undefined && !(bus instanceof I2CBusBase)) {
    throw badArg(
      "invalid bus",
      "a bus from openBus() or new SimI2CBus()",
      bus,
      "pass a dash-devices bus, or undefined to forget the provided one",
    );
  }
  const before = provided.get(busNumber);
  if (bus) provided.set(busNumber, bus);
  else provided.delete(busNumber);
  return before;
}

/**
 * i2c-bus's `openPromisified(busNumber, [options])`.
 * @example const bus = await openPromisified(1); const id = await bus.readByte(0x76, 0xd0);
 */
export async function openPromisified(busNumber: number, options?: OpenBusOptions): Promise<I2CBusBase> {
  return openHandle(busNumber, options);
}

/**
 * i2c-bus's `openSync(busNumber, [options])`: the callback bus. It blocks while the bus file opens
 * (as i2c-bus's does); its `*Sync` calls block the event loop for the whole transfer.
 * @example const bus = openSync(1); const id = bus.readByteSync(0x76, 0xd0);
 */
export function openSync(busNumber: number, options?: OpenBusOptions): CallbackI2CBus {
  return openHandle(busNumber, options).bus();
}

/**
 * i2c-bus's `open(busNumber, [options], callback)`: returns the callback bus at once and calls
 * `callback(error)` on a later turn. When the bus cannot be opened the callback gets the error and
 * every call on the returned bus fails with it.
 * @example const bus = open(1, (err) => { if (!err) bus.readByte(0x76, 0xd0, (e, id) => ...); });
 */
export function open(busNumber: number, callback: CompletionCallback): CallbackI2CBus;
export function open(busNumber: number, options: OpenBusOptions | undefined, callback: CompletionCallback): CallbackI2CBus;
export function open(
  busNumber: number,
  optionsOrCallback: OpenBusOptions | CompletionCallback | undefined,
  callback?: CompletionCallback,
): CallbackI2CBus {
  const [options, done] = typeof optionsOrCallback === "function" ? [undefined, optionsOrCallback] : [optionsOrCallback, callback];
  if (typeof done !== "function")
    throw badArg("invalid callback", "a function (err) => ...", done, "pass a callback, or use openSync / openPromisified");
  checkBusNumber(busNumber);
  let bus: I2CBusBase;
  let error: unknown = null;
  try {
    bus = openHandle(busNumber, options);
  } catch (e) {
    error = e;
    bus = handle(undefined, e);
  }
  setImmediate(done, error);
  return bus.bus();
}

function checkBusNumber(busNumber: unknown): number {
  return checkInt("bus number", busNumber, 0, 1023, {}, "pass the N of /dev/i2c-N (1 on a Raspberry Pi's header)");
}

function openHandle(busNumber: number, options?: OpenBusOptions): I2CBusBase {
  checkBusNumber(busNumber);
  const shared = provided.get(busNumber);
  // Without a provided bus every open is a bus of its own (its own file, as in i2c-bus).
  return shared ? handle(shared) : openBus(busNumber, options);
}

/** What the handle passes through untouched even once closed. */
const ALWAYS = new Set<PropertyKey>(["path", "simulated", "toString", "constructor"]);

/**
 * A handle on a shared bus: the bus's whole API (bound to the bus, so whatever it does, e.g. go to
 * the device thread, it still does) with a `close` of its own. After close, or when the open
 * failed (`failure`), every call fails: `*Sync` calls throw, the others reject.
 */
function handle(bus: I2CBusBase | undefined, failure?: unknown): I2CBusBase {
  let closed = false;
  let callbackBus: CallbackI2CBus | undefined;
  const bound = new Map<PropertyKey, unknown>();
  const refuse = (name: string) =>
    failure ??
    new DeviceError(
      "DD_DEVICE_CLOSED",
      {
        what: `${name} on ${bus!.path} after this handle was closed`,
        expected: "an open bus",
        found: "close() was called on the bus that open/openSync/openPromisified returned",
        fix: "open the bus again, or keep it open for the life of the app",
      },
      { device: bus!.path, operation: name },
    );
  const target = bus ?? (Object.create(I2CBusBase.prototype) as I2CBusBase);
  const self: I2CBusBase = new Proxy(target, {
    get(t, prop) {
      if (prop === "close")
        return async () => {
          closed = true;
        };
      if (prop === "closeSync")
        return () => {
          closed = true;
        };
      if (prop === "isClosed") return closed || failure !== undefined || t.isClosed;
      if (prop === "bus") return () => (callbackBus ??= new CallbackI2CBus(self));
      const v: unknown = Reflect.get(t, prop, t);
      if (typeof v !== "function" || ALWAYS.has(prop)) return v;
      if (closed || failure !== undefined) {
        const name = String(prop);
        return name.endsWith("Sync")
          ? () => {
              throw refuse(name);
            }
          : () => Promise.reject(refuse(name));
      }
      let f = bound.get(prop);
      if (!f) bound.set(prop, (f = (v as (...a: unknown[]) => unknown).bind(t)));
      return f;
    },
  });
  return self;
}
