/**
 * @module thread/sim-spec
 * A simulated bus described as plain data, so it can be built inside the device thread. Why data and
 * not a SimI2CBus object: a chip is an object with methods and private state, and a Worker receives
 * only what structured clone copies (no classes, no functions); the thread must build its own chips.
 * Why a registry of chip names and not a user module path the thread imports: the device thread is
 * compiled into the app's executable, where every chip class named here is embedded with it, while a
 * module path given at run time would have to be a separate entry point of the build. The chips
 * built-in are what the demo and the drivers use; a generic RegisterChip stands in for anything else.
 *
 * @example
 * openBus(1, { thread: true, sim: { latencyMs: 1, devices: { 0x76: { chip: "BME280", options: { temperature: 25 } } } } })
 */

import { badArg } from "../device-error.ts";
import { SimADS1115, type SimADS1115Options } from "../chips/ads1115.ts";
import { SimBME280, type SimBME280Options } from "../chips/bme280.ts";
import { SimMCP23017 } from "../chips/mcp23017.ts";
import { SimPCA9685 } from "../chips/pca9685.ts";
import { RegisterChip, type RegisterChipOptions } from "../i2c/register-chip.ts";
import { SimI2CBus, type SimI2CDevice } from "../i2c/sim.ts";

/** One simulated chip, by name, with its constructor's options (plain data). */
export type SimChipSpec =
  | { chip: "BME280"; options?: SimBME280Options }
  | { chip: "ADS1115"; options?: SimADS1115Options }
  | { chip: "PCA9685"; options?: { oscillatorHz?: number } }
  | { chip: "MCP23017"; options?: Record<string, never> }
  | { chip: "RegisterChip"; options?: Omit<RegisterChipOptions, "readOnly"> & { readOnly?: number[] } };

/** A simulated bus as data: what `new SimI2CBus(...)` takes, with chips as {@link SimChipSpec}s. */
export interface SimBusSpec {
  devices?: Record<number, SimChipSpec>;
  /** Adapter functionality bits (default a full adapter; I2C_FUNCS_SMBUS_ONLY is like i2c-stub). */
  funcs?: number;
  /** A real blocking sleep per transfer, standing in for the time the kernel's ioctl takes. */
  latencyMs?: number;
  claimed?: number[];
  forceAccess?: boolean;
}

const CHIPS: Record<SimChipSpec["chip"], (options: never) => SimI2CDevice> = {
  BME280: (o: SimBME280Options) => new SimBME280(o),
  ADS1115: (o: SimADS1115Options) => new SimADS1115(o),
  PCA9685: (o: { oscillatorHz?: number }) => new SimPCA9685(o),
  MCP23017: () => new SimMCP23017(),
  RegisterChip: (o: RegisterChipOptions) => new RegisterChip(o),
};

/** Build one chip from its spec (in the device thread). */
export function buildChip(spec: SimChipSpec, where: { device: string; address: number }): SimI2CDevice {
  const make = spec && typeof spec === "object" ? CHIPS[spec.chip] : undefined;
  if (!make)
    throw badArg(
      "unknown simulated chip",
      `{ chip: ${Object.keys(CHIPS)
        .map((k) => JSON.stringify(k))
        .join(" | ")}, options? }`,
      spec,
      "name one of the built-in simulated chips (a RegisterChip with `initial` registers stands in for others), or run the bus on this thread: { sim: new SimI2CBus(...) } without thread: true",
      where,
    );
  return make((spec.options ?? {}) as never);
}

/** Build the whole bus (in the device thread). */
export function buildSimBus(bus: number, spec: SimBusSpec): SimI2CBus {
  const sim = new SimI2CBus({ bus, funcs: spec.funcs, latencyMs: spec.latencyMs, claimed: spec.claimed, forceAccess: spec.forceAccess });
  for (const [a, chip] of Object.entries(spec.devices ?? {}))
    sim.attach(Number(a), buildChip(chip, { device: sim.path, address: Number(a) }));
  return sim;
}

/** Checked on the main thread before the thread starts, so a bad spec fails where it is written. */
export function checkSimSpec(spec: SimBusSpec, device: string): void {
  if (!spec || typeof spec !== "object")
    throw badArg(
      "invalid simulated bus",
      "a SimBusSpec object { devices, latencyMs, funcs }",
      spec,
      'pass { devices: { 0x76: { chip: "BME280" } } }',
      { device },
    );
  for (const [a, chip] of Object.entries(spec.devices ?? {})) {
    if (!chip || typeof chip !== "object" || !(chip.chip in CHIPS)) buildChip(chip, { device, address: Number(a) });
  }
  if (spec.latencyMs !== undefined && !(typeof spec.latencyMs === "number" && spec.latencyMs >= 0 && spec.latencyMs <= 10_000)) {
    throw badArg("invalid latencyMs", "a number of milliseconds from 0 to 10000", spec.latencyMs, "pass e.g. latencyMs: 1", { device });
  }
}
