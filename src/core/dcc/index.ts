/**
 * @module dcc
 * `dcc.*`: the interactive controls Dash users know. Each is a spec in its own file; this file
 * only turns the specs into factories: `dcc.Slider({ id, min, max, value })`. Controls with a
 * check function verify their props when made, so a mistake fails where it is written.
 */

import { factory } from "../html.ts";
import { checkedFactory } from "./checked.ts";
import { checklistSpec, checkChecklist } from "./checklist.ts";
import { dropdownSpec, checkDropdown } from "./dropdown.ts";
import { graphSpec } from "./graph.ts";
import { inputSpec, textareaSpec } from "./input.ts";
import { intervalSpec, checkInterval } from "./interval.ts";
import { loadingSpec, checkLoading } from "./loading.ts";
import { markdownSpec, checkMarkdown } from "./markdown.ts";
import { radioItemsSpec, checkRadioItems } from "./radio-items.ts";
import { rangeSliderSpec, checkRangeSlider } from "./range-slider.ts";
import { sliderSpec } from "./slider.ts";
import { storeSpec, checkStore } from "./store.ts";
import { switchSpec, checkSwitch } from "./switch.ts";

export const dcc = {
  Slider: factory(sliderSpec),
  RangeSlider: checkedFactory(rangeSliderSpec, checkRangeSlider),
  Input: factory(inputSpec),
  Textarea: factory(textareaSpec),
  Checklist: checkedFactory(checklistSpec, checkChecklist),
  RadioItems: checkedFactory(radioItemsSpec, checkRadioItems),
  Dropdown: checkedFactory(dropdownSpec, checkDropdown),
  Switch: checkedFactory(switchSpec, checkSwitch),
  Interval: checkedFactory(intervalSpec, checkInterval),
  Store: checkedFactory(storeSpec, checkStore),
  Markdown: checkedFactory(markdownSpec, checkMarkdown),
  Loading: checkedFactory(loadingSpec, checkLoading),
  Graph: factory(graphSpec),
};
