/**
 * @module dcc/dropdown
 * `dcc.Dropdown` as a native `<select>`, which works on every phone without script. Single: the
 * `""` placeholder option stands for "nothing chosen" and reads as null (offered only when
 * `clearable`, Dash's default). `multi: true`: a multiple select whose value is a list.
 */

import { attrs, commonAttrs, type ComponentSpec, type Props } from "../component.ts";
import { escapeHtml } from "../escape.ts";
import { sendAttrs } from "../html.ts";
import { badProp } from "./checked.ts";
import { checkOptions, optionList, readChoice, readChoices, sameValue, valueList, type Option } from "./options.ts";
import { badValue, many } from "./values.ts";

const TYPE = "dcc.Dropdown";

/** `<option>` can hold only text: a component label falls back to the option's value. */
function labelText(o: Option): string {
  const l = o.label;
  return typeof l === "string" || typeof l === "number" ? String(l) : String(o.value);
}

export const dropdownSpec: ComponentSpec = {
  type: TYPE,
  props: ["options", "value", "multi", "placeholder", "clearable", "searchable"],
  defaults: { options: [], clearable: true },
  render(p, r) {
    const id = p.id as string | undefined;
    const multi = Boolean(p.multi);
    const a = commonAttrs(p, multi ? "dd-dropdown dd-multi" : "dd-dropdown");
    Object.assign(a, { name: id, multiple: multi, disabled: p.disabled ? true : undefined });
    if (id !== undefined) Object.assign(a, sendAttrs("change", r));
    const options = optionList(p.options);
    const selected = valueList(p.value);
    const isSelected = (o: Option) => selected.some((v) => sameValue(v, o.value));
    let body = "";
    if (!multi) {
      const chosen = options.some(isSelected);
      // Without a chosen value the browser would show (and later send) the first option as if
      // chosen; the placeholder keeps "nothing chosen" visible. Not clearable: it cannot be picked.
      if (p.clearable || !chosen) {
        const ph = { value: "", selected: !chosen, disabled: !p.clearable };
        body += `<option${attrs(ph)}>${escapeHtml(p.placeholder ?? "Select…")}</option>`;
      }
    }
    for (const o of options) {
      const oa = { value: String(o.value), selected: isSelected(o), disabled: o.disabled, title: o.title };
      body += `<option${attrs(oa)}>${escapeHtml(labelText(o))}</option>`;
    }
    return `<select${attrs(a)}>${body}</select>`;
  },
  input: {
    prop: "value",
    read(values, p) {
      const raw = many(values, p.id as string);
      const options = optionList(p.options);
      if (p.multi) return { value: readChoices(TYPE, p, options, raw, p.value) };
      if (raw.length !== 1) throw badValue(TYPE, p.id, "one option value", values[p.id as string]);
      // An option whose value really is "" wins over the placeholder.
      if (raw[0] === "" && !options.some((o) => o.value === "")) {
        if (!p.clearable)
          throw badValue(TYPE, p.id, "an option value (this dropdown is not clearable)", "", "choose one of the listed options");
        return { value: null };
      }
      return { value: readChoice(TYPE, p, options, raw[0]) };
    },
  },
};

export function checkDropdown(p: Props): void {
  checkOptions(TYPE, p);
  const v = p.value;
  if (p.multi && v !== undefined && v !== null && !Array.isArray(v))
    throw badProp(TYPE, p, "value", "a list of option values (multi is on)", "wrap the value in a list: [value]");
  if (!p.multi && (Array.isArray(v) || (v !== null && typeof v === "object")))
    throw badProp(TYPE, p, "value", "one option value or null (multi is off)", "set multi: true to choose several");
}
