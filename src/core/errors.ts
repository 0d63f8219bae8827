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
  | "DD_NOT_AUTHORIZED"
  | "DD_BAD_COMPONENT"
  | "DD_NO_LAYOUT"
  | "DD_BAD_RETURN";

export interface ErrorDetail {
  /** One sentence: what went wrong. */
  what: string;
  expected?: string;
  found?: string;
  fix?: string;
}

/** The framework's error: `err.code` is stable, `err.message` is the whole human text. */
export class DashDevicesError extends Error {
  readonly code: ErrorCode;
  readonly detail: ErrorDetail;
  constructor(code: ErrorCode, detail: ErrorDetail) {
    super(formatError(code, detail));
    this.name = "DashDevicesError";
    this.code = code;
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
    else if (value && typeof value === "object" && "toString" in value && (value as object).toString !== Object.prototype.toString && !Array.isArray(value)) s = String(value);
    else s = JSON.stringify(value) ?? String(value);
  } catch {
    s = Object.prototype.toString.call(value);
  }
  return s.length > max ? s.slice(0, max - 1) + "…" : s;
}
