/**
 * @module device-error
 * The device layer's error: a {@link DashDevicesError} (stable code, expected, found, fix) that also
 * carries the device path, the I2C address or GPIO line, and the kernel's errno when there was one.
 * Code branches on `err.ddCode` (`"DD_I2C_NO_ACK"`); `err.code` is the errno name (`"ENXIO"`) when
 * the kernel reported one, as i2c-bus's errors have it, so drivers written for i2c-bus that check
 * `err.code` keep working; people read `err.message` (`[DD_I2C_NO_ACK] ... (ENXIO)`, then the fix).
 */

import { DashDevicesError, type ErrnoCode, type ErrorCode, type ErrorDetail } from "../core/errors.ts";
import { errnoName, isKnownErrno } from "./errno.ts";

export interface DeviceErrorContext {
  /** `/dev/i2c-1`, `/dev/gpiochip0`, `sim:i2c-1`, ... */
  device?: string;
  /** 7-bit I2C address. */
  address?: number;
  /** GPIO line offset. */
  line?: number;
  /** Kernel errno, when the kernel (or the simulator standing in for it) reported one. */
  errno?: number;
  /** The operation, e.g. `readByte(0x76, 0xd0)`. */
  operation?: string;
}

export class DeviceError extends DashDevicesError {
  readonly device?: string;
  readonly address?: number;
  readonly line?: number;
  readonly errno?: number;
  /** `"ENXIO"` etc. when `errno` is set. */
  readonly errnoName?: string;
  readonly operation?: string;
  constructor(code: ErrorCode, detail: ErrorDetail, ctx: DeviceErrorContext = {}) {
    // An errno without a name keeps our code in `code` (i2c-bus code compares names, never "errno 200").
    super(code, detail, ctx.errno !== undefined && isKnownErrno(ctx.errno) ? (errnoName(ctx.errno) as ErrnoCode) : undefined);
    this.name = "DeviceError";
    this.device = ctx.device;
    this.address = ctx.address;
    this.line = ctx.line;
    this.errno = ctx.errno;
    this.errnoName = ctx.errno === undefined ? undefined : errnoName(ctx.errno);
    this.operation = ctx.operation;
  }
}

/** `0x76` → `"0x76"`. */
export function hex(n: number, digits = 2): string {
  return "0x" + n.toString(16).padStart(digits, "0");
}

/** Argument checks shared by buses, chips and drivers: fail early, say what was expected. */
export function badArg(what: string, expected: string, found: unknown, fix: string, ctx: DeviceErrorContext = {}): DeviceError {
  return new DeviceError("DD_DEVICE_BAD_ARG", { what, expected, found: typeof found === "string" ? found : safeString(found), fix }, ctx);
}

function safeString(v: unknown): string {
  try {
    const s = typeof v === "number" || typeof v === "bigint" || typeof v === "boolean" || v == null ? String(v) : JSON.stringify(v);
    return s.length > 80 ? s.slice(0, 79) + "…" : s;
  } catch {
    return Object.prototype.toString.call(v);
  }
}

export function checkInt(name: string, value: unknown, min: number, max: number, ctx: DeviceErrorContext = {}, fix?: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw badArg(
      `invalid ${name}`,
      `an integer from ${min} to ${max} (${hex(min)}..${hex(max)})`,
      value,
      fix ?? `pass a ${name} in range`,
      ctx,
    );
  }
  return value;
}
