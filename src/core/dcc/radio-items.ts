/**
 * @module dcc/radio-items
 * `dcc.RadioItems`: a group of radio buttons; `value` is the chosen option's value (its own type:
 * numbers stay numbers), or null when none is chosen.
 */

import type { ComponentSpec, Props } from "../component.ts";
import { badProp } from "./checked.ts";
import { CHOICE_PROPS, renderChoices } from "./choices.ts";
import { checkOptions, optionList, readChoice } from "./options.ts";
import { badValue, many } from "./values.ts";

const TYPE = "dcc.RadioItems";

export const radioItemsSpec: ComponentSpec = {
  type: TYPE,
  props: CHOICE_PROPS,
  defaults: { options: [] },
  render: (p, r) => renderChoices(p, r, "radio", "dd-radio-items"),
  input: {
    prop: "value",
    read(values, p) {
      const raw = many(values, p.id as string);
      if (raw.length > 1) throw badValue(TYPE, p.id, "one option value", raw);
      return { value: raw.length ? readChoice(TYPE, p, optionList(p.options), raw[0]) : null };
    },
  },
};

export function checkRadioItems(p: Props): void {
  checkOptions(TYPE, p);
  if (Array.isArray(p.value) || (p.value !== null && typeof p.value === "object")) {
    throw badProp(TYPE, p, "value", "one option value (or null)", "use dcc.Checklist to choose several");
  }
}
