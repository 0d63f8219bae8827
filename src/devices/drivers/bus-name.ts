/**
 * @module drivers/bus-name
 * Small helpers shared by drivers: the bus's name for messages (our buses have `path`; any other
 * i2c-bus `PromisifiedBus` is "the I2C bus"), a sleep, and the wrong-chip error.
 */

import type { PromisifiedBus } from "i2c-bus";
import { DeviceError, hex } from "../device-error.ts";

export function busName(bus: PromisifiedBus): string {
  const p = (bus as { path?: unknown }).path;
  return typeof p === "string" ? p : "the I2C bus";
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function wrongChip(part: string, bus: PromisifiedBus, address: number, expected: string, found: string, fix: string): DeviceError {
  return new DeviceError(
    "DD_DRIVER_WRONG_CHIP",
    {
      what: `the device at ${hex(address)} on ${busName(bus)} does not look like a ${part}`,
      expected,
      found,
      fix,
    },
    { device: busName(bus), address },
  );
}

export function driverTimeout(part: string, bus: PromisifiedBus, address: number, waitingFor: string, ms: number): DeviceError {
  return new DeviceError(
    "DD_DRIVER_TIMEOUT",
    {
      what: `the ${part} at ${hex(address)} on ${busName(bus)} did not finish ${waitingFor}`,
      expected: `${waitingFor} to finish within ${ms} ms`,
      found: "the chip still reports busy",
      fix: "check the chip's power and that nothing else reconfigures it; retry",
    },
    { device: busName(bus), address },
  );
}
