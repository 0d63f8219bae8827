/**
 * @module dcc/input
 * `dcc.Input` (text, number, password, email, search, tel, url) and `dcc.Textarea`. By default
 * every keystroke is sent (Dash's `debounce=False`); `debounce: true` sends on blur/Enter, a number
 * sends after that many milliseconds without typing.
 */

import { attrs, commonAttrs, type ComponentSpec, type Props } from "../component.ts";
import { escapeHtml } from "../escape.ts";
import { sendAttrs } from "../html.ts";
import { badValue, one, toNumber, toText } from "./values.ts";

const TYPES = ["text", "number", "password", "email", "search", "tel", "url", "hidden"];

export function trigger(debounce: unknown): string {
  if (debounce === true) return "change";
  if (typeof debounce === "number" && debounce > 0) return `input delay:${Math.round(debounce)}ms`;
  return "input";
}

export const inputSpec: ComponentSpec = {
  type: "dcc.Input",
  props: [
    "value",
    "type",
    "placeholder",
    "debounce",
    "min",
    "max",
    "step",
    "maxLength",
    "minLength",
    "readOnly",
    "autoComplete",
    "autoFocus",
    "pattern",
    "required",
    "inputMode",
    "size",
    "name",
  ],
  defaults: { type: "text" },
  render(p, r) {
    const type = TYPES.includes(p.type as string) ? (p.type as string) : "text";
    const a = commonAttrs(p, "dd-input");
    Object.assign(a, {
      type,
      name: p.id,
      value: p.value ?? "",
      placeholder: p.placeholder,
      min: p.min,
      max: p.max,
      step: p.step,
      maxlength: p.maxLength,
      minlength: p.minLength,
      readonly: p.readOnly ? true : undefined,
      autocomplete: p.autoComplete ?? (type === "password" ? "current-password" : undefined),
      autofocus: p.autoFocus ? true : undefined,
      pattern: p.pattern,
      required: p.required ? true : undefined,
      inputmode: p.inputMode,
      size: p.size,
      disabled: p.disabled ? true : undefined,
    });
    if (p.id !== undefined) Object.assign(a, sendAttrs(trigger(p.debounce), r));
    return `<input${attrs(a)}>`;
  },
  input: {
    prop: "value",
    read(values, p) {
      const raw = one(values, p.id as string);
      if (p.type === "number") return { value: toNumber("dcc.Input", p, raw, { min: p.min, max: p.max, step: p.step, allowEmpty: true }) };
      const max = typeof p.maxLength === "number" ? p.maxLength : 100_000;
      const text = toText("dcc.Input", p, raw, max);
      return { value: text };
    },
  },
};

export const textareaSpec: ComponentSpec = {
  type: "dcc.Textarea",
  props: ["value", "placeholder", "rows", "cols", "maxLength", "readOnly", "debounce", "wrap", "name"],
  render(p, r) {
    const a = commonAttrs(p, "dd-textarea");
    Object.assign(a, {
      name: p.id,
      placeholder: p.placeholder,
      rows: p.rows,
      cols: p.cols,
      maxlength: p.maxLength,
      wrap: p.wrap,
      readonly: p.readOnly ? true : undefined,
      disabled: p.disabled ? true : undefined,
    });
    if (p.id !== undefined) Object.assign(a, sendAttrs(trigger(p.debounce), r));
    return `<textarea${attrs(a)}>${escapeHtml(p.value ?? "")}</textarea>`;
  },
  input: {
    prop: "value",
    read(values, p: Props) {
      const raw = one(values, p.id as string);
      if (raw !== undefined && typeof raw !== "string") throw badValue("dcc.Textarea", p.id, "a string", raw);
      return { value: toText("dcc.Textarea", p, raw, typeof p.maxLength === "number" ? p.maxLength : 1_000_000) };
    },
  },
};
