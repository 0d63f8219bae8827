/**
 * @module gpio/open
 * `openGpioChip(n)`: the real `/dev/gpiochipN` when it exists, else a simulated chip; `{ sim: true }`
 * always simulates, `{ sim: false }` insists on the real chip. `DASH_DEVICES_SIM=1` makes the
 * default simulate, as for I2C.
 */

import { existsSync } from "node:fs";
import { createLogger, type Logger } from "../../core/log.ts";
import { checkInt } from "../device-error.ts";
import { LinuxGpioChip } from "./linux.ts";
import { SimGpioChip, type SimGpioChipOptions } from "./sim.ts";
import type { GpioChip } from "./types.ts";

export interface OpenGpioOptions {
  /** `undefined`: real if the device file exists, else simulated. `true`: simulated. `false`: real or an error. A SimGpioChip: that chip. */
  sim?: boolean | SimGpioChip;
  /** Options for a created simulated chip (lines, names, clock). */
  simOptions?: Omit<SimGpioChipOptions, "chip">;
  /** Real chip: edge event poll interval (ms, default 10). */
  pollIntervalMs?: number;
  logger?: Logger;
}

/**
 * @example
 * const chip = openGpioChip(0);
 * const button = chip.input(17, { bias: "pull-up", edge: "falling", debounceMs: 10 });
 * button.on("edge", (e) => console.log(e.edge, e.timestampNs));
 */
export function openGpioChip(chip: number | string, options: OpenGpioOptions = {}): GpioChip {
  if (typeof chip === "number") checkInt("GPIO chip number", chip, 0, 1023);
  const path = typeof chip === "number" ? `/dev/gpiochip${chip}` : chip;
  const number = typeof chip === "number" ? chip : Number(/(\d+)$/.exec(chip)?.[1] ?? 0);
  if (options.sim instanceof SimGpioChip) return options.sim;
  const envSim = process.env.DASH_DEVICES_SIM === "1" || process.env.DASH_DEVICES_SIM === "true";
  const want = options.sim ?? (envSim ? true : undefined);
  const makeSim = () => new SimGpioChip({ ...options.simOptions, chip: number, logger: options.logger });
  if (want === true) return makeSim();
  if (want === false) return new LinuxGpioChip(path, options);
  if (!existsSync(path)) {
    (options.logger ?? createLogger()).warn("gpio.simulated", {
      chip: path,
      reason: "no such device file",
      hint: "pass { sim: false } to require the real chip",
    });
    return makeSim();
  }
  return new LinuxGpioChip(path, options);
}
