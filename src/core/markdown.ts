/**
 * @module markdown
 * A small Markdown renderer for `dcc.Markdown`, safe for any input: every piece of the source
 * reaches the page through `escapeHtml`, the only tags are the fixed ones written here, and link
 * and image URLs pass `safeUrl`. Raw HTML in the source is shown as text, never rendered.
 *
 * Covered: ATX and setext headings, paragraphs, hard line breaks, *em*, **strong**, ~~strike~~,
 * `code`, fenced and indented code blocks, links, images, <autolinks>, nested lists, blockquotes,
 * rules. Not covered: tables, reference links, HTML, entities (shown as typed). Each step is
 * linear in the input and nesting is capped, so hostile input cannot hang or overflow the server.
 * Longer than most files: block and inline parsing are one idea and share their helpers.
 */

import { safeUrl } from "./component.ts";
import { escapeHtml } from "./escape.ts";

export interface MarkdownOptions {
  /** `target` for every link, e.g. "_blank" (Dash's `link_target`). */
  linkTarget?: string;
}

/** Deeper lists/quotes are shown as text, deeper emphasis as plain text. */
const MAX_BLOCK_DEPTH = 12;
const MAX_INLINE_DEPTH = 16;
/** A link destination or title longer than this is not a link (bounds the work per `[`). */
const MAX_DEST = 4096;
/** Nested parentheses allowed in a link destination (CommonMark's own limit). */
const MAX_PARENS = 32;

interface Ctx {
  linkTarget?: string;
}

/** Renders Markdown source to HTML. */
export function renderMarkdown(source: string, options: MarkdownOptions = {}): string {
  const lines = String(source).replace(/\r\n?/g, "\n").replace(/\0/g, "\uFFFD").split("\n").map(expandTabs);
  return blocks(lines, { linkTarget: options.linkTarget }, 0, false);
}

/** Removes the indentation common to all non-blank lines (Dash's `dedent`, for indented literals). */
export function dedent(source: string): string {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  let min = Infinity;
  for (const l of lines) if (l.trim()) min = Math.min(min, /^[ \t]*/.exec(l)![0].length);
  return Number.isFinite(min) && min > 0 ? lines.map((l) => l.slice(min)).join("\n") : lines.join("\n");
}

// ------------------------------------------------------------------------------------ blocks

const FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const CLOSE_FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
const ATX = /^ {0,3}(#{1,6})(?=[ \t]|$)(.*)$/;
const HR = /^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/;
const QUOTE = /^ {0,3}> ?/;
const ITEM = /^( {0,3})(?:([-+*])|(\d{1,9})([.)]))(?:( +)(.*))?$/;
const SETEXT1 = /^ {0,3}=+[ \t]*$/;
const SETEXT2 = /^ {0,3}-+[ \t]*$/;

function expandTabs(line: string): string {
  const lead = /^[ \t]*/.exec(line)![0];
  if (!lead.includes("\t")) return line;
  let col = 0;
  for (const c of lead) col = c === "\t" ? col + 4 - (col % 4) : col + 1;
  return " ".repeat(col) + line.slice(lead.length);
}

function indentOf(line: string): number {
  return /^ */.exec(line)![0].length;
}

interface Item {
  kind: string;
  ordered: boolean;
  start: number;
  /** Column where the item's content starts: continuation lines must be indented this far. */
  width: number;
  first: string;
}

function listItem(line: string): Item | null {
  const m = ITEM.exec(line);
  if (!m) return null;
  const spaces = m[5]?.length ?? 0;
  const rest = m[6] ?? "";
  const markerEnd = m[1]!.length + (m[2] ? 1 : m[3]!.length + 1);
  // Five or more spaces after the marker: the content is indented code starting one space in.
  const pad = spaces === 0 || spaces > 4 || !rest ? 1 : spaces;
  const first = spaces > 4 ? " ".repeat(spaces - 1) + rest : rest;
  return { kind: m[2] ?? m[4]!, ordered: !m[2], start: m[3] ? parseInt(m[3], 10) : 1, width: markerEnd + pad, first };
}

/** Whether `line` ends a paragraph by starting another block. */
function startsBlock(line: string, depth: number): boolean {
  if (FENCE.test(line) || ATX.test(line) || HR.test(line)) return true;
  if (depth >= MAX_BLOCK_DEPTH) return false;
  if (QUOTE.test(line)) return true;
  const it = listItem(line);
  return it !== null && it.first.trim() !== "" && (!it.ordered || it.start === 1);
}

function codeBlock(body: string[], lang?: string): string {
  const cls = lang ? ` class="language-${escapeHtml(lang)}"` : "";
  return `<pre><code${cls}>${escapeHtml(body.map((l) => l + "\n").join(""))}</code></pre>`;
}

/** Renders a run of lines as blocks. `tight`: paragraphs without `<p>` (inside tight lists). */
function blocks(lines: string[], ctx: Ctx, depth: number, tight: boolean): string {
  let out = "";
  let i = 0;
  const n = lines.length;
  while (i < n) {
    const line = lines[i]!;
    if (!line.trim()) {
      i++;
      continue;
    }
    let m: RegExpExecArray | null;
    if ((m = FENCE.exec(line)) && !(m[2]![0] === "`" && m[3]!.includes("`"))) {
      const indent = m[1]!.length, fence = m[2]!;
      const body: string[] = [];
      for (i++; i < n; i++) {
        const c = CLOSE_FENCE.exec(lines[i]!);
        if (c && c[1]![0] === fence[0] && c[1]!.length >= fence.length) break;
        body.push(lines[i]!.slice(Math.min(indent, indentOf(lines[i]!))));
      }
      i++;
      out += codeBlock(body, /^[A-Za-z0-9_+#.-]+/.exec(m[3]!.trim())?.[0]);
      continue;
    }
    if (indentOf(line) >= 4) {
      const body: string[] = [];
      while (i < n && (indentOf(lines[i]!) >= 4 || !lines[i]!.trim())) body.push(lines[i++]!.slice(4));
      while (!body[body.length - 1]!.trim()) body.pop();
      out += codeBlock(body);
      continue;
    }
    if (HR.test(line)) {
      out += "<hr>";
      i++;
      continue;
    }
    if ((m = ATX.exec(line))) {
      const text = m[2]!.trim().replace(/(^|[ \t])#+$/, "").trim();
      out += `<h${m[1]!.length}>${inline(text, ctx, 0, false)}</h${m[1]!.length}>`;
      i++;
      continue;
    }
    if (depth < MAX_BLOCK_DEPTH && QUOTE.test(line)) {
      const inner: string[] = [];
      for (; i < n; i++) {
        const l = lines[i]!;
        if (QUOTE.test(l)) inner.push(l.replace(QUOTE, ""));
        else if (l.trim() && inner[inner.length - 1]?.trim() && !startsBlock(l, depth)) inner.push(l); // lazy continuation
        else break;
      }
      out += `<blockquote>${blocks(inner, ctx, depth + 1, false)}</blockquote>`;
      continue;
    }
    const first = depth < MAX_BLOCK_DEPTH ? listItem(line) : null;
    if (first) {
      const r = list(lines, i, first, depth);
      const tag = first.ordered ? "ol" : "ul";
      const start = first.ordered && first.start !== 1 ? ` start="${first.start}"` : "";
      out += `<${tag}${start}>${r.items.map((it) => `<li>${blocks(it, ctx, depth + 1, !r.loose)}</li>`).join("")}</${tag}>`;
      i = r.end;
      continue;
    }
    // A paragraph, or a setext heading when it is underlined with === or ---.
    const para = [line];
    let level = 0;
    for (i++; i < n; i++) {
      const l = lines[i]!;
      if (!l.trim()) break;
      if (SETEXT1.test(l) || SETEXT2.test(l)) {
        level = SETEXT1.test(l) ? 1 : 2;
        i++;
        break;
      }
      if (startsBlock(l, depth)) break;
      para.push(l);
    }
    const html = inline(para.map((l) => l.replace(/^[ \t]+/, "")).join("\n").replace(/[ \t]+$/, ""), ctx, 0, false);
    out += level ? `<h${level}>${html}</h${level}>` : tight ? html : `<p>${html}</p>`;
  }
  return out;
}

/** Collects the items of the list starting at line `i`: each item's lines, un-indented. */
function list(lines: string[], i: number, first: Item, depth: number): { items: string[][]; loose: boolean; end: number } {
  const items: string[][] = [];
  let cur = [first.first];
  let width = first.width;
  let blank = false;
  let loose = false;
  for (i++; i < lines.length; i++) {
    const l = lines[i]!;
    if (!l.trim()) {
      blank = true;
      cur.push("");
      continue;
    }
    if (indentOf(l) >= width) {
      if (blank && cur.some((x) => x.trim())) loose = true;
      cur.push(l.slice(width));
      blank = false;
      continue;
    }
    const next = HR.test(l) ? null : listItem(l);
    if (next && next.kind === first.kind) {
      items.push(cur);
      if (blank) loose = true;
      cur = [next.first];
      width = next.width;
      blank = false;
      continue;
    }
    if (!blank && !startsBlock(l, depth)) {
      cur.push(l.trim()); // lazy continuation of the item's paragraph
      continue;
    }
    break;
  }
  items.push(cur);
  return { items, loose, end: i };
}

// ------------------------------------------------------------------------------------ inline

const PUNCT = /[!-/:-@[-`{-~]/;
const SPECIAL = /[\\\n`*_~[!<]/g;
const AUTOLINK = /<((?:https?|mailto):[^\s<>]{1,2000})>/iy;
const WORD = /[\p{L}\p{N}]/u;

function unescapePunct(s: string): string {
  return s.replace(/\\([!-/:-@[-`{-~])/g, "$1");
}

function runLength(s: string, i: number, ch: string): number {
  let k = i;
  while (s[k] === ch) k++;
  return k - i;
}

/** Code spans: opening backtick position -> position after the closing run. Linear. */
function codeSpans(s: string): Map<number, number> {
  const runs = new Map<number, number[]>();
  for (let k = 0; k < s.length; ) {
    if (s[k] !== "`") {
      k++;
      continue;
    }
    const len = runLength(s, k, "`");
    (runs.get(len) ?? runs.set(len, []).get(len)!).push(k);
    k += len;
  }
  const next = new Map<number, number>(); // per run length: index into runs of the next candidate
  const spans = new Map<number, number>();
  for (let k = 0; k < s.length; ) {
    if (s[k] === "\\") k += 2;
    else if (s[k] !== "`") k++;
    else {
      const len = runLength(s, k, "`");
      const list = runs.get(len) ?? [];
      let j = next.get(len) ?? 0;
      while (j < list.length && list[j]! <= k) j++;
      next.set(len, j);
      if (j < list.length) {
        spans.set(k, list[j]! + len);
        k = list[j]! + len;
      } else k += len;
    }
  }
  return spans;
}

/** Matching brackets: `[` position -> its `]`, skipping escapes and code spans. Linear. */
function brackets(s: string, code: Map<number, number>): Map<number, number> {
  const stack: number[] = [];
  const out = new Map<number, number>();
  for (let k = 0; k < s.length; ) {
    const c = s[k];
    if (c === "\\") k += 2;
    else if (code.has(k)) k = code.get(k)!;
    else {
      if (c === "[") stack.push(k);
      else if (c === "]" && stack.length) out.set(stack.pop()!, k);
      k++;
    }
  }
  return out;
}

/**
 * Index of the next `ch` at or after `from` (-1: none). Titles are searched left to right, so
 * remembering the last answer per character keeps many unclosed titles linear.
 */
function next(s: string, ch: string, from: number, memo: Map<string, [number, number]>): number {
  const m = memo.get(ch);
  if (m && from >= m[0] && (m[1] === -1 || from <= m[1])) return m[1];
  const r = s.indexOf(ch, from);
  memo.set(ch, [from, r]);
  return r;
}

/** Whether the character at `i` is escaped by an odd number of backslashes. */
function escaped(s: string, i: number): boolean {
  let k = i;
  while (k > 0 && s[k - 1] === "\\") k--;
  return (i - k) % 2 === 1;
}

/** `(url "title")` starting after the `(`; null if it is not one. Bounded by MAX_DEST. */
function destination(s: string, p: number, memo: Map<string, [number, number]>): { url: string; title?: string; end: number } | null {
  const limit = Math.min(s.length, p + MAX_DEST);
  let k = p;
  while (k < limit && (s[k] === " " || s[k] === "\n")) k++;
  let url: string;
  if (s[k] === "<") {
    const st = ++k;
    while (k < limit && s[k] !== ">" && s[k] !== "<" && s[k] !== "\n") k++;
    if (s[k] !== ">") return null;
    url = s.slice(st, k++);
  } else {
    const st = k;
    let depth = 0;
    for (; k < limit; k++) {
      const c = s[k]!;
      if (c === "\\" && PUNCT.test(s[k + 1] ?? "")) k++;
      else if (c === "(" && ++depth > MAX_PARENS) return null;
      else if (c === ")" && depth-- === 0) break;
      else if (c <= " ") break;
    }
    url = s.slice(st, k);
  }
  let t = k;
  while (t < limit && (s[t] === " " || s[t] === "\n")) t++;
  let title: string | undefined;
  const q = s[t];
  if (t > k && (q === '"' || q === "'" || q === "(")) {
    const close = q === "(" ? ")" : q;
    let e = next(s, close, t + 1, memo);
    while (e >= 0 && e < limit && escaped(s, e)) e = next(s, close, e + 1, memo);
    if (e < 0 || e >= limit) return null;
    title = unescapePunct(s.slice(t + 1, e));
    for (t = e + 1; t < limit && (s[t] === " " || s[t] === "\n"); ) t++;
  }
  if (s[t] !== ")") return null;
  return { url: unescapePunct(url), title, end: t + 1 };
}

/**
 * A URL for href/src, or undefined. Browsers delete tabs and newlines anywhere in a URL and
 * control characters at its ends, so "java\tscript:" would pass a scheme check and still run.
 */
function linkUrl(raw: string): string | undefined {
  return /[\x00-\x1f\x7f]/.test(raw) ? undefined : safeUrl(raw);
}

function anchor(url: string | undefined, title: string | undefined, text: string, ctx: Ctx): string {
  if (url === undefined) return text;
  const t = title ? ` title="${escapeHtml(title)}"` : "";
  const target = ctx.linkTarget ? ` target="${escapeHtml(ctx.linkTarget)}" rel="noopener noreferrer"` : "";
  return `<a href="${escapeHtml(url)}"${t}${target}>${text}</a>`;
}

/**
 * Emphasis opening at `i` (a run of `run` × `ch`): its HTML and where it ends, or null.
 * `failed` remembers delimiter kinds with no closer left: a closer's validity does not depend on
 * its opener, so one failed search settles every later opener of that kind (keeps this linear).
 */
function emphasis(s: string, i: number, run: number, ch: string, code: Map<number, number>, failed: Set<string>): { need: number; close: number } | null {
  const need = run;
  if (ch === "~" ? run !== 2 : run > 3) return null;
  const after = s[i + run];
  if (after === undefined || /\s/.test(after)) return null;
  if (ch === "_" && i > 0 && WORD.test(s[i - 1]!)) return null;
  const key = ch + need;
  if (failed.has(key)) return null;
  for (let k = i + run; k < s.length; ) {
    const c = s[k];
    if (c === "\\") k += 2;
    else if (code.has(k)) k = code.get(k)!;
    else if (c !== ch) k++;
    else {
      const len = runLength(s, k, ch);
      const ok = len === need && k > i + run && !/\s/.test(s[k - 1]!) && !(ch === "_" && WORD.test(s[k + len] ?? ""));
      if (ok) return { need, close: k };
      k += len;
    }
  }
  failed.add(key);
  return null;
}

const WRAP: Record<string, [string, string]> = {
  "*1": ["<em>", "</em>"], "*2": ["<strong>", "</strong>"], "*3": ["<em><strong>", "</strong></em>"],
  "~2": ["<del>", "</del>"],
};

/** Renders inline Markdown. `inLink`: inside link text, where links are not recognised. */
function inline(s: string, ctx: Ctx, depth: number, inLink: boolean): string {
  if (depth > MAX_INLINE_DEPTH) return escapeHtml(s);
  const code = codeSpans(s);
  const brk = brackets(s, code);
  const failed = new Set<string>();
  const memo = new Map<string, [number, number]>();
  let out = "";
  let buf = "";
  const flush = () => {
    out += escapeHtml(buf);
    buf = "";
  };
  let i = 0;
  while (i < s.length) {
    SPECIAL.lastIndex = i;
    const found = SPECIAL.exec(s);
    const at = found ? found.index : s.length;
    buf += s.slice(i, at);
    if (!found) break;
    i = at;
    const c = s[i]!;
    if (c === "\\") {
      const d = s[i + 1];
      if (d === "\n") {
        flush();
        out += "<br>";
      } else if (d !== undefined && PUNCT.test(d)) buf += d;
      else buf += c + (d ?? "");
      i += 2;
    } else if (c === "\n") {
      let end = buf.length;
      while (buf[end - 1] === " ") end--;
      const hard = buf.length - end >= 2;
      buf = buf.slice(0, end);
      flush(); // keeps buf short, so trimming it stays cheap on long paragraphs
      out += hard ? "<br>" : "\n";
      i++;
    } else if (c === "`") {
      const run = runLength(s, i, "`");
      const end = code.get(i);
      if (end === undefined) {
        buf += s.slice(i, i + run);
        i += run;
        continue;
      }
      let body = s.slice(i + run, end - run).replace(/\n/g, " ");
      if (body.length > 1 && body[0] === " " && body[body.length - 1] === " " && body.trim()) body = body.slice(1, -1);
      flush();
      out += `<code>${escapeHtml(body)}</code>`;
      i = end;
    } else if (c === "*" || c === "_" || c === "~") {
      const run = runLength(s, i, c);
      const e = emphasis(s, i, run, c, code, failed);
      if (!e) {
        buf += s.slice(i, i + run);
        i += run;
        continue;
      }
      const [open, close] = WRAP[(c === "_" ? "*" : c) + e.need]!;
      flush();
      out += open + inline(s.slice(i + run, e.close), ctx, depth + 1, inLink) + close;
      i = e.close + e.need;
    } else if (c === "<") {
      AUTOLINK.lastIndex = i;
      const m = AUTOLINK.exec(s);
      if (m) {
        flush();
        out += anchor(linkUrl(m[1]!), undefined, escapeHtml(m[1]!), ctx);
        i = AUTOLINK.lastIndex;
      } else {
        buf += c;
        i++;
      }
    } else {
      // `[` (link) or `!` (image when followed by `[`).
      const img = c === "!";
      const open = img ? i + 1 : i;
      const close = (img ? s[open] === "[" : !inLink) ? brk.get(open) : undefined;
      const dest = close !== undefined && s[close + 1] === "(" ? destination(s, close + 2, memo) : null;
      if (!dest) {
        buf += c;
        i++;
        continue;
      }
      const text = s.slice(open + 1, close);
      const url = linkUrl(dest.url);
      flush();
      if (img) {
        const alt = unescapePunct(text);
        const title = dest.title ? ` title="${escapeHtml(dest.title)}"` : "";
        out += url === undefined ? escapeHtml(alt) : `<img src="${escapeHtml(url)}" alt="${escapeHtml(alt)}"${title}>`;
      } else out += anchor(url, dest.title, inline(text, ctx, depth + 1, true), ctx);
      i = dest.end;
    }
  }
  flush();
  return out;
}
