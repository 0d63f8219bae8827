/**
 * @module dcc/values
 * Coercion of browser-sent form values (always strings, or arrays of strings) into typed prop
 * values, with DD_BAD_VALUE errors that say which control, what was expected and what came.
 */

import { DashDevicesError, describe } from "../errors.ts";
import type { Props } from "../component.ts";

export function badValue(
  type: string,
  id: unknown,
  expected: string,
  found: unknown,
  fix = "send a value the control can hold",
): DashDevicesError {
  return new DashDevicesError("DD_BAD_VALUE", {
    what: `${type} "${String(id)}" received a value it cannot accept.`,
    expected,
    found: describe(found),
    fix,
  });
}

/** The single string value sent for this control's name (last one wins if several). */
export function one(values: Record<string, unknown>, id: string): unknown {
  const v = values[id];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** All values sent for this control's name, as an array (empty if none). */
export function many(values: Record<string, unknown>, id: string): unknown[] {
  const v = values[id];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/**
 * What browsers' number and range inputs send: a decimal number, optionally with an exponent.
 * Not what `Number()` also takes: hex ("0x5"), binary, "Infinity", "" or padding.
 */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A decimal number within [min, max] (inclusive) or throws DD_BAD_VALUE. With a `step` (a number
 * > 0), the value is snapped to the nearest point of the grid min + k * step, as a browser's range
 * input does (ties go up; never past max), and rounded to the step's decimals, so float drift
 * such as 0.30000000000000004 lands on 0.3.
 */
export function toNumber(
  type: string,
  p: Props,
  raw: unknown,
  opts: { min?: unknown; max?: unknown; step?: unknown; allowEmpty?: boolean } = {},
): number | null {
  if ((raw === "" || raw === undefined || raw === null) && opts.allowEmpty) return null;
  const n = typeof raw === "number" ? raw : typeof raw === "string" && DECIMAL.test(raw) ? Number(raw) : NaN;
  const min = typeof opts.min === "number" ? opts.min : -Infinity;
  const max = typeof opts.max === "number" ? opts.max : Infinity;
  if (!Number.isFinite(n) || n < min || n > max) {
    const range = Number.isFinite(min) || Number.isFinite(max) ? ` between ${min} and ${max}` : "";
    throw badValue(
      type,
      p.id,
      `a number${range}, written in decimal`,
      raw,
      "send a decimal number such as 7 or 2.5 (no hex, no Infinity, no empty value)",
    );
  }
  const step = opts.step;
  if (typeof step !== "number" || !(step > 0) || !Number.isFinite(step)) return n;
  const base = Number.isFinite(min) ? min : 0;
  let k = Math.round((n - base) / step);
  if (base + k * step > max) k = Math.floor((max - base) / step);
  const digits = Math.min(20, Math.max(decimals(step), decimals(base)));
  return Number((base + k * step).toFixed(digits));
}

/** Digits after the point in a number's shortest form (1e-7 has 7). */
function decimals(x: number): number {
  const s = String(x);
  const e = s.indexOf("e-");
  if (e >= 0) return Number(s.slice(e + 2)) + decimals(Number(s.slice(0, e)));
  const dot = s.indexOf(".");
  return dot < 0 ? 0 : s.length - dot - 1;
}

/** A string of at most `max` characters or throws DD_BAD_VALUE. */
export function toText(type: string, p: Props, raw: unknown, max = 100_000): string {
  if (raw === undefined || raw === null) return "";
  if (typeof raw !== "string") throw badValue(type, p.id, "a string", raw);
  if (raw.length > max) throw badValue(type, p.id, `at most ${max} characters`, `${raw.length} characters`);
  return raw;
}

/** Option values are sent as strings; map them back to the option's own value (number, string...). */
export function matchOption(type: string, p: Props, options: { value: unknown }[], raw: unknown): unknown {
  for (const o of options) if (String(o.value) === raw) return o.value;
  throw badValue(type, p.id, `one of ${describe(options.map((o) => o.value))}`, raw, "choose one of the listed options");
}
