import { describe, expect, test } from "bun:test";
import { dedent, renderMarkdown as md } from "../../src/core/markdown.ts";
import { scan } from "../helpers/markup.ts";

describe("markdown blocks", () => {
  test("headings (ATX and setext), paragraphs, rules", () => {
    expect(md("# One\n## Two ##\n###### Six")).toBe("<h1>One</h1><h2>Two</h2><h6>Six</h6>");
    expect(md("#no space")).toBe("<p>#no space</p>");
    expect(md("Big\n===\n\nSmall\n---")).toBe("<h1>Big</h1><h2>Small</h2>");
    expect(md("a\nb\n\nc")).toBe("<p>a\nb</p><p>c</p>");
    expect(md("---\n***\n_ _ _")).toBe("<hr><hr><hr>");
  });

  test("fenced and indented code blocks keep their text, escaped", () => {
    expect(md("```python\nif a < b:\n    **x**\n```")).toBe('<pre><code class="language-python">if a &lt; b:\n    **x**\n</code></pre>');
    expect(md("~~~\n<script>\n~~~")).toBe("<pre><code>&lt;script&gt;\n</code></pre>");
    expect(md("```\nnot closed")).toBe("<pre><code>not closed\n</code></pre>");
    expect(md('```"><script>\nx\n```')).toBe("<pre><code>x\n</code></pre>");
    expect(md("    a = 1\n\n    b = 2\n\npara")).toBe("<pre><code>a = 1\n\nb = 2\n</code></pre><p>para</p>");
  });

  test("lists: bullets, ordered with start, nested, tight and loose", () => {
    expect(md("- a\n- b")).toBe("<ul><li>a</li><li>b</li></ul>");
    expect(md("* a\n* b\n\n* c")).toBe("<ul><li><p>a</p></li><li><p>b</p></li><li><p>c</p></li></ul>");
    expect(md("3. x\n4. y")).toBe('<ol start="3"><li>x</li><li>y</li></ol>');
    expect(md("1) x")).toBe("<ol><li>x</li></ol>");
    expect(md("- a\n  - b\n    1. c\n- d")).toBe("<ul><li>a<ul><li>b<ol><li>c</li></ol></li></ul></li><li>d</li></ul>");
    expect(md("- a\ncontinued")).toBe("<ul><li>a\ncontinued</li></ul>");
    expect(md("- a\n+ b")).toBe("<ul><li>a</li></ul><ul><li>b</li></ul>");
    expect(md("text\n- item")).toBe("<p>text</p><ul><li>item</li></ul>");
  });

  test("blockquotes, nested and lazy", () => {
    expect(md("> quote\n> more")).toBe("<blockquote><p>quote\nmore</p></blockquote>");
    expect(md("> a\nlazy")).toBe("<blockquote><p>a\nlazy</p></blockquote>");
    expect(md("> > deep\n> # h")).toBe("<blockquote><blockquote><p>deep</p></blockquote><h1>h</h1></blockquote>");
  });

  test("hard line breaks: two trailing spaces or a backslash", () => {
    expect(md("a  \nb\\\nc\nd")).toBe("<p>a<br>b<br>c\nd</p>");
  });
});

describe("markdown inline", () => {
  test("strong, em, strike, code", () => {
    expect(md("**b** *i* __b__ _i_ ***bi*** ~~s~~")).toBe("<p><strong>b</strong> <em>i</em> <strong>b</strong> <em>i</em> <em><strong>bi</strong></em> <del>s</del></p>");
    expect(md("*a **b** c*")).toBe("<p><em>a <strong>b</strong> c</em></p>");
    expect(md("`a*b*c` and `` x ` y ``")).toBe("<p><code>a*b*c</code> and <code>x ` y</code></p>");
  });
  test("no emphasis inside words with _ (snake_case names), nor around spaces", () => {
    expect(md("sensor_temp_max and a * b * c and **x")).toBe("<p>sensor_temp_max and a * b * c and **x</p>");
  });
  test("backslash escapes", () => {
    expect(md("\\*not\\* \\# \\\\ \\a")).toBe("<p>*not* # \\ \\a</p>");
  });
  test("links, titles, autolinks, images", () => {
    expect(md("[site](https://example.com)")).toBe('<p><a href="https://example.com">site</a></p>');
    expect(md('[t](/path?a=1&b=2 "Title")')).toBe('<p><a href="/path?a=1&amp;b=2" title="Title">t</a></p>');
    expect(md("[**bold** link](#x)")).toBe('<p><a href="#x"><strong>bold</strong> link</a></p>');
    expect(md("[a](<with space.html>)")).toBe('<p><a href="with space.html">a</a></p>');
    expect(md("[a](wiki/(x))")).toBe('<p><a href="wiki/(x)">a</a></p>');
    expect(md("<https://a.b/c>")).toBe('<p><a href="https://a.b/c">https://a.b/c</a></p>');
    expect(md("![cam](/snap.jpg)")).toBe('<p><img src="/snap.jpg" alt="cam"></p>');
    expect(md("[not a link] (x)")).toBe("<p>[not a link] (x)</p>");
    expect(md("[outer [inner](/i)](/o)")).toBe('<p><a href="/o">outer [inner](/i)</a></p>');
  });
});

describe("markdown safety", () => {
  test("raw HTML is shown as text", () => {
    expect(md("<script>alert(1)</script>")).toBe("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
    expect(md('<img src=x onerror="alert(1)">')).toBe("<p>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</p>");
    expect(md("# <b>h</b>")).toBe("<h1>&lt;b&gt;h&lt;/b&gt;</h1>");
    expect(md("&lt;b&gt;")).toBe("<p>&amp;lt;b&amp;gt;</p>");
  });

  test("unsafe link and image URLs are dropped, leaving the text", () => {
    for (const url of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "vbscript:x", "data:text/html,<script>", "java\tscript:alert(1)", "\x01javascript:alert(1)", "java\\\nscript:x"]) {
      const out = md(`[click](${url}) ![img](${url}) <${url}>`);
      expect(out).not.toContain("<a ");
      expect(out).not.toContain("<img");
      expect(out).toContain("click");
    }
    expect(md("[x](<javascript:alert(1)>)")).toBe("<p>x</p>");
  });

  test("quotes in URLs and titles cannot leave the attribute", () => {
    const out = md('[x](/a"onmouseover="alert(1) "t\\"onclick=\\"y")');
    expect(scan(out).violations).toEqual([]);
    expect(out).not.toMatch(/\son[a-z]+=/);
  });

  test("pathological input (100,000 characters and more) is handled, and the output stays safe and proportionate", () => {
    // No clock: each input is 100k-600k characters, so a parser that backtracks (quadratic or worse)
    // needs 10^10 steps or more on one of them and runs into the test's timeout; a linear one takes
    // about a second for all of them. The output is checked to be safe and at most a few times the input.
    const k = 5;
    const inputs = [
      "*a ".repeat(20000 * k), "**".repeat(30000 * k), "[".repeat(30000 * k) + "](" + ")".repeat(30000 * k), "`".repeat(100000) + "x",
      "` `` ``` ````".repeat(3000 * k), "> ".repeat(20000 * k) + "x", "- ".repeat(20000 * k) + "x", "_a ".repeat(20000 * k),
      "[a](".repeat(20000 * k), "<http:".repeat(20000 * k), "a\n".repeat(40000 * k), "  - x\n".repeat(10000 * k),
      "*".repeat(20 * k) + "a".repeat(100000) + "*".repeat(20 * k), "![".repeat(20000 * k), "[a](x (".repeat(20000 * k),
      '[a](x "'.repeat(20000 * k), "*a ".repeat(5000 * k) + "b" + " a*".repeat(5000 * k), "\\".repeat(30000 * k) + ")",
      Array.from({ length: 3000 * k }, (_, i) => "> ".repeat(i % 30) + "x").join("\n"),
    ];
    for (const s of inputs) {
      expect(s.length).toBeGreaterThanOrEqual(100_000);
      const out = md(s);
      expect(out.length).toBeLessThanOrEqual(3 * s.length + 100);
      expect(scan(out).violations).toEqual([]);
    }
  });
});

test("dedent removes the common indentation only", () => {
  expect(dedent("\n    a\n      b\n\n    c")).toBe("\na\n  b\n\nc");
  expect(dedent("a\n  b")).toBe("a\n  b");
});
