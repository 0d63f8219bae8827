/**
 * @module markdown
 * Markdown for `dcc.Markdown`, rendered by markdown-it (CommonMark, plus GFM tables and
 * strikethrough) configured to be safe for any input:
 * - raw HTML is off (`html: false`): tags in the source are shown as text, never rendered;
 * - every link, image and autolink URL must pass markdown-it's own check (no javascript:,
 *   vbscript:, file:, data: except images) and our `safeUrl` (the same rule as every other
 *   href/src we render); a refused link stays as its source text;
 * - a fenced block's language reaches `class="language-…"` only as [A-Za-z0-9_+#.-];
 * - `'` is escaped like every other HTML we write (markdown-it escapes only `& < > "`).
 * Nesting deeper than markdown-it's `maxNesting` (100) stops the block there; every rule is
 * linear in its input (test/core/markdown.test.ts feeds it pathological input).
 * Why a library and not our own parser: scripts/bench/markdown.ts and the README's dependency table.
 */

import type MarkdownIt from "markdown-it";
import { safeUrl } from "./component.ts";
import { escapeHtml } from "./escape.ts";

export interface MarkdownOptions {
  /** `target` for every link, e.g. "_blank" (Dash's `link_target`); adds rel="noopener noreferrer". */
  linkTarget?: string;
}

type Parser = InstanceType<typeof MarkdownIt>;
let md: Parser | undefined;

/** markdown-it, loaded and configured on first use (~0.75 MB of heap an app without Markdown does not carry). */
function parser(): Parser {
  if (md) return md;
  // A synchronous require: the package's CommonJS build is the class itself, its ESM build a default export.
  const mod = require("markdown-it") as typeof MarkdownIt | { default: typeof MarkdownIt };
  const MarkdownItClass = "default" in mod ? mod.default : mod;
  const m = new MarkdownItClass("default", { html: false, linkify: false, typographer: false, xhtmlOut: false, breaks: false });
  // markdown-it hands the URL as it will be written (entities decoded, percent-encoded).
  const builtinValidate = m.validateLink.bind(m);
  m.validateLink = (url: string) => builtinValidate(url) && safeUrl(url) !== undefined;

  m.renderer.rules.fence = (tokens, i) => {
    const t = tokens[i]!;
    const lang = /^[A-Za-z0-9_+#.-]+/.exec(t.info.trim())?.[0];
    return `<pre><code${lang ? ` class="language-${escapeHtml(lang)}"` : ""}>${escapeHtml(t.content)}</code></pre>\n`;
  };
  // GFM writes strikethrough as <del> (markdown-it: <s>); our stylesheet and earlier output use <del>.
  m.renderer.rules.s_open = () => "<del>";
  m.renderer.rules.s_close = () => "</del>";
  m.renderer.rules.link_open = (tokens, i, options, env, self) => {
    const target = env?.linkTarget;
    if (typeof target === "string" && target) {
      tokens[i]!.attrSet("target", target);
      tokens[i]!.attrSet("rel", "noopener noreferrer");
    }
    return self.renderToken(tokens, i, options);
  };
  md = m;
  return m;
}

/** Renders Markdown source to HTML: blocks separated by newlines, no trailing newline. */
export function renderMarkdown(source: string, options: MarkdownOptions = {}): string {
  const out = parser().render(String(source), { linkTarget: options.linkTarget }).replaceAll("'", "&#39;");
  return out.endsWith("\n") ? out.slice(0, -1) : out;
}

/** Removes the indentation common to all non-blank lines (Dash's `dedent`, for indented literals). */
export function dedent(source: string): string {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  let min = Infinity;
  for (const l of lines) if (l.trim()) min = Math.min(min, /^[ \t]*/.exec(l)![0].length);
  return Number.isFinite(min) && min > 0 ? lines.map((l) => l.slice(min)).join("\n") : lines.join("\n");
}
