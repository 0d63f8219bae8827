import { describe, expect, test } from "bun:test";
import { App, dcc, html, Input, Output, State } from "../../src/index.ts";
import { memoryLogger } from "../../src/core/log.ts";
import { thrown } from "../helpers/errors.ts";

function app() {
  const a = new App({ logger: memoryLogger() });
  a.layout = html.Div([
    dcc.Slider({ id: "s" }),
    dcc.Input({ id: "i" }),
    html.Div({ id: "o" }),
    html.Div({ id: "p" }),
    html.Div({ id: "q" }),
  ]);
  return a;
}

const code = (fn: () => unknown) => thrown(fn);

describe("registration errors say what was expected, what was found, and the fix", () => {
  test("dependencies out of order", () => {
    const e = code(() => app().callback(Input("s", "value"), Output("o", "children"), (v: unknown) => v));
    expect(e.code).toBe("DD_ARG_ORDER");
    expect(e.message).toContain('after Input("s", "value") came Output("o", "children")');
    expect(e.message).toContain("fix:");
  });

  test("State before Input", () => {
    expect(code(() => app().callback(Output("o", "children"), State("i", "value"), Input("s", "value"), (a: unknown) => a)).code).toBe(
      "DD_ARG_ORDER",
    );
  });

  test("no function, no input, no output, strings instead of dependencies", () => {
    expect(code(() => app().callback(...([Output("o", "children"), Input("s", "value")] as never as [() => 1]))).message).toContain(
      "without a function",
    );
    expect(code(() => app().callback(Output("o", "children"), [], () => 1)).code).toBe("DD_BAD_DEPENDENCY");
    expect(code(() => app().callback(Input("s", "value"), () => 1)).message).toContain("has no Output");
    expect(code(() => app().callback("o.children" as never, Input("s", "value"), () => 1)).message).toContain(
      "not an Input, Output or State",
    );
  });

  test("too many parameters for the inputs and states", () => {
    const e = code(() => app().callback(Output("o", "children"), Input("s", "value"), (a: unknown, b: unknown, c: unknown) => [a, b, c]));
    expect(e.code).toBe("DD_ARITY");
    expect(e.message).toContain("a function of 3 parameters");
  });

  test("duplicate outputs within and across callbacks", () => {
    const a = app();
    expect(code(() => a.callback([Output("o", "children"), Output("o", "children")], Input("s", "value"), () => [1, 2])).code).toBe(
      "DD_DUPLICATE_OUTPUT",
    );
    a.callback(Output("o", "children"), Input("s", "value"), function first() {
      return 1;
    });
    const e = code(() =>
      a.callback(Output("o", "children"), Input("i", "value"), function second() {
        return 2;
      }),
    );
    expect(e.code).toBe("DD_DUPLICATE_OUTPUT");
    expect(e.message).toContain('"first" and "second"');
    expect(e.message).toContain("alternate output");
  });

  test("cycles: direct and through a chain", () => {
    expect(code(() => app().callback(Output("o", "children"), Input("o", "children"), (v: unknown) => v)).code).toBe("DD_CYCLE");
    const a = app();
    a.callback(Output("p", "children"), Input("o", "children"), (v: unknown) => v);
    a.callback(Output("q", "children"), Input("p", "children"), (v: unknown) => v);
    const e = code(() => a.callback(Output("o", "children"), Input("q", "children"), (v: unknown) => v));
    expect(e.code).toBe("DD_CYCLE");
    expect(e.message).toContain("o.children");
    expect(e.message).toContain("q.children");
  });

  test("an output that feeds its own State is allowed and its first call terminates (the original's issue #5)", async () => {
    const a = app();
    a.callbackShared(
      Output("o", "children"),
      Input("s", "value"),
      State("o", "children"),
      (v: number, prev: unknown) => `${prev ?? ""}${v}`,
    );
    a.runtime.validate();
    await a.runtime.initialShared();
    expect(a.runtime.value("o", "children")).toBe("null"); // the slider has no value yet
  });

  test("unknown ids and props are found at start, with a hint", () => {
    const a = app();
    a.callback(Output("o", "children"), Input("S", "value"), (v: unknown) => v);
    const e = code(() => a.runtime.validate());
    expect(e.code).toBe("DD_UNKNOWN_ID");
    expect(e.message).toContain('did you mean "s"');
    const b = app();
    b.callback(Output("o", "children"), Input("s", "valu"), (v: unknown) => v);
    expect(code(() => b.runtime.validate()).code).toBe("DD_UNKNOWN_PROP");
  });

  test("validationLayout and suppressCallbackExceptions admit components created later", () => {
    const a = app();
    const later = html.Div({ id: "later" });
    a.validationLayout = [later];
    a.callback(Output("later", "children"), Input("s", "value"), (v: unknown) => v);
    a.runtime.validate();
    const b = new App({ logger: memoryLogger(), suppressCallbackExceptions: true });
    b.layout = html.Div([dcc.Slider({ id: "s" })]);
    b.callback(Output("later", "children"), Input("s", "value"), (v: unknown) => v);
    b.runtime.validate();
  });

  test("mostRecent requires serialized", () => {
    const e = code(() =>
      app().callback(Output("o", "children"), Input("s", "value"), (v: unknown) => v, { service: { serialized: false, mostRecent: true } }),
    );
    expect(e.code).toBe("DD_BAD_OPTION");
  });

  test("unknown props on components fail where they are written", () => {
    const e = code(() => dcc.Slider({ id: "x", maxx: 3 } as never));
    expect(e.code).toBe("DD_UNKNOWN_PROP");
    expect(e.message).toContain('dcc.Slider "x" has no prop "maxx"');
  });

  test("no layout", () => {
    const a = new App({ logger: memoryLogger() });
    expect(code(() => a.runtime.validate()).code).toBe("DD_NO_LAYOUT");
  });
});

describe("the core imports no framework, database or hardware", () => {
  test("src/core/** imports only src/core/** and pure libraries (no I/O, no globals)", async () => {
    // markdown-it: string in, string out (dcc.Markdown; see src/core/markdown.ts).
    const PURE = new Set(["markdown-it"]);
    const glob = new Bun.Glob("src/core/**/*.ts");
    const bad: string[] = [];
    for await (const f of glob.scan(".")) {
      const text = await Bun.file(f).text();
      for (const m of text.matchAll(/from\s+"([^"]+)"/g)) {
        const spec = m[1]!;
        if (!spec.startsWith(".") && !PURE.has(spec)) bad.push(`${f}: ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });
});

describe("every control sends the way the app's service says", () => {
  test("with the HTTP service no control renders hx-ws:send", async () => {
    const { renderChild } = await import("../../src/core/component.ts");
    const controls = [
      dcc.Slider({ id: "a" }),
      dcc.RangeSlider({ id: "b" }),
      dcc.Input({ id: "c" }),
      dcc.Textarea({ id: "d" }),
      dcc.Checklist({ id: "e", options: ["x"] }),
      dcc.RadioItems({ id: "f", options: ["x"] }),
      dcc.Dropdown({ id: "g", options: ["x"] }),
      dcc.Switch({ id: "h" }),
      html.Button("b", { id: "i" }),
    ];
    const { transportNamed } = await import("../../src/transports/index.ts");
    const http = renderChild(controls, { resolve: () => undefined, sendAttrs: transportNamed("http").sendAttrs });
    const ws = renderChild(controls, { resolve: () => undefined, sendAttrs: transportNamed("websocket").sendAttrs });
    const none = renderChild(controls, { resolve: () => undefined });
    expect(http).not.toContain("hx-ws:send");
    expect(http.match(/hx-post="_dd\/update"/g)?.length).toBe(controls.length);
    expect(ws.match(/hx-ws:send/g)?.length).toBe(controls.length);
    // The core names no transport: without one, controls render but carry nothing that sends.
    expect(none).not.toMatch(/hx-ws:send|hx-post/);
  });
});
