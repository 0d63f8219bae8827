/**
 * @module dcc/markdown
 * `dcc.Markdown`: Markdown text rendered on the server by the safe renderer in ../markdown.ts
 * (raw HTML shows as text). `dcc.Markdown("# Hello")` works; `children` may also be a list of
 * strings, joined with newlines. Indented template literals are dedented, as Dash does.
 */

import { attrs, commonAttrs, type ComponentSpec, type Props } from "../component.ts";
import { dedent, renderMarkdown } from "../markdown.ts";
import { badProp } from "./checked.ts";

const TYPE = "dcc.Markdown";

/** The source text: a string, a list of strings (joined by newlines), numbers as text. */
function source(children: unknown): string {
  if (typeof children === "string") return children;
  if (typeof children === "number") return String(children);
  if (Array.isArray(children)) return children.filter((c) => typeof c === "string" || typeof c === "number").join("\n");
  return "";
}

export const markdownSpec: ComponentSpec = {
  type: TYPE,
  props: ["link_target", "dedent"],
  defaults: { dedent: true },
  render(p) {
    const text = source(p.children);
    const linkTarget = typeof p.link_target === "string" && p.link_target ? p.link_target : undefined;
    const body = renderMarkdown(p.dedent === false ? text : dedent(text), { linkTarget });
    return `<div${attrs(commonAttrs(p, "dd-markdown"))}>${body}</div>`;
  },
};

export function checkMarkdown(p: Props): void {
  const c = p.children;
  const ok =
    c === undefined ||
    c === null ||
    typeof c === "string" ||
    typeof c === "number" ||
    (Array.isArray(c) && c.every((x) => typeof x === "string"));
  if (!ok)
    throw badProp(
      TYPE,
      p,
      "children",
      "Markdown text: a string or a list of strings",
      "put components next to the Markdown, not inside it",
    );
}
