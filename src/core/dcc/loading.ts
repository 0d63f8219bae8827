/**
 * @module dcc/loading
 * `dcc.Loading`: a wrapper that shows a spinner while any control inside it has a change the
 * server has not confirmed yet (the glue marks such controls with `data-dd-pending`). Pure CSS
 * (`.dd-loading:has([data-dd-pending])`), so it needs no script and cannot get stuck.
 */

import { attrs, commonAttrs, renderChild, styleToCss, type ComponentSpec, type Props } from "../component.ts";
import { checkOneOf } from "./checked.ts";

const TYPE = "dcc.Loading";

export const LOADING_TYPES = ["default", "circle", "dot"] as const;

export const loadingSpec: ComponentSpec = {
  type: TYPE,
  props: ["type", "color"],
  defaults: { type: "default" },
  render(p, r) {
    const a = commonAttrs(p, "dd-loading");
    a["data-type"] = (LOADING_TYPES as readonly unknown[]).includes(p.type) ? p.type : "default";
    // The color goes through styleToCss like any style value, as a custom property the CSS uses.
    const color = typeof p.color === "string" ? styleToCss({ "--dd-loading-color": p.color }) : "";
    if (color) a.style = (typeof a.style === "string" ? a.style : "") + color;
    return `<div${attrs(a)}>${renderChild(p.children, r)}<span class="dd-loading-spinner" aria-hidden="true"></span></div>`;
  },
};

export function checkLoading(p: Props): void {
  checkOneOf(TYPE, p, "type", LOADING_TYPES, 'Dash\'s "graph" and "cube" are not drawn here: use "default", "circle" or "dot"');
}
