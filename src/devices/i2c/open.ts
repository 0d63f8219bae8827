/**
 * @module i2c/open
 * `openBus(n)`: the real `/dev/i2c-n` when it exists, else a simulated bus (so an app runs on a
 * laptop and in CI); `{ sim: true }` always simulates, `{ sim: false }` insists on the real bus and
 * says why it is missing. The environment variable `DASH_DEVICES_SIM=1` makes the default simulate.
 *
 * A real bus runs its kernel calls on the device thread (thread/i2c-thread-bus.ts) unless
 * `thread: false`; a simulated bus runs on the calling thread unless `thread: true`, and then its
 * chips are built in the thread from a spec (`sim: { devices: { 0x76: { chip: "BME280" } } }`).
 */

import { existsSync } from "node:fs";
import { createLogger, type Logger } from "../../core/log.ts";
import { checkInt } from "../device-error.ts";
import { ERRNO } from "../errno.ts";
import { openError } from "../open-error.ts";
import type { I2CBusBase } from "./base.ts";
import { LinuxI2CBus } from "./linux.ts";
import { SimI2CBus, type SimI2CDevice } from "./sim.ts";
import { badArg } from "../device-error.ts";
import { ThreadedI2CBus } from "../thread/i2c-thread-bus.ts";
import { buildSimBus, type SimBusSpec } from "../thread/sim-spec.ts";

export interface OpenBusOptions {
  /**
   * `undefined` (default): the real bus if its device file exists, else a simulated one.
   * `true`: a simulated bus. `false`: the real bus or an error. A `SimI2CBus`: that bus (on this
   * thread). A {@link SimBusSpec} (plain data: chips by name, `latencyMs`): a simulated bus built
   * from it, on the device thread with `thread: true`.
   */
  sim?: boolean | SimI2CBus | SimBusSpec;
  /**
   * Run the bus's kernel calls on the device thread, so they never hold the event loop. Default:
   * true for a real bus, false for a simulated one (give a `sim` spec to simulate on the thread).
   */
  thread?: boolean;
  /** Device thread: each call's deadline in ms (default 250); later it fails with DD_I2C_TIMEOUT. */
  timeoutMs?: number;
  /** Simulated devices to attach when a simulated bus is created on this thread. */
  simDevices?: Record<number, SimI2CDevice>;
  /** Adapter functionality of a created simulated bus (see `I2C_FUNCS_SMBUS_ONLY`). */
  simFuncs?: number;
  /** Real bus: use I2C_SLAVE_FORCE (i2c-bus's `forceAccess`). */
  forceAccess?: boolean;
  /** Real bus: set the adapter's own timeout (I2C_TIMEOUT; for every user of the adapter until reboot). */
  adapterTimeoutMs?: number;
  /** Where the fallback to simulation is reported (default: stderr). */
  logger?: Logger;
}

/**
 * Open I2C bus `n` (or a device path).
 * @example
 * const bus = openBus(1);                                   // real /dev/i2c-1, or simulated
 * const sim = openBus(1, { sim: true, simDevices: { 0x76: new SimBME280() } });
 */
export function openBus(bus: number | string, options: OpenBusOptions = {}): I2CBusBase {
  if (typeof bus === "number") checkInt("bus number", bus, 0, 1023);
  const path = typeof bus === "number" ? `/dev/i2c-${bus}` : bus;
  const number = typeof bus === "number" ? bus : Number(/(\d+)$/.exec(bus)?.[1] ?? 1);
  if (options.sim instanceof SimI2CBus) {
    if (options.thread)
      throw badArg(
        "a SimI2CBus object cannot move to the device thread",
        'a bus spec, { sim: { devices: { 0x76: { chip: "BME280" } } }, thread: true }',
        "a SimI2CBus built on this thread",
        "describe the bus as data (its chips are built in the thread), or drop thread: true",
        { device: options.sim.path },
      );
    return options.sim;
  }
  const spec = options.sim !== null && typeof options.sim === "object" ? options.sim : undefined;
  const envSim = process.env.DASH_DEVICES_SIM === "1" || process.env.DASH_DEVICES_SIM === "true";
  const wantSim = spec ? true : ((options.sim as boolean | undefined) ?? (envSim ? true : undefined));
  const makeSim = (): I2CBusBase => {
    if (options.thread) {
      if (options.simDevices)
        throw badArg(
          "simDevices are objects on this thread",
          'chips as data in sim: { devices: { 0x76: { chip: "BME280" } } }',
          "simDevices with thread: true",
          "move the chips into the sim spec, or drop thread: true",
          { device: `sim:i2c-${number}` },
        );
      return new ThreadedI2CBus(`sim:i2c-${number}`, {
        sim: spec ?? { funcs: options.simFuncs, forceAccess: options.forceAccess },
        timeoutMs: options.timeoutMs,
      });
    }
    if (spec) return buildSimBus(number, spec);
    return new SimI2CBus({ bus: number, devices: options.simDevices, funcs: options.simFuncs, forceAccess: options.forceAccess });
  };
  const makeReal = (): I2CBusBase =>
    options.thread === false
      ? new LinuxI2CBus(path, { forceAccess: options.forceAccess, timeoutMs: options.adapterTimeoutMs })
      : new ThreadedI2CBus(path, {
          timeoutMs: options.timeoutMs,
          forceAccess: options.forceAccess,
          adapterTimeoutMs: options.adapterTimeoutMs,
        });
  if (wantSim === true) return makeSim();
  if (wantSim === false) return makeReal(); // throws DD_DEVICE_NOT_FOUND with the fix
  if (!existsSync(path)) {
    (options.logger ?? createLogger()).warn("i2c.simulated", {
      bus: path,
      reason: "no such device file",
      hint: "pass { sim: false } to require the real bus",
    });
    return makeSim();
  }
  return makeReal();
}

/**
 * i2c-bus's `openPromisified(busNumber, options)`, with the same fallback as {@link openBus}.
 * @example const bus = await openI2C(1); const id = await bus.readByte(0x76, 0xd0);
 */
export async function openI2C(bus: number | string, options: OpenBusOptions = {}): Promise<I2CBusBase> {
  return openBus(bus, options);
}

/** The error `{ sim: false }` gives for a missing bus, for callers that check before opening. */
export function missingBusError(path: string) {
  return openError(ERRNO.ENOENT, path, "i2c");
}
