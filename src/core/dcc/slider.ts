/**
 * @module dcc/slider
 * `dcc.Slider`: a native range input in a wrapper that carries the id. `updatemode: "drag"`
 * sends every movement, the default `"mouseup"` only the value where the knob is released (Dash's
 * own default). Marks render under the track. A value sent must be a decimal number within
 * [min, max]; it is snapped to the step grid (min + k * step) unless `step` is null ("any").
 */

import { attrs, commonAttrs, type ComponentSpec, type Props } from "../component.ts";
import { escapeHtml } from "../escape.ts";
import { sendAttrs } from "../html.ts";
import { one, toNumber } from "./values.ts";

/** A number from a prop, never throwing (props may come from JSON). */
export function num(v: unknown): number {
  return typeof v === "number" ? v : typeof v === "string" ? Number(v) : NaN;
}

/** `{5: "5 °F"}` or `{5: {label: "5"}}` -> sorted [value, label] pairs. */
export function markList(marks: unknown): [number, string][] {
  if (!marks || typeof marks !== "object") return [];
  const out: [number, string][] = [];
  for (const [k, v] of Object.entries(marks as Record<string, unknown>)) {
    const n = Number(k);
    if (!Number.isFinite(n)) continue;
    const label = v && typeof v === "object" ? (v as { label?: unknown }).label : v;
    out.push([n, String(label ?? k)]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

export function renderMarks(p: Props): string {
  const marks = markList(p.marks);
  if (!marks.length) return "";
  const min = num(p.min),
    max = num(p.max);
  const span = max - min || 1;
  let s = `<div class="dd-marks" aria-hidden="true">`;
  for (const [v, label] of marks) {
    const pct = Math.max(0, Math.min(100, ((v - min) / span) * 100));
    s += `<span class="dd-mark" style="left:${pct.toFixed(3)}%">${escapeHtml(label)}</span>`;
  }
  return s + "</div>";
}

export const sliderSpec: ComponentSpec = {
  type: "dcc.Slider",
  props: ["min", "max", "step", "value", "marks", "updatemode", "included", "vertical", "tooltip", "name"],
  defaults: { min: 0, max: 10, step: 1, updatemode: "mouseup" },
  render(p, r) {
    const id = p.id as string | undefined;
    const wrap = commonAttrs(p, "dd-slider");
    if (id !== undefined) Object.assign(wrap, sendAttrs(p.updatemode === "drag" ? "input" : "change", r));
    const input = {
      type: "range",
      name: id,
      min: p.min,
      max: p.max,
      step: p.step === null ? "any" : p.step,
      value: p.value ?? p.min,
      disabled: p.disabled ? true : undefined,
      "aria-label": p["aria-label"] ?? id,
    };
    return `<div${attrs(wrap)}><input${attrs(input)}>${renderMarks(p)}</div>`;
  },
  input: {
    prop: "value",
    read(values, p) {
      // Off-grid values are snapped to the step (as the browser's own range input does) rather than
      // refused: float drift (0.30000000000000004) and other clients' rounding then just work.
      return { value: toNumber("dcc.Slider", p, one(values, p.id as string), { min: p.min, max: p.max, step: p.step }) };
    },
  },
};
