/**
 * @module errors
 * One error type for everything the framework reports: a stable code, what was expected, what was
 * found, and how to fix it. Codes are listed in `ErrorCode` so tests and users can match on them.
 */

export type ErrorCode =
  | "DD_ARG_ORDER"
  | "DD_BAD_DEPENDENCY"
  | "DD_ARITY"
  | "DD_DUPLICATE_OUTPUT"
  | "DD_UNKNOWN_ID"
  | "DD_UNKNOWN_PROP"
  | "DD_CYCLE"
  | "DD_BAD_OPTION"
  | "DD_OUTPUT_COUNT"
  | "DD_CALLBACK_ERROR"
  | "DD_BAD_MESSAGE"
  | "DD_TOO_LARGE"
  | "DD_BAD_VALUE"
  | "DD_DISABLED"
  | "DD_FLOOD"
  | "DD_BUDGET"
  | "DD_TOO_MANY_TABS"
  | "DD_ADDRESS_COOLDOWN"
  | "DD_NOT_AUTHORIZED"
  | "DD_BAD_COMPONENT"
  | "DD_NO_LAYOUT"
  | "DD_BAD_RETURN"
  // device layer (src/devices): I2C, GPIO, drivers
  | "DD_I2C_NO_ACK"
  | "DD_I2C_TIMEOUT"
  | "DD_I2C_BUS_ERROR"
  | "DD_I2C_UNSUPPORTED"
  | "DD_I2C_ADDRESS_BUSY"
  | "DD_GPIO_LINE_BUSY"
  | "DD_DEVICE_NOT_FOUND"
  | "DD_DEVICE_PERMISSION"
  | "DD_DEVICE_CLOSED"
  | "DD_DEVICE_BAD_ARG"
  | "DD_DEVICE_IO"
  | "DD_DEVICE_UNAVAILABLE"
  | "DD_DRIVER_WRONG_CHIP"
  | "DD_DRIVER_TIMEOUT"
  // persistence and access (src/db, src/auth)
  | "DD_DB_OPEN"
  | "DD_DB_MIGRATION"
  | "DD_BAD_USERNAME"
  | "DD_BAD_PASSWORD"
  | "DD_USER_EXISTS"
  | "DD_UNKNOWN_USER"
  | "DD_LAST_ADMIN"
  | "DD_LOGIN_FAILED"
  | "DD_RATE_LIMITED"
  | "DD_SETUP_TOKEN"
  | "DD_CSRF"
  // backups and restore (src/db/backup.ts)
  | "DD_BACKUP_FAILED"
  | "DD_RESTORE_NOT_SQLITE"
  | "DD_RESTORE_SCHEMA"
  | "DD_DB_IN_USE"
  // the HTTP edge (src/server): a Host this server does not answer to (DNS rebinding)
  | "DD_BAD_HOST"
  // TLS (src/server/tls.ts): a certificate or key that cannot be used
  | "DD_TLS"
  // the user's command line (src/cli): dash-devices init / build
  | "DD_DIR_NOT_EMPTY"
  | "DD_MISSING_IMPORT"
  | "DD_BUILD_FAILED"
  // appliance operations (src/server/update.ts): an uploaded binary that is not this device's
  | "DD_BAD_UPDATE";

export interface ErrorDetail {
  /** One sentence: what went wrong. */
  what: string;
  expected?: string;
  found?: string;
  fix?: string;
}

/** An errno name (`"ENXIO"`): `code` of a device error the kernel reported, as in i2c-bus and Node. */
export type ErrnoCode = `E${string}`;

/**
 * The framework's error: `err.ddCode` is the stable code, `err.message` the whole human text.
 * `err.code` is the same code, except on a device error the kernel reported (an errno): there it is
 * the errno name (`"ENXIO"`), which code written for i2c-bus or Node's system errors checks.
 */
export class DashDevicesError extends Error {
  readonly code: ErrorCode | ErrnoCode;
  readonly ddCode: ErrorCode;
  readonly detail: ErrorDetail;
  constructor(code: ErrorCode, detail: ErrorDetail, errnoCode?: ErrnoCode) {
    super(formatError(code, detail));
    this.name = "DashDevicesError";
    this.code = errnoCode ?? code;
    this.ddCode = code;
    this.detail = detail;
  }
}

export function formatError(code: string, d: ErrorDetail): string {
  let s = `[${code}] ${d.what}`;
  if (d.expected) s += `\n  expected: ${d.expected}`;
  if (d.found) s += `\n  found:    ${d.found}`;
  if (d.fix) s += `\n  fix:      ${d.fix}`;
  return s;
}

/** Short, safe description of any value for error messages (never huge, never throws). */
export function describe(value: unknown, max = 80): string {
  let s: string;
  try {
    if (typeof value === "string") s = JSON.stringify(value);
    else if (typeof value === "function") s = `function ${value.name || "(anonymous)"}`;
    else if (
      value &&
      typeof value === "object" &&
      "toString" in value &&
      (value as object).toString !== Object.prototype.toString &&
      !Array.isArray(value)
    )
      s = String(value);
    else s = JSON.stringify(value) ?? String(value);
  } catch {
    s = Object.prototype.toString.call(value);
  }
  return s.length > max ? s.slice(0, max - 1) + "…" : s;
}
