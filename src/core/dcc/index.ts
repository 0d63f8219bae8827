/**
 * @module dcc
 * `dcc.*`: the interactive controls Dash users know. Each is a spec in its own file; this file
 * only turns the specs into factories: `dcc.Slider({ id, min, max, value })`.
 */

import { factory } from "../html.ts";
import { sliderSpec } from "./slider.ts";
import { inputSpec, textareaSpec } from "./input.ts";

export const dcc = {
  Slider: factory(sliderSpec),
  Input: factory(inputSpec),
  Textarea: factory(textareaSpec),
};
