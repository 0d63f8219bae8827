/**
 * @module test/helpers/markup
 * A strict scanner for the HTML our components render, for tests. Our renderers always
 * double-quote attribute values and escape `& < > " '` in text and values, so their output fits a
 * tiny grammar; anything outside it (a stray `<`, an unquoted value, an `on*=` attribute, a
 * `javascript:` URL, an unexpected tag) is reported as a violation. `elements()` lists the tags
 * with their attributes for assertions about markup.
 */

export interface Element {
  tag: string;
  attrs: Record<string, string | true>;
  /** Offset of the `<` in the scanned string. */
  at: number;
}

const VOID = new Set(["input", "img", "br", "hr", "wbr"]);
const OPEN = /<([a-z][a-z0-9]*)((?:\s+[a-zA-Z_:][a-zA-Z0-9_.:-]*(?:="[^"<>]*")?)*)\s*>/y;
const CLOSE = /<\/([a-z][a-z0-9]*)>/y;
const ATTR = /\s+([a-zA-Z_:][a-zA-Z0-9_.:-]*)(?:="([^"]*)")?/g;
const ENTITY = /&(?:amp|lt|gt|quot|#39);/y;

/** Everything the Markdown renderer (markdown-it, src/core/markdown.ts) may write: any other tag or attribute is a violation. */
export const MARKDOWN_TAGS = new Set(
  "p h1 h2 h3 h4 h5 h6 strong em del code pre a img ul ol li blockquote hr br table thead tbody tr th td".split(" "),
);
export const MARKDOWN_ATTRS = new Set(["href", "title", "target", "rel", "src", "alt", "class", "start", "style"]);

/** Every tag our components and the Markdown renderer may produce. */
export const KNOWN_TAGS = new Set([
  "div",
  "span",
  "p",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "ul",
  "ol",
  "li",
  "table",
  "thead",
  "tbody",
  "tfoot",
  "tr",
  "td",
  "th",
  "pre",
  "code",
  "section",
  "article",
  "header",
  "footer",
  "main",
  "nav",
  "aside",
  "strong",
  "em",
  "b",
  "i",
  "u",
  "small",
  "sub",
  "sup",
  "blockquote",
  "figure",
  "figcaption",
  "summary",
  "legend",
  "caption",
  "dl",
  "dt",
  "dd",
  "mark",
  "hr",
  "br",
  "button",
  "label",
  "a",
  "img",
  "progress",
  "details",
  "fieldset",
  "input",
  "textarea",
  "select",
  "option",
  "del",
]);

/** Every attribute name they may produce (besides the data-x / aria-x the test itself passes). */
export const KNOWN_ATTRS = new Set([
  "id",
  "class",
  "style",
  "hidden",
  "title",
  "disabled",
  "type",
  "name",
  "value",
  "min",
  "max",
  "step",
  "checked",
  "selected",
  "multiple",
  "placeholder",
  "maxlength",
  "minlength",
  "readonly",
  "autocomplete",
  "autofocus",
  "pattern",
  "required",
  "inputmode",
  "size",
  "rows",
  "cols",
  "wrap",
  "for",
  "href",
  "target",
  "rel",
  "download",
  "src",
  "alt",
  "width",
  "height",
  "colspan",
  "rowspan",
  "scope",
  "open",
  "role",
  "start",
  "hx-ws:send",
  "hx-trigger",
  "aria-label",
  "aria-hidden",
  "data-interval",
  "data-max-intervals",
  "data-disabled",
  "data-storage",
  "data-type",
  "hx-morph-skip-children",
  "data-figure",
]);

export function decodeEntities(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[e]!);
}

/**
 * The scheme a browser would see in a URL attribute: it drops ASCII tabs and newlines anywhere
 * and C0 controls and spaces at both ends before parsing (WHATWG URL), so we do the same.
 */
export function browserScheme(url: string): string | undefined {
  const u = url.replace(/[\t\n\r]/g, "").replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, "");
  return /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(u)?.[1]?.toLowerCase();
}

function urlProblem(name: string, value: string): string | undefined {
  if (!["href", "src", "action", "formaction", "xlink:href", "poster", "background"].includes(name)) return undefined;
  const url = decodeEntities(value);
  const scheme = browserScheme(url);
  if (scheme === undefined || ["http", "https", "mailto", "tel"].includes(scheme)) return undefined;
  if (scheme === "data" && name === "src" && /^data:image\/(png|jpeg|gif|webp);/i.test(url.trim())) return undefined;
  return `${name} with scheme "${scheme}:"`;
}

export interface ScanOptions {
  /** Allowed tags (default KNOWN_TAGS). */
  tags?: Set<string>;
  /** Allowed attribute names (default KNOWN_ATTRS). */
  attrs?: Set<string>;
  /** More attribute names allowed besides `attrs`. */
  extraAttrs?: Set<string>;
  /** A dangerous URL for which this returns true goes to `ignored` instead of `violations`. */
  ignoreUrl?: (url: string) => boolean;
}

/** Scans `html`; returns the elements and a list of violations (empty = the markup is ours). */
export function scan(html: string, o: ScanOptions = {}): { elements: Element[]; violations: string[]; ignored: string[] } {
  const tags = o.tags ?? KNOWN_TAGS;
  const known = o.attrs ?? KNOWN_ATTRS;
  const elements: Element[] = [];
  const violations: string[] = [];
  const ignored: string[] = [];
  const stack: string[] = [];
  const bad = (at: number, what: string) =>
    violations.push(`${what} at ${at}: ${JSON.stringify(html.slice(Math.max(0, at - 30), at + 50))}`);
  let i = 0;
  while (i < html.length) {
    const c = html[i]!;
    if (c === "<") {
      OPEN.lastIndex = i;
      CLOSE.lastIndex = i;
      const m = OPEN.exec(html);
      if (m) {
        const tag = m[1]!;
        const attrs: Record<string, string | true> = {};
        for (const a of m[2]!.matchAll(ATTR)) {
          const name = a[1]!,
            value = a[2];
          if (name in attrs) bad(i, `duplicate attribute ${name}`);
          attrs[name] = value ?? true;
          if (/^on/i.test(name) || /^(data-)?hx-on/i.test(name)) bad(i, `event-handler attribute ${name}`);
          else if (!known.has(name) && !o.extraAttrs?.has(name)) bad(i, `unexpected attribute ${name}`);
          if (value !== undefined) {
            if (/&(?!(?:amp|lt|gt|quot|#39);)/.test(value)) bad(i, `unescaped & in ${name}`);
            const u = urlProblem(name, value);
            if (u && o.ignoreUrl?.(decodeEntities(value))) ignored.push(`${u}: ${JSON.stringify(decodeEntities(value))}`);
            else if (u) bad(i, u);
          }
        }
        if (!tags.has(tag)) bad(i, `unexpected tag <${tag}>`);
        elements.push({ tag, attrs, at: i });
        if (!VOID.has(tag)) stack.push(tag);
        i = OPEN.lastIndex;
        continue;
      }
      const e = CLOSE.exec(html);
      if (e) {
        const top = stack.pop();
        if (top !== e[1]) bad(i, `</${e[1]}> closes <${top ?? "nothing"}>`);
        i = CLOSE.lastIndex;
        continue;
      }
      bad(i, "stray <");
      i++;
    } else if (c === ">" || c === '"' || c === "'") {
      bad(i, `raw ${c} in text`);
      i++;
    } else if (c === "&") {
      ENTITY.lastIndex = i;
      if (!ENTITY.exec(html)) bad(i, "unescaped & in text");
      i++;
    } else i++;
  }
  if (stack.length) violations.push(`unclosed: ${stack.join(" > ")}`);
  if (/<\s*\/?\s*script/i.test(html)) violations.push("contains <script");
  return { elements, violations, ignored };
}

/** The elements of `html` (throws on markup the scanner does not accept). */
export function elements(html: string, o?: ScanOptions): Element[] {
  const r = scan(html, o);
  if (r.violations.length) throw new Error(`bad markup:\n${r.violations.join("\n")}\n${html}`);
  return r.elements;
}

export function countLt(s: string): number {
  let n = 0;
  for (let i = s.indexOf("<"); i >= 0; i = s.indexOf("<", i + 1)) n++;
  return n;
}
