/**
 * @module dcc/values
 * Coercion of browser-sent form values (always strings, or arrays of strings) into typed prop
 * values, with DD_BAD_VALUE errors that say which control, what was expected and what came.
 */

import { DashDevicesError, describe } from "../errors.ts";
import type { Props } from "../component.ts";

export function badValue(type: string, id: unknown, expected: string, found: unknown, fix = "send a value the control can hold"): DashDevicesError {
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

/** A number within [min, max] (inclusive) or throws DD_BAD_VALUE. */
export function toNumber(type: string, p: Props, raw: unknown, opts: { min?: unknown; max?: unknown; allowEmpty?: boolean } = {}): number | null {
  if ((raw === "" || raw === undefined || raw === null) && opts.allowEmpty) return null;
  const n = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : NaN;
  const min = typeof opts.min === "number" ? opts.min : -Infinity;
  const max = typeof opts.max === "number" ? opts.max : Infinity;
  if (!Number.isFinite(n) || n < min || n > max) {
    const range = Number.isFinite(min) || Number.isFinite(max) ? ` between ${min} and ${max}` : "";
    throw badValue(type, p.id, `a number${range}`, raw);
  }
  return n;
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
