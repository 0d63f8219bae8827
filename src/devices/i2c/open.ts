/**
 * @module i2c/open
 * `openBus(n)`: the real `/dev/i2c-n` when it exists, else a simulated bus (so an app runs on a
 * laptop and in CI); `{ sim: true }` always simulates, `{ sim: false }` insists on the real bus and
 * says why it is missing. The environment variable `DASH_DEVICES_SIM=1` makes the default simulate.
 */

import { existsSync } from "node:fs";
import { createLogger, type Logger } from "../../core/log.ts";
import { checkInt } from "../device-error.ts";
import { ERRNO } from "../errno.ts";
import { openError } from "../open-error.ts";
import type { I2CBusBase } from "./base.ts";
import { LinuxI2CBus } from "./linux.ts";
import { SimI2CBus, type SimI2CDevice } from "./sim.ts";

export interface OpenBusOptions {
  /**
   * `undefined` (default): the real bus if its device file exists, else a simulated one.
   * `true`: a simulated bus. `false`: the real bus or an error. A `SimI2CBus`: that bus.
   */
  sim?: boolean | SimI2CBus;
  /** Simulated devices to attach when a simulated bus is created. */
  simDevices?: Record<number, SimI2CDevice>;
  /** Adapter functionality of a created simulated bus (see `I2C_FUNCS_SMBUS_ONLY`). */
  simFuncs?: number;
  /** Real bus: use I2C_SLAVE_FORCE (i2c-bus's `forceAccess`). */
  forceAccess?: boolean;
  /** Real bus: set the adapter timeout (I2C_TIMEOUT). */
  timeoutMs?: number;
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
  if (options.sim instanceof SimI2CBus) return options.sim;
  const envSim = process.env.DASH_DEVICES_SIM === "1" || process.env.DASH_DEVICES_SIM === "true";
  const wantSim = options.sim ?? (envSim ? true : undefined);
  const makeSim = () => new SimI2CBus({ bus: number, devices: options.simDevices, funcs: options.simFuncs, forceAccess: options.forceAccess });
  if (wantSim === true) return makeSim();
  if (wantSim === false) return new LinuxI2CBus(path, options); // throws DD_DEVICE_NOT_FOUND with the fix
  if (!existsSync(path)) {
    (options.logger ?? createLogger()).warn("i2c.simulated", { bus: path, reason: "no such device file", hint: "pass { sim: false } to require the real bus" });
    return makeSim();
  }
  return new LinuxI2CBus(path, options);
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
