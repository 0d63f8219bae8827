/**
 * @module dcc/choices
 * Markup shared by Checklist and RadioItems: a group element that carries the id and sends on
 * `change`, holding one `<label>` per option around an `<input>` named after the id. htmx sends the
 * checked inputs of the group, so the group is the element that sends.
 */

import { attrs, commonAttrs, renderChild, styleToCss, type Props, type RenderContext } from "../component.ts";
import { sendAttrs } from "../html.ts";
import { optionList, sameValue, valueList } from "./options.ts";

/** Dash's per-option styling props, shared by both controls. */
export const CHOICE_PROPS = ["options", "value", "inline", "labelStyle", "labelClassName", "inputStyle", "inputClassName"] as const;

export function renderChoices(p: Props, r: RenderContext, kind: "checkbox" | "radio", cls: string): string {
  const id = p.id as string | undefined;
  const group = commonAttrs(p, p.inline ? `${cls} dd-inline` : cls);
  group.role = kind === "radio" ? "radiogroup" : "group";
  if (id !== undefined) Object.assign(group, sendAttrs("change", r));
  const selected = valueList(p.value);
  const labelClass = ["dd-option", p.labelClassName].filter((x) => typeof x === "string" && x).join(" ");
  let s = `<div${attrs(group)}>`;
  for (const o of optionList(p.options)) {
    const label = { class: labelClass, style: styleToCss(p.labelStyle) || undefined, title: o.title };
    const input = {
      type: kind,
      name: id,
      value: String(o.value),
      class: typeof p.inputClassName === "string" && p.inputClassName ? p.inputClassName : undefined,
      style: styleToCss(p.inputStyle) || undefined,
      checked: selected.some((v) => sameValue(v, o.value)),
      disabled: p.disabled || o.disabled ? true : undefined,
    };
    s += `<label${attrs(label)}><input${attrs(input)}><span>${renderChild(o.label, r)}</span></label>`;
  }
  return s + "</div>";
}
