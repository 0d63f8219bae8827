// dcc.Markdown's renderer (markdown-it, configured in src/core/markdown.ts): what users write
// renders as CommonMark says, and hostile Markdown renders only our tags, attributes and URLs.
import { describe, expect, test } from "bun:test";
import { dcc } from "../../src/core/dcc/index.ts";
import { dedent, renderMarkdown as md } from "../../src/core/markdown.ts";
import { expectCode } from "../helpers/render.ts";
import { scan } from "../helpers/markup.ts";

/** Block-level output: markdown-it puts a newline after each block tag. */
const lines = (...parts: string[]) => parts.join("\n");

describe("markdown blocks", () => {
  test("headings (ATX and setext), paragraphs, rules", () => {
    expect(md("# One\n## Two ##\n###### Six")).toBe(lines("<h1>One</h1>", "<h2>Two</h2>", "<h6>Six</h6>"));
    expect(md("#no space")).toBe("<p>#no space</p>");
    expect(md("Big\n===\n\nSmall\n---")).toBe(lines("<h1>Big</h1>", "<h2>Small</h2>"));
    expect(md("a\nb\n\nc")).toBe(lines("<p>a", "b</p>", "<p>c</p>"));
    expect(md("---\n***\n_ _ _")).toBe(lines("<hr>", "<hr>", "<hr>"));
  });

  test("fenced and indented code blocks keep their text, escaped; the language is reduced to a class-safe word", () => {
    expect(md("```python\nif a < b:\n    **x**\n```")).toBe('<pre><code class="language-python">if a &lt; b:\n    **x**\n</code></pre>');
    expect(md("~~~\n<script>\n~~~")).toBe("<pre><code>&lt;script&gt;\n</code></pre>");
    expect(md("```\nnot closed")).toBe("<pre><code>not closed</code></pre>");
    expect(md('```"><script>\nx\n```')).toBe("<pre><code>x\n</code></pre>");
    expect(md('```c++" onclick="x\ny\n```')).toBe('<pre><code class="language-c++">y\n</code></pre>');
    expect(md("    a = 1\n\n    b = 2\n\npara")).toBe(lines("<pre><code>a = 1\n\nb = 2\n</code></pre>", "<p>para</p>"));
  });

  test("lists: bullets, ordered with start, nested, tight and loose", () => {
    expect(md("- a\n- b")).toBe(lines("<ul>", "<li>a</li>", "<li>b</li>", "</ul>"));
    expect(md("* a\n* b\n\n* c")).toBe(
      lines("<ul>", "<li>", "<p>a</p>", "</li>", "<li>", "<p>b</p>", "</li>", "<li>", "<p>c</p>", "</li>", "</ul>"),
    );
    expect(md("3. x\n4. y")).toBe(lines('<ol start="3">', "<li>x</li>", "<li>y</li>", "</ol>"));
    expect(md("1) x")).toBe(lines("<ol>", "<li>x</li>", "</ol>"));
    expect(md("- a\n  - b\n    1. c\n- d")).toBe(
      lines("<ul>", "<li>a", "<ul>", "<li>b", "<ol>", "<li>c</li>", "</ol>", "</li>", "</ul>", "</li>", "<li>d</li>", "</ul>"),
    );
    expect(md("- a\ncontinued")).toBe(lines("<ul>", "<li>a", "continued</li>", "</ul>"));
    expect(md("- a\n+ b")).toBe(lines("<ul>", "<li>a</li>", "</ul>", "<ul>", "<li>b</li>", "</ul>"));
    expect(md("text\n- item")).toBe(lines("<p>text</p>", "<ul>", "<li>item</li>", "</ul>"));
  });

  test("blockquotes, nested and lazy", () => {
    expect(md("> quote\n> more")).toBe(lines("<blockquote>", "<p>quote", "more</p>", "</blockquote>"));
    expect(md("> a\nlazy")).toBe(lines("<blockquote>", "<p>a", "lazy</p>", "</blockquote>"));
    expect(md("> > deep\n> # h")).toBe(
      lines("<blockquote>", "<blockquote>", "<p>deep</p>", "</blockquote>", "<h1>h</h1>", "</blockquote>"),
    );
  });

  test("hard line breaks: two trailing spaces or a backslash", () => {
    expect(md("a  \nb\\\nc\nd")).toBe(lines("<p>a<br>", "b<br>", "c", "d</p>"));
  });

  test("GFM tables, with column alignment", () => {
    expect(md("| a | b |\n|:--|--:|\n| 1 | `2` |")).toBe(
      lines(
        "<table>",
        "<thead>",
        "<tr>",
        '<th style="text-align:left">a</th>',
        '<th style="text-align:right">b</th>',
        "</tr>",
        "</thead>",
        "<tbody>",
        "<tr>",
        '<td style="text-align:left">1</td>',
        '<td style="text-align:right"><code>2</code></td>',
        "</tr>",
        "</tbody>",
        "</table>",
      ),
    );
  });
});

describe("markdown inline", () => {
  test("strong, em, strike, code", () => {
    expect(md("**b** *i* __b__ _i_ ***bi*** ~~s~~")).toBe(
      "<p><strong>b</strong> <em>i</em> <strong>b</strong> <em>i</em> <em><strong>bi</strong></em> <del>s</del></p>",
    );
    expect(md("*a **b** c*")).toBe("<p><em>a <strong>b</strong> c</em></p>");
    expect(md("`a*b*c` and `` x ` y ``")).toBe("<p><code>a*b*c</code> and <code>x ` y</code></p>");
  });
  test("no emphasis inside words with _ (snake_case names), nor around spaces", () => {
    expect(md("sensor_temp_max and a * b * c and **x")).toBe("<p>sensor_temp_max and a * b * c and **x</p>");
  });
  test("backslash escapes; entities decode to text, then are escaped again; ' is escaped like everywhere", () => {
    expect(md("\\*not\\* \\# \\\\ \\a")).toBe("<p>*not* # \\ \\a</p>");
    expect(md("&lt;b&gt; &copy; &#35; it's")).toBe("<p>&lt;b&gt; © # it&#39;s</p>");
  });
  test("links, titles, reference links, autolinks, images", () => {
    expect(md("[site](https://example.com)")).toBe('<p><a href="https://example.com">site</a></p>');
    expect(md('[t](/path?a=1&b=2 "Title")')).toBe('<p><a href="/path?a=1&amp;b=2" title="Title">t</a></p>');
    expect(md("[**bold** link](#x)")).toBe('<p><a href="#x"><strong>bold</strong> link</a></p>');
    expect(md("[a](<with space.html>)")).toBe('<p><a href="with%20space.html">a</a></p>');
    expect(md("[a](wiki/(x))")).toBe('<p><a href="wiki/(x)">a</a></p>');
    expect(md("[x][r] and [r]\n\n[r]: /u 'T'")).toBe('<p><a href="/u" title="T">x</a> and <a href="/u" title="T">r</a></p>');
    expect(md("<https://a.b/c>")).toBe('<p><a href="https://a.b/c">https://a.b/c</a></p>');
    expect(md("![cam](/snap.jpg)")).toBe('<p><img src="/snap.jpg" alt="cam"></p>');
    expect(md("[not a link] (x)")).toBe("<p>[not a link] (x)</p>");
    expect(md("[outer [inner](/i)](/o)")).toBe('<p>[outer <a href="/i">inner</a>](/o)</p>'); // links do not nest (CommonMark)
  });
  test("link_target adds target and rel to every link, escaped", () => {
    expect(md("[x](https://a.b) <https://c.d>", { linkTarget: "_blank" })).toBe(
      '<p><a href="https://a.b" target="_blank" rel="noopener noreferrer">x</a> <a href="https://c.d" target="_blank" rel="noopener noreferrer">https://c.d</a></p>',
    );
    expect(md("[x](/u)", { linkTarget: '"><script>' })).toBe(
      '<p><a href="/u" target="&quot;&gt;&lt;script&gt;" rel="noopener noreferrer">x</a></p>',
    );
  });
});

describe("markdown safety", () => {
  test("raw HTML is shown as text", () => {
    expect(md("<script>alert(1)</script>")).toBe("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
    expect(md('<img src=x onerror="alert(1)">')).toBe("<p>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</p>");
    expect(md("# <b>h</b>")).toBe("<h1>&lt;b&gt;h&lt;/b&gt;</h1>");
    expect(md("<div>\n*x*\n</div>")).toBe("<p>&lt;div&gt;\n<em>x</em>\n&lt;/div&gt;</p>");
  });

  test("dangerously_allow_html is refused: there is no way to turn raw HTML on", () => {
    expectCode(() => dcc.Markdown("<b>x</b>", { dangerously_allow_html: true } as never), "DD_UNKNOWN_PROP");
  });

  test("unsafe link and image URLs are refused, leaving the text", () => {
    for (const url of [
      "javascript:alert(1)",
      "JaVaScRiPt:alert(1)",
      " javascript:alert(1)",
      "vbscript:x",
      "data:text/html,<script>",
      "java\tscript:alert(1)",
      "\x01javascript:alert(1)",
    ]) {
      const out = md(`[click](${url}) ![img](${url}) <${url}>`);
      expect(out).not.toContain("<a ");
      expect(out).not.toContain("<img");
      expect(out).toContain("click");
    }
    expect(md("[x](<javascript:alert(1)>)")).toBe("<p>[x](&lt;javascript:alert(1)&gt;)</p>");
  });

  test("quotes in URLs and titles cannot leave the attribute", () => {
    const out = md('[x](/a"onmouseover="alert(1) "t\\"onclick=\\"y")');
    expect(scan(out).violations).toEqual([]);
    expect(out).not.toMatch(/\son[a-z]+=/);
  });
});

test("dedent removes the common indentation only", () => {
  expect(dedent("\n    a\n      b\n\n    c")).toBe("\na\n  b\n\nc");
  expect(dedent("a\n  b")).toBe("a\n  b");
});
