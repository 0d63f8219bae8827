// Known XSS vectors written in Markdown, and pathological input, through dcc.Markdown's renderer
// (src/core/markdown.ts). The random fuzz is in render-fuzz.test.ts; this is the fixed corpus.
import { describe, expect, test } from "bun:test";
import { renderMarkdown as md } from "../../src/core/markdown.ts";
import { browserScheme, decodeEntities, MARKDOWN_ATTRS, MARKDOWN_TAGS, scan } from "../helpers/markup.ts";

const TAGS = MARKDOWN_TAGS;
const ATTRS = MARKDOWN_ATTRS;

/** Problems in `out`: the strict scanner's, plus URL schemes and the few attribute values markdown-it may write. */
function problems(out: string): string[] {
  const s = scan(out, { tags: TAGS, attrs: ATTRS });
  const found = [...s.violations];
  for (const e of s.elements) {
    for (const name of ["href", "src"] as const) {
      const v = e.attrs[name];
      if (typeof v !== "string") continue;
      const scheme = browserScheme(decodeEntities(v));
      const ok =
        scheme === undefined ||
        ["http", "https", "mailto", "tel"].includes(scheme) ||
        (name === "src" && /^data:image\/(png|jpeg|gif|webp);/i.test(decodeEntities(v)));
      if (!ok) found.push(`${name} with scheme ${scheme}: ${v}`);
      if (/[\x00-\x20]/.test(decodeEntities(v))) found.push(`space or control character in ${name}: ${JSON.stringify(v)}`);
    }
    if (e.attrs.style !== undefined && !/^text-align:(left|right|center)$/.test(String(e.attrs.style)))
      found.push(`style ${e.attrs.style}`);
    if (e.attrs.class !== undefined && !/^language-[\w+#.-]+$/.test(String(e.attrs.class))) found.push(`class ${e.attrs.class}`);
  }
  return found;
}

/** Vectors that must not become a link or an image at all. */
const REFUSED = [
  "[x](javascript:alert(1))",
  "[x](JaVaScRiPt:alert(1))",
  "[x](  javascript:alert(1))",
  "[x](javascript&#58;alert(1))",
  "[x](&#106;avascript:alert(1))",
  "[x](&#x6A;avascript:alert(1))",
  "[x](&#0000106;avascript:alert(1))",
  "[x](javascript&colon;alert(1))",
  "[x](javascript:alert&#40;1&#41;)",
  "[x](<javascript:alert(1)>)",
  "[x](javascript://%0aalert(1))",
  '[x](javascript:/**/alert(1) "t")',
  "[x](vbscript:msgbox(1))",
  "[x](VBScript:msgbox(1))",
  "[x](file:///etc/passwd)",
  "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
  "[x](DATA:text/html,<script>alert(1)</script>)",
  "[x](blob:https://a.b/uuid)",
  "[x]\n\n[x]: javascript:alert(1)",
  '[x][r]\n\n[r]: <javascript:alert(1)> "t"',
  "[x]\n\n[x]: &#106;avascript:alert(1)",
  "[x]\n\n[x]: vbscript:x 'title'",
  "![x][i]\n\n[i]: javascript:alert(1)",
  "<javascript:alert(1)>",
  "<JAVASCRIPT:alert(1)>",
  "<vbscript:msgbox(1)>",
  "<file:///etc/passwd>",
  "<data:text/html,x>",
  "![x](javascript:alert(1))",
  "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
  "![x](data:image/svg+xml,<svg onload=alert(1)>)",
  "![x](data:text/html,<script>alert(1)</script>)",
  "![x](vbscript:x)",
];

/** Vectors that may render a link or image, but only a harmless one. */
const HOSTILE = [
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  '<a href="javascript:alert(1)">x</a>',
  "<iframe src=javascript:alert(1)></iframe>",
  "<svg onload=alert(1)>",
  "<!-- x --><style>body{}</style>",
  "<div>\n\n*x*\n\n</div>",
  "</textarea><script>alert(1)</script>",
  "<details open ontoggle=alert(1)>",
  "<math><mtext></mtext></math>",
  "<<script>>",
  "&lt;script&gt;alert(1)&lt;/script&gt;",
  "[x](jav&#x09;ascript:alert(1))",
  "[x](\\javascript:alert(1))",
  "[x](jav&#10;ascript:alert(1))",
  "[x](<java\tscript:alert(1)>)",
  "[click](java\\\nscript:x)",
  '[x](/a"onmouseover="alert(1))',
  '[x](/u "a\\" onmouseover=\\"alert(1)")',
  "[x](/u 'a\\' onclick=x')",
  '[x](/u (a" onclick="x))',
  "[<img src=x onerror=alert(1)>](/u)",
  '![x" onerror="alert(1)](/a.png)',
  '![x](/a.png "t\\" onerror=\\"alert(1)")',
  "![x](x onerror=alert(1))",
  "![x](data:image/png;base64,iVBORw0KGgo=)",
  '![x](data:image/png;base64,x" onerror="alert(1))',
  '[x](https://a.b/?q="><script>alert(1)</script>)',
  '<https://a.b/"onerror=x>',
  '<mailto:a@b"onclick=x>',
  "<https://a.b/'>",
  "[x](http://a.b/\u202e)",
  "[x](https://a.b/\u0000)",
  '```"><img src=x onerror=alert(1)>\nx\n```',
  "``` onerror=alert(1)\nx\n```",
  "~~~ javascript:alert(1)\nx\n~~~",
  "`<script>`",
  "| <script> | [x](javascript:alert(1)) |\n|---|---|\n| <b> | ![i](javascript:x) |",
  '| a |\n|:-:|\n| `"><svg onload=alert(1)>` |',
  "> <script>\n- <img src=x onerror=alert(1)>",
  "# <svg/onload=alert(1)>",
  '[x]: /u "t\n[x]',
  "*<img src=x onerror=alert(1)>*",
  "**[x](javascript:alert(1))**",
  '[a](<b>c" onclick="x)',
];

describe("markdown XSS corpus", () => {
  test("refused vectors render no link and no image, and the text stays", () => {
    const bad: string[] = [];
    for (const v of REFUSED) {
      const out = md(v);
      if (/<a |<img/.test(out)) bad.push(`${JSON.stringify(v)} -> ${out}`);
      for (const p of problems(out)) bad.push(`${JSON.stringify(v)}: ${p}`);
      if (!decodeEntities(out.replace(/<[^>]*>/g, "")).trim()) bad.push(`${JSON.stringify(v)} lost its text: ${out}`);
    }
    expect(bad).toEqual([]);
  });

  test("other hostile vectors render only our tags, attributes and safe URLs", () => {
    const bad: string[] = [];
    for (const v of HOSTILE)
      for (const target of [undefined, "_blank", '"><script>']) {
        for (const p of problems(md(v, { linkTarget: target }))) bad.push(`${JSON.stringify(v)}: ${p}`);
      }
    expect(bad).toEqual([]);
  });

  test("the corpus is not vacuous: safe links and data:image images still render", () => {
    expect(md("[x](https://a.b) ![i](data:image/png;base64,iVBORw0KGgo=)")).toBe(
      '<p><a href="https://a.b">x</a> <img src="data:image/png;base64,iVBORw0KGgo=" alt="i"></p>',
    );
    expect(problems('<p><a href="javascript:x">x</a></p>')).not.toEqual([]);
    expect(problems('<p style="color:red">x</p>')).not.toEqual([]);
  });
});

test("pathological input (100,000 characters and more) is handled, and the output stays safe and proportionate", () => {
  // No clock: each input is 100k-700k characters, so a parser that backtracks (quadratic or worse)
  // needs 10^10 steps or more on one of them and runs into the test's timeout; a linear one takes
  // a few seconds for all of them. The output is checked to be safe and at most a few times the input.
  const k = 5;
  const inputs = [
    "*a ".repeat(20000 * k),
    "**".repeat(30000 * k),
    "[".repeat(30000 * k) + "](" + ")".repeat(30000 * k),
    "`".repeat(100000) + "x",
    "` `` ``` ````".repeat(3000 * k),
    "> ".repeat(20000 * k) + "x",
    "- ".repeat(20000 * k) + "x",
    "_a ".repeat(20000 * k),
    "[a](".repeat(20000 * k),
    "<http:".repeat(20000 * k),
    "a\n".repeat(40000 * k),
    "  - x\n".repeat(10000 * k),
    "*".repeat(20 * k) + "a".repeat(100000) + "*".repeat(20 * k),
    "![".repeat(20000 * k),
    "[a](x (".repeat(20000 * k),
    '[a](x "'.repeat(20000 * k),
    "*a ".repeat(5000 * k) + "b" + " a*".repeat(5000 * k),
    "\\".repeat(30000 * k) + ")",
    Array.from({ length: 3000 * k }, (_, i) => "> ".repeat(i % 30) + "x").join("\n"),
    "|".repeat(100000),
    "| a ".repeat(2000) + "|\n" + "|-".repeat(2000) + "|\n" + "| x ".repeat(25000),
    "[x]: /u\n".repeat(15000) + "[x]".repeat(10000),
    "&#".repeat(50000),
    "~~".repeat(50000) + "x",
    "1. ".repeat(40000) + "x",
  ];
  for (const s of inputs) {
    expect(s.length).toBeGreaterThanOrEqual(100_000);
    const out = md(s);
    expect(out.length).toBeLessThanOrEqual(3 * s.length + 100);
    expect(problems(out)).toEqual([]);
  }
});
