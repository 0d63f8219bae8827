/**
 * @module dcc/checked
 * Factories that check a control's props when it is made, so that `storage_type: "local"` or a
 * malformed options list fails on the line that wrote it, not at the first render or click.
 * Rendering stays lenient: props that callbacks change later are never checked here.
 */

import type { Component, ComponentSpec, Props } from "../component.ts";
import { DashDevicesError, describe } from "../errors.ts";
import { factory, type ElementFactory } from "../html.ts";

/** `factory(spec)` that also runs `check` on the props (defaults applied) of every new component. */
export function checkedFactory(spec: ComponentSpec, check: (p: Props) => void): ElementFactory {
  const make = factory(spec) as (a?: unknown, b?: Props) => Component;
  return ((a?: unknown, b?: Props) => {
    const c = make(a, b);
    check(c.props);
    return c;
  }) as ElementFactory;
}

/** DD_BAD_COMPONENT for one prop of one component. */
export function badProp(type: string, p: Props, prop: string, expected: string, fix: string): DashDevicesError {
  return new DashDevicesError("DD_BAD_COMPONENT", {
    what: `${type}${p.id ? ` "${String(p.id)}"` : ""} has a bad \`${prop}\`.`,
    expected,
    found: describe(p[prop]),
    fix,
  });
}

/** Throws unless `p[prop]` is undefined or one of `allowed`. */
export function checkOneOf(type: string, p: Props, prop: string, allowed: readonly unknown[], fix?: string): void {
  const v = p[prop];
  if (v === undefined || allowed.includes(v)) return;
  throw badProp(type, p, prop, `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`, fix ?? `use one of the listed values`);
}

/** Throws unless `p[prop]` is undefined or a finite number within [min, max] (and an integer if asked). */
export function checkNumber(type: string, p: Props, prop: string, o: { min?: number; max?: number; integer?: boolean } = {}): void {
  const v = p[prop];
  if (v === undefined) return;
  const min = o.min ?? -Infinity,
    max = o.max ?? Infinity;
  if (typeof v === "number" && Number.isFinite(v) && v >= min && v <= max && (!o.integer || Number.isInteger(v))) return;
  const range = Number.isFinite(min) || Number.isFinite(max) ? ` between ${min} and ${max}` : "";
  throw badProp(type, p, prop, `${o.integer ? "an integer" : "a number"}${range}`, `give \`${prop}\` a number`);
}
