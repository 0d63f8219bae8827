/**
 * @module dcc/interval
 * `dcc.Interval`: a timer the server drives, counting `n_intervals` every `interval` ms until
 * `max_intervals` (-1: forever) or while not `disabled`. The browser only gets a hidden marker
 * with the settings as they were when the page was made (`serverOnly`: ticks are never sent to
 * tabs, so a 100 ms timer costs no traffic); it sends nothing, so a tab cannot tick the timer.
 */

import { attrs, commonAttrs, type ComponentSpec, type Props } from "../component.ts";
import { checkNumber } from "./checked.ts";

const TYPE = "dcc.Interval";

/** A number for a data attribute, or the default when the prop holds anything else. */
function num(v: unknown, fallback: number): number {
  return typeof v === "number" && Number.isFinite(v) ? v : fallback;
}

export const intervalSpec: ComponentSpec = {
  type: TYPE,
  props: ["interval", "n_intervals", "max_intervals"],
  defaults: { interval: 1000, n_intervals: 0, max_intervals: -1, disabled: false },
  serverOnly: true,
  render(p) {
    const a = commonAttrs(p, "dd-interval");
    Object.assign(a, {
      hidden: true,
      "data-interval": num(p.interval, 1000),
      "data-max-intervals": num(p.max_intervals, -1),
      "data-disabled": p.disabled ? true : undefined,
    });
    return `<div${attrs(a)}></div>`;
  },
};

export function checkInterval(p: Props): void {
  checkNumber(TYPE, p, "interval", { min: 1 });
  checkNumber(TYPE, p, "n_intervals", { min: 0, integer: true });
  checkNumber(TYPE, p, "max_intervals", { min: -1, integer: true });
}
