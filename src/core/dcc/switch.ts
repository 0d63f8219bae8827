/**
 * @module dcc/switch
 * `dcc.Switch`: an on/off toggle, a checkbox with `role="switch"` that CSS draws as a switch.
 * The label element carries the id and sends on `change`; an unchecked box is not sent at all,
 * so `value` is simply whether the id came with the message.
 */

import { attrs, commonAttrs, renderChild, type ComponentSpec, type Props } from "../component.ts";
import { sendAttrs } from "../html.ts";
import { checkOneOf } from "./checked.ts";
import { badValue } from "./values.ts";

const TYPE = "dcc.Switch";

export const switchSpec: ComponentSpec = {
  type: TYPE,
  props: ["value", "label", "labelPosition"],
  defaults: { value: false },
  render(p, r) {
    const id = p.id as string | undefined;
    const wrap = commonAttrs(p, p.labelPosition === "left" ? "dd-switch dd-label-left" : "dd-switch");
    if (id !== undefined) Object.assign(wrap, sendAttrs("change", r));
    const box = {
      type: "checkbox",
      role: "switch",
      name: id,
      value: "on",
      checked: p.value === true,
      disabled: p.disabled ? true : undefined,
    };
    const label = p.label === undefined || p.label === null ? "" : `<span class="dd-switch-label">${renderChild(p.label, r)}</span>`;
    return `<label${attrs(wrap)}><input${attrs(box)}><span class="dd-switch-track" aria-hidden="true"></span>${label}</label>`;
  },
  input: {
    prop: "value",
    read(values, p) {
      const raw = values[p.id as string];
      if (raw === undefined) return { value: false };
      if (raw !== "on") throw badValue(TYPE, p.id, 'the checkbox value "on", or no value', raw);
      return { value: true };
    },
  },
};

export function checkSwitch(p: Props): void {
  checkOneOf(TYPE, p, "value", [true, false], "value is a boolean: true (on) or false (off)");
  checkOneOf(TYPE, p, "labelPosition", ["left", "right"]);
}
