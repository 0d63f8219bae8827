/**
 * @module dcc/range-slider
 * `dcc.RangeSlider`: two native range inputs laid over one track, both named after the id, so
 * htmx sends `[a, b]` for the wrapper. The knobs may cross while dragging: reading sorts the pair,
 * so `value` is always `[low, high]`. Marks, `updatemode` and the step snapping work as for
 * `dcc.Slider`.
 */

import { attrs, commonAttrs, type ComponentSpec, type Props } from "../component.ts";
import { sendAttrs } from "../html.ts";
import { checkNumber, checkOneOf, badProp } from "./checked.ts";
import { renderMarks } from "./slider.ts";
import { badValue, many, toNumber } from "./values.ts";

const TYPE = "dcc.RangeSlider";

/** `value` as a sorted pair of numbers, or [min, max] if it is not one. */
function pair(p: Props): [unknown, unknown] {
  const v = p.value;
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "number" && Number.isFinite(x))) {
    const [a, b] = v as [number, number];
    return a <= b ? [a, b] : [b, a];
  }
  return [p.min, p.max];
}

export const rangeSliderSpec: ComponentSpec = {
  type: TYPE,
  props: ["min", "max", "step", "value", "marks", "updatemode", "vertical", "tooltip"],
  defaults: { min: 0, max: 10, step: 1, updatemode: "mouseup" },
  render(p, r) {
    const id = p.id as string | undefined;
    const wrap = commonAttrs(p, "dd-range-slider");
    if (id !== undefined) Object.assign(wrap, sendAttrs(p.updatemode === "drag" ? "input" : "change", r));
    const label = (p["aria-label"] as string | undefined) ?? id;
    const base = {
      type: "range",
      name: id,
      min: p.min,
      max: p.max,
      step: p.step === null ? "any" : p.step,
      disabled: p.disabled ? true : undefined,
    };
    const [lo, hi] = pair(p);
    const low = { ...base, value: lo, class: "dd-range-low", "aria-label": label === undefined ? "from" : `${label} from` };
    const high = { ...base, value: hi, class: "dd-range-high", "aria-label": label === undefined ? "to" : `${label} to` };
    return `<div${attrs(wrap)}><div class="dd-range-track"><input${attrs(low)}><input${attrs(high)}></div>${renderMarks(p)}</div>`;
  },
  input: {
    prop: "value",
    read(values, p) {
      const raw = many(values, p.id as string);
      if (raw.length !== 2) throw badValue(TYPE, p.id, "two numbers (the low and the high end)", values[p.id as string]);
      const [a, b] = raw.map((r) => toNumber(TYPE, p, r, { min: p.min, max: p.max, step: p.step }) as number) as [number, number];
      return { value: a <= b ? [a, b] : [b, a] };
    },
  },
};

/** Checks made when a RangeSlider is created. */
export function checkRangeSlider(p: Props): void {
  checkNumber(TYPE, p, "min");
  checkNumber(TYPE, p, "max", { min: typeof p.min === "number" ? p.min : -Infinity });
  if (p.step !== null) checkNumber(TYPE, p, "step", { min: Number.MIN_VALUE });
  checkOneOf(TYPE, p, "updatemode", ["mouseup", "drag"]);
  const v = p.value;
  if (v === undefined || v === null) return;
  const ok =
    Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "number" && x >= (p.min as number) && x <= (p.max as number));
  if (!ok)
    throw badProp(
      TYPE,
      p,
      "value",
      `[low, high]: two numbers between ${String(p.min)} and ${String(p.max)}`,
      "give value as a pair, e.g. [2, 8]",
    );
}
