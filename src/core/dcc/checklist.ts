/**
 * @module dcc/checklist
 * `dcc.Checklist`: a group of checkboxes; `value` is the list of checked option values, in the
 * options' order. Nothing checked means htmx sends no key at all, which reads as `[]`.
 */

import type { ComponentSpec, Props } from "../component.ts";
import { badProp } from "./checked.ts";
import { CHOICE_PROPS, renderChoices } from "./choices.ts";
import { checkOptions, optionList, readChoices } from "./options.ts";
import { many } from "./values.ts";

const TYPE = "dcc.Checklist";

export const checklistSpec: ComponentSpec = {
  type: TYPE,
  props: CHOICE_PROPS,
  defaults: { options: [], value: [] },
  render: (p, r) => renderChoices(p, r, "checkbox", "dd-checklist"),
  input: {
    prop: "value",
    read(values, p) {
      return { value: readChoices(TYPE, p, optionList(p.options), many(values, p.id as string), p.value) };
    },
  },
};

export function checkChecklist(p: Props): void {
  checkOptions(TYPE, p);
  if (p.value !== null && !Array.isArray(p.value))
    throw badProp(TYPE, p, "value", "a list of option values", "wrap a single value in a list: [value]");
}
