import { describe, expect, test } from "bun:test";
import { dcc } from "../../../src/core/dcc/index.ts";
import { elements } from "../../helpers/markup.ts";
import { expectCode, render } from "../../helpers/render.ts";

describe("dcc.Interval", () => {
  test("renders only a hidden marker with its settings, and sends nothing", () => {
    const c = dcc.Interval({ id: "tick" });
    const out = render(c);
    expect(out).toBe('<div id="tick" class="dd-interval" hidden data-interval="1000" data-max-intervals="-1"></div>');
    expect(c.spec.input).toBeUndefined();
    expect(c.spec.serverOnly).toBe(true); // ticks are not re-rendered to tabs
    expect(c.props).toMatchObject({ interval: 1000, n_intervals: 0, max_intervals: -1, disabled: false });
  });
  test("settings and disabled", () => {
    const [el] = elements(render(dcc.Interval({ id: "t", interval: 250, n_intervals: 3, max_intervals: 10, disabled: true })));
    expect(el!.attrs).toMatchObject({ hidden: true, "data-interval": "250", "data-max-intervals": "10", "data-disabled": true });
  });
  test("bad settings fail when made", () => {
    expectCode(() => dcc.Interval({ id: "t", interval: 0 }), "DD_BAD_COMPONENT");
    expectCode(() => dcc.Interval({ id: "t", interval: "1000" }), "DD_BAD_COMPONENT");
    expectCode(() => dcc.Interval({ id: "t", n_intervals: 1.5 }), "DD_BAD_COMPONENT");
    expectCode(() => dcc.Interval({ id: "t", max_intervals: -2 }), "DD_BAD_COMPONENT");
  });
});

describe("dcc.Store", () => {
  test("renders a hidden empty element, never the data", () => {
    const c = dcc.Store({
      id: "cfg",
      data: { password: "hunter2", html: "<b>" },
      storage_type: "shared",
      className: "x",
      style: { color: "red" },
    });
    const out = render(c);
    expect(out).toBe('<div id="cfg" class="dd-store" hidden data-storage="shared"></div>');
    expect(out).not.toContain("hunter2");
    expect(c.spec.input).toBeUndefined();
    expect(c.spec.serverOnly).toBe(true); // data changes are never sent to tabs
    expect(dcc.Store({ id: "s" }).props.storage_type).toBe("memory");
  });
  test("Dash's browser storage types are refused with a fix", () => {
    const err = expectCode(() => dcc.Store({ id: "s", storage_type: "local" }), "DD_BAD_COMPONENT");
    expect(err.message).toContain('"memory"');
  });
});

describe("dcc.Loading", () => {
  test("wraps its children in .dd-loading with a spinner element for the CSS", () => {
    const out = render(dcc.Loading([dcc.Switch({ id: "s" })], { id: "load", type: "circle" }));
    const [root] = elements(out);
    expect(root!.attrs).toEqual({ id: "load", class: "dd-loading", "data-type": "circle" });
    expect(out).toContain('<label id="s"');
    expect(out.endsWith('<span class="dd-loading-spinner" aria-hidden="true"></span></div>')).toBe(true);
    expect(out).not.toContain("<script");
  });
  test("color becomes a CSS custom property; unknown types fail when made", () => {
    expect(render(dcc.Loading("x", { color: "#e80" }))).toContain('style="--dd-loading-color:#e80;"');
    expect(render(dcc.Loading("x", { color: "red;}</style>" }))).not.toContain("style=");
    expectCode(() => dcc.Loading("x", { type: "cube" }), "DD_BAD_COMPONENT");
  });
});

describe("dcc.Markdown component", () => {
  test("dcc.Markdown(text) via the factory; root carries id and class", () => {
    const out = render(dcc.Markdown("# hi", { id: "doc" }));
    expect(out).toBe('<div id="doc" class="dd-markdown"><h1>hi</h1></div>');
  });
  test("indented source is dedented; a list of strings is joined by newlines", () => {
    expect(
      render(
        dcc.Markdown(`
        # Title
        text`),
      ),
    ).toBe('<div class="dd-markdown"><h1>Title</h1>\n<p>text</p></div>');
    expect(render(dcc.Markdown(["a", "", "b"]))).toBe('<div class="dd-markdown"><p>a</p>\n<p>b</p></div>');
    expect(render(dcc.Markdown("    code", { dedent: false }))).toContain("<pre><code>code\n</code></pre>");
  });
  test("link_target opens links in a new tab safely", () => {
    expect(render(dcc.Markdown("[x](https://a.b)", { link_target: "_blank" }))).toContain(
      '<a href="https://a.b" target="_blank" rel="noopener noreferrer">x</a>',
    );
  });
  test("components as children fail when made", () => {
    expectCode(() => dcc.Markdown([dcc.Store({ id: "s" })]), "DD_BAD_COMPONENT");
  });
});
