/**
 * Render fuzz: thousands of hostile strings (script tags, attribute breakouts, javascript: URLs,
 * closing tags of raw-text elements, odd unicode) in every prop of every html.* and dcc.*
 * component, in the Markdown renderer, and in every control's read(). Seeded: a failure prints
 * its seed and case, and `FUZZ_SEED=<n> bun test test/core/render-fuzz.test.ts` replays it.
 *
 * Two independent checks per render:
 *  - the strict scanner (test/helpers/markup.ts): only our tags and attribute names, every value
 *    quoted and escaped, no stray `<`, no `on*=` attribute, no javascript: URL (as a browser
 *    would parse it), balanced tags;
 *  - the `<` count equals that of a "twin" render in which every `< > " ' &` of the input was
 *    replaced by a harmless private-use character: whatever the twin renders is pure structure,
 *    so an extra `<` can only be a character the input smuggled in unescaped.
 * The last tests run the same harness on deliberately broken components to show it catches them.
 */

import { describe, expect, test } from "bun:test";
import { testContext } from "../helpers/render.ts";
import { COMMON_PROPS, renderComponent, type Component, type ComponentSpec, type Props } from "../../src/core/component.ts";
import { dcc } from "../../src/core/dcc/index.ts";
import { DashDevicesError } from "../../src/core/errors.ts";
import { escapeHtml } from "../../src/core/escape.ts";
import { html } from "../../src/core/html.ts";
import { renderMarkdown } from "../../src/core/markdown.ts";
import { browserScheme, countLt, MARKDOWN_ATTRS, MARKDOWN_TAGS, scan } from "../helpers/markup.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 20240611);

/** mulberry32: small, fast, good enough to pick test cases reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const int = (r: Rng, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[int(r, xs.length)]!;

const HOSTILE = [
  "<script>alert(1)</script>",
  "<SCRIPT SRC=//x.y/z.js></SCRIPT>",
  '"><img src=x onerror=alert(1)>',
  "'><svg onload=alert(1)>",
  '" onmouseover="alert(1)',
  "' onfocus='alert(1)' autofocus='",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(document.cookie)",
  " \tjavascript:alert(1)",
  "java\tscript:alert(1)",
  "java\nscript:alert(1)",
  "\x01javascript:alert(1)",
  "\x1fjavascript:x",
  "vbscript:msgbox(1)",
  "data:text/html,<script>alert(1)</script>",
  "data:image/svg+xml,<svg onload=alert(1)>",
  "</textarea><script>alert(1)</script>",
  "</option></select><img src=x onerror=alert(1)>",
  "</title><script>x</script>",
  "</style><script>x</script>",
  "<!--",
  "-->",
  "<![CDATA[x]]>",
  "<iframe src=javascript:alert(1)>",
  '<a href="javascript:x">c</a>',
  "&lt;script&gt;",
  "&#60;script&#62;",
  "&quot;",
  "&amp;",
  "&",
  "%3Cscript%3E",
  "\\u003cscript",
  "＜script＞",
  "\u202e\u0644",
  "😀👍🏽",
  "\uD800",
  "\uDFFF",
  "\0",
  "\r\n",
  "\u2028\u2029",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection payload, meant as plain text
  "${alert(1)}",
  "{{constructor.constructor('alert(1)')()}}",
  "`",
  "\\",
  "onerror=alert(1)",
  "style=x:expression(alert(1))",
  "url(javascript:alert(1))",
  "red;}</style><script>x</script>",
  'x" hx-on:click="alert(1)',
  "x' hx-get='/evil",
  "# <b>md</b>",
  "[x](javascript:alert(1))",
  "**<i>**",
  "",
  " ",
  "0",
  "-1",
  "1e309",
  "NaN",
  "true",
  "null",
  "__proto__",
  "constructor",
  "toString",
  "drag",
  "number",
  "circle",
  "shared",
  "a".repeat(3000),
] as const;

const FRAGMENTS = [
  "<",
  ">",
  '"',
  "'",
  "&",
  "=",
  "/",
  " ",
  "\t",
  "\n",
  "script",
  "img",
  "svg",
  "on",
  "error",
  "onload=",
  "javascript:",
  "alert(1)",
  "</",
  "textarea",
  "option",
  "-->",
  "#",
  "&#",
  ";",
  "x",
  "é",
  "中",
  "😀",
  "\u0000",
  "\u0085",
  "\u00a0",
];

function hostile(r: Rng): string {
  if (r() < 0.5) return pick(r, HOSTILE);
  let s = "";
  for (let n = 1 + int(r, 8); n > 0; n--) {
    const k = r();
    if (k < 0.55) s += pick(r, FRAGMENTS);
    else if (k < 0.8) s += pick(r, HOSTILE);
    else s += String.fromCodePoint(pick(r, [int(r, 0x80), 0x80 + int(r, 0x780), 0x3000 + int(r, 0x5000), 0x1f300 + int(r, 0x300)]));
  }
  return s;
}

/** The twin of a value: `< > " ' &` become private-use characters (our corpus never uses those). */
const TWIN: Record<string, string> = { "<": "\uE000", ">": "\uE001", '"': "\uE002", "'": "\uE003", "&": "\uE004" };
function twin(v: unknown): unknown {
  if (typeof v === "string") return v.replace(/[<>"'&]/g, (c) => TWIN[c]!);
  if (Array.isArray(v)) return v.map(twin);
  if (isComponent(v)) return { spec: v.spec, props: twin(v.props) };
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [twin(k), twin(x)]));
  return v;
}
const isComponent = (v: unknown): v is Component => !!v && typeof v === "object" && "spec" in v && "props" in v;

/**
 * A hostile object key, "toString" and "valueOf" included (escapeHtml must survive an object whose
 * toString is not a function).
 */
function key(r: Rng): string {
  const k = hostile(r);
  return k;
}

/** A random value of a random shape, with hostile strings at the leaves. */
function value(r: Rng, depth = 0): unknown {
  switch (int(r, depth > 1 ? 5 : 12)) {
    case 0:
    case 1:
    case 2:
      return hostile(r);
    case 3:
      return pick(r, [0, 1, -1, 2.5, 1e308, -0, NaN, Infinity, 10, 100]);
    case 4:
      return pick(r, [true, false, null, undefined]);
    case 5:
      return Array.from({ length: int(r, 4) }, () => (r() < 0.7 ? hostile(r) : pick(r, [1, 2, 3])));
    case 6:
      return Array.from({ length: 1 + int(r, 3) }, () => ({
        label: hostile(r),
        value: r() < 0.5 ? hostile(r) : int(r, 5),
        disabled: r() < 0.3,
        title: hostile(r),
      }));
    case 7:
      return { [key(r)]: hostile(r), [int(r, 10)]: r() < 0.5 ? hostile(r) : { label: hostile(r) } };
    case 8:
      return { color: hostile(r), [key(r)]: hostile(r), width: r() < 0.5 ? 3 : hostile(r) };
    case 9:
      return html.Span(hostile(r), { title: hostile(r) });
    case 10:
      return html.A({ href: hostile(r), title: hostile(r), children: [hostile(r), value(r, depth + 1)] });
    default:
      return [hostile(r), value(r, depth + 1), html.B([value(r, depth + 1)] as string[])];
  }
}

/** No URL is set aside any more: safeUrl refuses control characters (regression test below). */
const controlCharBypass = (_url: string) => false;

const PASSTHROUGH = new Set(["data-x", "aria-describedby"]);

interface Outcome {
  renders: number;
  problems: string[];
  ignored: string[];
}

function renderRaw(spec: ComponentSpec, props: Props): string {
  return renderComponent({ spec, props: { ...(spec.defaults ?? {}), ...props } }, testContext);
}

/**
 * Renders `spec` with `props`, and its twin; records every violation. Props go straight to
 * render, as props changed by a callback do, so render must be safe without creation checks.
 */
function check(spec: ComponentSpec, props: Props, out: Outcome, label: string, compareLt: boolean): void {
  let a: string, b: string;
  try {
    a = renderRaw(spec, props);
    b = renderRaw(spec, twin(props) as Props);
  } catch (e) {
    out.problems.push(`${label}: render threw ${String(e)}`);
    return;
  }
  out.renders++;
  const s = scan(a, { extraAttrs: PASSTHROUGH, ignoreUrl: controlCharBypass });
  out.ignored.push(...s.ignored);
  for (const v of s.violations) out.problems.push(`${label}: ${v}`);
  if (compareLt && countLt(a) !== countLt(b))
    out.problems.push(`${label}: ${countLt(a)} '<' vs ${countLt(b)} in the twin render:\n  ${a.slice(0, 300)}\n  ${b.slice(0, 300)}`);
}

/** Baseline props that give each component its full structure (options, marks, children...). */
function base(type: string): Props {
  const p: Props = { id: "base", "data-x": "1" };
  if (/Checklist|RadioItems|Dropdown/.test(type))
    Object.assign(p, { options: ["a", "b", { label: "C", value: 3 }], value: type.endsWith("Checklist") ? ["a"] : "a" });
  if (/Slider/.test(type)) p.marks = { 0: "lo", 5: "mid", 10: "hi" };
  if (type === "dcc.Markdown") p.children = "# t\n\n*x* [l](/u)";
  else if (type === "dcc.Switch") p.label = "L";
  else p.children = ["text", html.Span("s")];
  return p;
}

const all: [string, ComponentSpec][] = [
  ...Object.entries(html).map(([n, f]) => [`html.${n}`, f({}).spec] as [string, ComponentSpec]),
  ...Object.entries(dcc).map(([n, f]) => [`dcc.${n}`, f({}).spec] as [string, ComponentSpec]),
];

/** Fuzzes one spec: each prop alone (fixed corpus, then random shapes), then all props at once. */
function fuzzSpec(type: string, spec: ComponentSpec, r: Rng, out: Outcome, rounds: number): void {
  const props = [...new Set([...spec.props, ...COMMON_PROPS, "data-x", "aria-describedby"])];
  const b = base(type);
  // Markdown output depends on its text by design; its own fuzz below checks it with the scanner.
  const lt = (prop: string) => !(type === "dcc.Markdown" && prop === "children");
  for (const prop of props) {
    const corpus: unknown[] = [...HOSTILE];
    for (let k = 0; k < rounds; k++) corpus.push(value(r));
    for (const [k, v] of corpus.entries()) {
      if (prop === "id" && (typeof v !== "string" || v === "")) continue; // ids are checked when made
      check(spec, { ...b, [prop]: v }, out, `${type}.${prop} #${k} ${JSON.stringify(v)?.slice(0, 120)}`, lt(prop));
    }
  }
  for (let k = 0; k < rounds * 4; k++) {
    const p: Props = { ...b, id: hostile(r) || "id" };
    for (const prop of props) if (prop !== "id" && r() < 0.6) p[prop] = value(r);
    check(spec, p, out, `${type} all-props #${k}`, type !== "dcc.Markdown");
  }
}

describe(`render fuzz (FUZZ_SEED=${SEED})`, () => {
  test("every prop of every html.* and dcc.* component: no smuggled markup", () => {
    const r = prng(SEED);
    const out: Outcome = { renders: 0, problems: [], ignored: [] };
    for (const [type, spec] of all) fuzzSpec(type, spec, r, out, 40);
    expect(all.length).toBeGreaterThan(60);
    expect(out.renders).toBeGreaterThan(50_000);
    expect(out.problems.slice(0, 10)).toEqual([]);
  });

  test("making a component with hostile props either works or throws DashDevicesError", () => {
    const r = prng(SEED + 1);
    for (const [, f] of [...Object.entries(html), ...Object.entries(dcc)] as [string, (p: Props) => Component][]) {
      for (let k = 0; k < 200; k++) {
        const p: Props = {};
        for (const prop of ["id", "value", "options", "children", "marks", "style", "label", "storage_type", "interval", "type"])
          if (r() < 0.4) p[prop] = value(r);
        try {
          f(p);
        } catch (e) {
          if (!(e instanceof DashDevicesError)) throw new Error(`${JSON.stringify(p)?.slice(0, 200)} threw ${String(e)}`);
        }
      }
    }
  });

  test("Markdown: random Markdown-ish hostile text renders only Markdown's own tags", () => {
    const r = prng(SEED + 2);
    const TOKENS = [
      "#",
      "## ",
      "**",
      "*",
      "_",
      "__",
      "~~",
      "`",
      "```",
      "\n```\n",
      "[",
      "]",
      "(",
      ")",
      "![",
      "](",
      "<",
      ">",
      "> ",
      "- ",
      "1. ",
      "\n",
      "\n\n",
      "    ",
      "  \n",
      "\\",
      " ",
      "x",
      "word",
      "javascript:alert(1)",
      "java\tscript:",
      "\x01javascript:",
      "JAVASCRIPT:",
      "https://x.y/",
      "mailto:a@b",
      "/rel",
      '"',
      "'",
      "&",
      "<script>",
      "</textarea>",
      " onerror=",
      "=",
      "é",
      "😀",
      "\u202e",
      "\0",
      "data:text/html,",
      "vbscript:",
      "<https:",
      "---",
      "===",
      "\t",
      "\r",
      // whole constructs, so links, images and titles with hostile parts are common, not rare
      '[x](/u "',
      "[x](",
      "![i](/i.png '",
      ' "t")',
      " 't')",
      " (t))",
      '" onmouseover="alert(1)',
      "' onclick='x",
      "](javascript:alert(1))",
      "](<javascript:alert(1)>)",
      "](/ok)",
      '```\\"><b>\n',
      "`<b>`",
      '<https://x.y/"onerror=x>',
      // tables, reference links and entities (markdown-it decodes entities in URLs before checking them)
      "|",
      " | ",
      "\n|---|:-:|\n",
      "\n[r]: ",
      "[r]",
      "[x][r]",
      "&#106;",
      "&#x6A;",
      "&colon;",
      "&#58;",
      "&amp;",
      "&quot;",
    ];
    const tags = MARKDOWN_TAGS;
    const attrs = MARKDOWN_ATTRS;
    const problems: string[] = [];
    for (let k = 0; k < 6000; k++) {
      let src = "";
      for (let n = int(r, 40); n >= 0; n--) src += r() < 0.85 ? pick(r, TOKENS) : hostile(r);
      const target = r() < 0.2 ? hostile(r) : undefined;
      let out: string;
      try {
        out = renderMarkdown(src, { linkTarget: target });
      } catch (e) {
        problems.push(`#${k} threw ${String(e)} for ${JSON.stringify(src)}`);
        continue;
      }
      const s = scan(out, { tags, attrs });
      for (const v of s.violations) problems.push(`#${k} ${v}\n  source: ${JSON.stringify(src)}`);
      for (const e of s.elements) {
        if (e.attrs.class !== undefined && !/^language-[\w+#.-]+$/.test(String(e.attrs.class)))
          problems.push(`#${k} class ${e.attrs.class}`);
        if (e.attrs.style !== undefined && !/^text-align:(left|right|center)$/.test(String(e.attrs.style)))
          problems.push(`#${k} style ${e.attrs.style}`);
        for (const u of [e.attrs.href, e.attrs.src])
          if (typeof u === "string" && /[\x00-\x1f]/.test(u)) problems.push(`#${k} control character in URL ${JSON.stringify(u)}`);
      }
      if (problems.length > 10) break;
    }
    expect(problems).toEqual([]);
  });

  test("read() of every control: returns a legal value or throws DD_BAD_VALUE, never anything else", () => {
    const r = prng(SEED + 3);
    const controls = Object.entries(dcc)
      .map(([n, f]) => [n, f(base(`dcc.${n}`)) as Component] as const)
      .filter(([, c]) => c.spec.input);
    expect(controls.map(([n]) => n).sort()).toEqual([
      "Checklist",
      "Dropdown",
      "Input",
      "RadioItems",
      "RangeSlider",
      "Slider",
      "Switch",
      "Textarea",
    ]);
    const legal: Record<string, (v: unknown, p: Props) => boolean> = {
      Slider: (v, p) => typeof v === "number" && v >= (p.min as number) && v <= (p.max as number),
      RangeSlider: (v, p) => Array.isArray(v) && v.length === 2 && v[0] <= v[1] && v[0] >= (p.min as number) && v[1] <= (p.max as number),
      Checklist: (v) => Array.isArray(v) && v.every((x) => ["a", "b", 3].includes(x)),
      RadioItems: (v) => v === null || ["a", "b", 3].includes(v as string),
      Dropdown: (v) => v === null || ["a", "b", 3].includes(v as string),
      Switch: (v) => typeof v === "boolean",
      Input: (v) => typeof v === "string" || typeof v === "number" || v === null,
      Textarea: (v) => typeof v === "string",
    };
    const sent = () =>
      pick(r, [
        hostile(r),
        "a",
        "b",
        "3",
        "5",
        "0",
        "10",
        "on",
        "",
        ["a", "b"],
        ["3", "3"],
        ["2", "8"],
        [hostile(r), hostile(r)],
        5,
        null,
        {},
        [[]],
        true,
      ]);
    let accepted = 0,
      refused = 0;
    for (const [name, c] of controls) {
      for (let k = 0; k < 2000; k++) {
        const values: Record<string, unknown> = r() < 0.1 ? {} : { base: sent() };
        if (r() < 0.1) values[hostile(r)] = sent();
        try {
          const changed = c.spec.input!.read(values, c.props);
          const v = changed[c.spec.input!.prop];
          if (!legal[name]!(v, c.props)) throw new Error(`${name} read ${JSON.stringify(values)} as ${JSON.stringify(v)}`);
          accepted++;
        } catch (e) {
          if (!(e instanceof DashDevicesError) || e.code !== "DD_BAD_VALUE")
            throw new Error(`${name} read ${JSON.stringify(values)?.slice(0, 200)}: ${String(e)}`);
          refused++;
        }
      }
    }
    expect(accepted).toBeGreaterThan(1000);
    expect(refused).toBeGreaterThan(1000);
  });
});

describe("the fuzz harness catches broken components", () => {
  const broken = (name: string, render: (p: Props) => string): ComponentSpec => ({
    type: `test.${name}`,
    props: ["label", "href"],
    render,
  });
  const run = (spec: ComponentSpec) => {
    const out: Outcome = { renders: 0, problems: [], ignored: [] };
    fuzzSpec(spec.type, spec, prng(SEED), out, 5);
    return out.problems;
  };

  test("an unescaped attribute value", () => {
    expect(run(broken("Attr", (p) => `<div title="${String(p.title ?? "")}"></div>`)).length).toBeGreaterThan(0);
  });
  test("an unescaped child: a smuggled <b>…</b> is valid markup, only the '<' count catches it", () => {
    const spec = broken("Child", (p) => `<div>${String(p.label ?? "")}</div>`);
    expect(run(spec).some((m) => m.includes("in the twin render"))).toBe(true);
    const out: Outcome = { renders: 0, problems: [], ignored: [] };
    check(spec, { label: "<b>x</b>" }, out, "b", true);
    expect(out.problems).toHaveLength(1);
    expect(out.problems[0]).toContain("'<' vs");
  });
  test("a URL escaped but not checked", () => {
    expect(run(broken("Url", (p) => `<a href="${escapeHtml(p.href ?? "")}">x</a>`)).some((m) => m.includes('scheme "javascript:"'))).toBe(
      true,
    );
  });
  test("a render that throws on odd props", () => {
    expect(
      run(broken("Throws", (p) => `<div>${escapeHtml((p.label as string).toUpperCase())}</div>`)).some((m) => m.includes("threw")),
    ).toBe(true);
  });
});

// Regression: browsers drop tabs/newlines inside a URL and control characters at its ends before
// reading the scheme, so these were javascript: links before safeUrl refused control characters.
test("safeUrl refuses javascript: hidden with tab/newline/control characters (html.A href, html.Img src)", () => {
  for (const url of ["java\tscript:alert(1)", "java\nscript:alert(1)", "\x01javascript:alert(1)", "\x1fjavascript:alert(1)"]) {
    const out = renderComponent(html.A({ href: url, children: "x" }), testContext);
    const href = scan(out).elements[0]!.attrs.href;
    expect(typeof href === "string" ? browserScheme(href) : undefined).not.toBe("javascript");
  }
});

// Regression: an object whose toString is not a function (JSON from a callback) must not break a render.
test('a prop value like {toString: "x"} does not make rendering throw', () => {
  const data = JSON.parse('{"toString": "x"}');
  expect(() => renderComponent(html.Div({ title: data, children: "x" }), testContext)).not.toThrow();
});
