/**
 * @module dcc/options
 * The `options` prop shared by Checklist, RadioItems and Dropdown, in every form Dash accepts:
 * `["a", 1]`, `[{ label, value, disabled?, title? }]` or `{ value: label }`. Reading maps the strings
 * the browser sends back to the options' own values, and refuses anything that is not an enabled
 * option: the browser never sends disabled fields, so disabled options keep their current state.
 */

import { DashDevicesError, describe } from "../errors.ts";
import type { Props } from "../component.ts";
import { badValue, matchOption } from "./values.ts";

export type OptionValue = string | number | boolean;

export interface Option {
  label: unknown;
  value: OptionValue;
  disabled: boolean;
  title?: unknown;
}

function isValue(v: unknown): v is OptionValue {
  return typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));
}

/** One entry, or a sentence saying why it is not an option. */
function toOption(entry: unknown): Option | string {
  if (isValue(entry)) return { label: String(entry), value: entry, disabled: false };
  if (!entry || typeof entry !== "object" || Array.isArray(entry)) return "is neither a value nor a { label, value } object";
  const o = entry as Record<string, unknown>;
  if (!isValue(o.value)) return "has no string, number or boolean `value`";
  return { label: o.label ?? String(o.value), value: o.value, disabled: o.disabled === true, title: o.title };
}

function entries(options: unknown): [string, unknown][] {
  if (Array.isArray(options)) return options.map((o, i) => [String(i), o]);
  if (options && typeof options === "object") {
    // Dash's shorthand `{ value: label }`: the keys are the values (so they are strings).
    return Object.entries(options as Record<string, unknown>).map(([k, v]) => [k, { value: k, label: v }]);
  }
  return [];
}

/**
 * The options as a list, for rendering. Lenient: options may come from a callback at any time,
 * so entries that are not options are skipped rather than breaking the page.
 */
export function optionList(options: unknown): Option[] {
  const out: Option[] = [];
  for (const [, e] of entries(options)) {
    const o = toOption(e);
    if (typeof o !== "string") out.push(o);
  }
  return out;
}

/** Strict check when the component is made, so a bad options list fails where it is written. */
export function checkOptions(type: string, p: Props): void {
  const options = p.options;
  if (options === undefined || options === null) return;
  if (typeof options !== "object") {
    throw new DashDevicesError("DD_BAD_COMPONENT", {
      what: `${type}${p.id ? ` "${String(p.id)}"` : ""} has options that are not a list.`,
      expected: 'a list such as ["a", "b"] or [{ label: "A", value: "a" }]',
      found: describe(options),
      fix: "pass a list of options",
    });
  }
  for (const [k, e] of entries(options)) {
    const o = toOption(e);
    if (typeof o === "string") {
      throw new DashDevicesError("DD_BAD_COMPONENT", {
        what: `${type}${p.id ? ` "${String(p.id)}"` : ""}: option ${k} ${o}.`,
        expected: '"a", 1, or { label: "A", value: "a", disabled?: boolean }',
        found: describe(e),
        fix: "give every option a string, number or boolean value",
      });
    }
  }
}

/** Whether an option value equals a prop value (compared as sent: by string form). */
export function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (isValue(a) && isValue(b) && String(a) === String(b));
}

/** `value` as a list (a single value becomes a one-item list, null an empty one). */
export function valueList(value: unknown): unknown[] {
  return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
}

/** One sent string -> the value of an enabled option, or DD_BAD_VALUE. */
export function readChoice(type: string, p: Props, options: Option[], raw: unknown): OptionValue {
  if (typeof raw !== "string") throw badValue(type, p.id, "an option value sent as a string", raw);
  return matchOption(
    type,
    p,
    options.filter((o) => !o.disabled),
    raw,
  ) as OptionValue;
}

/**
 * Sent strings -> the selected option values in the options' order. Disabled options keep the
 * state they have in `current` (the browser leaves disabled fields out of what it sends).
 */
export function readChoices(type: string, p: Props, options: Option[], raws: unknown[], current: unknown): OptionValue[] {
  if (raws.length > options.length) throw badValue(type, p.id, `at most ${options.length} values`, `${raws.length} values`);
  const chosen = new Set<OptionValue>();
  for (const raw of raws) chosen.add(readChoice(type, p, options, raw));
  const kept = valueList(current);
  const out: OptionValue[] = [];
  for (const o of options) {
    const on = o.disabled ? kept.some((v) => sameValue(v, o.value)) : chosen.has(o.value);
    if (on && !out.includes(o.value)) out.push(o.value);
  }
  return out;
}
