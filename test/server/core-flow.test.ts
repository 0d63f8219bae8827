import { describe, expect, test } from "bun:test";
import { dcc, html, Input, Output, State } from "../../src/index.ts";
import { type Build, useApp, useTabs } from "../helpers/fixtures.ts";

// Every test here runs twice: over the WebSocket, and over the HTTP service (posts + SSE).
for (const service of ["websocket", "http"] as const) {
  describe(`over ${service}`, () => {
    const srv = useApp();
    const tabs = useTabs(srv);
    const connect = tabs.openAny;
    const start = (build: Build) => srv.start(build, { serverService: service });

    function example1(app: import("../../src/index.ts").App) {
      app.layout = html.Div([
        dcc.Slider({ id: "shared_slider", min: 0, max: 10, value: 5, updatemode: "drag" }),
        html.Div({ id: "shared_slider_output" }),
        dcc.Slider({ id: "regular_slider", min: 0, max: 10, value: 5, updatemode: "drag" }),
        html.Div({ id: "regular_slider_output" }),
      ]);
      app.callbackShared(Output("shared_slider_output", "children"), Input("shared_slider", "value"), (v) => `shared ${v}`);
      app.callback(
        Output("regular_slider_output", "children"),
        Input("regular_slider", "value"),
        (v, ctx) => `regular ${v} ${ctx.client.id}`,
      );
    }

    describe("page and shared state", () => {
      test("GET / renders the layout with the shared callback's initial output", async () => {
        await start(example1);
        const page = await (await fetch(srv.url + "/")).text();
        expect(page).toContain(service === "http" ? 'hx-sse:connect="_dd/events?v=' : 'hx-ws:connect="ws?v=');
        expect(page).toContain('<div id="shared_slider_output">shared 5</div>');
        // regular callbacks are first called per tab, not at server start
        expect(page).toContain('<div id="regular_slider_output"></div>');
      });

      test("a regular callback's first call happens when a tab connects, for that tab only", async () => {
        await start(example1);
        const a = await connect();
        await a.waitFor((c) => c.text("regular_slider_output")?.startsWith("regular 5") ?? false);
        expect(a.text("regular_slider_output")).toContain([...srv.app.clients][0]!.id);
      });

      test("a shared change reaches every tab; a regular one only its own", async () => {
        await start(example1);
        const a = await connect();
        const b = await connect();
        const s1 = a.set("shared_slider", 7);
        await a.waitAck(s1);
        await b.waitText("shared_slider_output", "shared 7");
        expect(a.text("shared_slider_output")).toBe("shared 7");
        // B's slider knob moved; A gets the echo too (it settles A's knob if changes crossed)
        expect(b.inputValue("shared_slider")).toBe("7");
        expect(a.inputValue("shared_slider")).toBe("7");

        await b.waitFor((c) => c.text("regular_slider_output")?.startsWith("regular 5") ?? false);
        const s2 = a.set("regular_slider", 2);
        await a.waitAck(s2);
        expect(a.text("regular_slider_output")).toStartWith("regular 2");
        await Bun.sleep(50);
        expect(b.text("regular_slider_output")).toStartWith("regular 5");
      });

      test("a new page shows the current shared state, not the layout's default", async () => {
        await start(example1);
        const a = await connect();
        await a.change("shared_slider", 9);
        const page = await (await fetch(srv.url + "/")).text();
        expect(page).toMatch(/name="shared_slider"[^>]*value="9"/);
        expect(page).toContain(">shared 9<");
        expect(page).toMatch(/name="regular_slider"[^>]*value="5"/);
      });

      test("a tab whose page is older than the shared state gets a snapshot of the root", async () => {
        await start(example1);
        const stale = srv.runtime.version;
        const a = await connect();
        await a.change("shared_slider", 3);
        const b = await connect({ version: stale });
        await b.waitFor((c) => c.dom.has("dd-root"));
        expect(b.dom.get("dd-root")).toContain(">shared 3<");
      });
    });

    describe("callbacks", () => {
      test("State is read but does not trigger; alternate outputs replace declared ones", async () => {
        await start((app) => {
          app.layout = html.Div([
            dcc.Input({ id: "user", value: "" }),
            dcc.Input({ id: "pw", type: "password", value: "" }),
            html.Button("Go", { id: "go" }),
            html.Div({ id: "content" }),
            html.Div({ id: "message" }),
          ]);
          app.callback(
            Output("content", "children"),
            Input("go", "n_clicks"),
            State("user", "value"),
            State("pw", "value"),
            (n, user, pw) => {
              if (!n) return "please log in";
              if (user === "u" && pw === "p") return "welcome";
              return [Output("message", "children", "wrong"), Output("pw", "value", "")];
            },
          );
        });
        const a = await connect();
        await a.waitText("content", "please log in");
        a.set("user", "u", "input");
        a.set("pw", "x", "input");
        await a.click("go");
        expect(a.text("message")).toBe("wrong");
        expect(a.inputValue("pw")).toBe("");
        expect(a.text("content")).toBe("please log in");
        a.set("pw", "p", "input");
        await a.click("go");
        expect(a.text("content")).toBe("welcome");
      });

      test("chains run on the server in order, each callback once", async () => {
        const calls: string[] = [];
        await start((app) => {
          app.layout = html.Div([
            dcc.Slider({ id: "s", min: 0, max: 100, value: 1 }),
            html.Div({ id: "a" }),
            html.Div({ id: "b" }),
            html.Div({ id: "c" }),
          ]);
          app.callbackShared(Output("a", "children"), Input("s", "value"), (v) => (calls.push(`a${v}`), v * 2));
          app.callbackShared(Output("b", "children"), Input("a", "children"), (v) => (calls.push(`b${v}`), v + 1));
          app.callbackShared(Output("c", "children"), Input("a", "children"), Input("b", "children"), async (a, b) => {
            await Bun.sleep(1);
            calls.push(`c${a},${b}`);
            return `${a}/${b}`;
          });
        });
        expect(calls).toEqual(["a1", "b2", "c2,3"]);
        const a = await connect();
        await a.change("s", 10);
        expect(calls.slice(3)).toEqual(["a10", "b20", "c20,21"]);
        expect(a.text("c")).toBe("20/21");
      });

      test("a callback that throws shows an error to its tab and the app keeps serving", async () => {
        await start((app) => {
          app.layout = html.Div([dcc.Slider({ id: "s", min: 0, max: 10, value: 1 }), html.Div({ id: "o" })]);
          app.callbackShared(Output("o", "children"), Input("s", "value"), (v) => {
            if (v === 4) throw new Error("sensor on fire");
            return `ok ${v}`;
          });
        });
        const a = await connect();
        const b = await connect();
        await a.change("s", 4);
        expect(a.errors.at(-1)?.code).toBe("DD_CALLBACK_ERROR");
        expect(a.errors.at(-1)?.message).toContain("sensor on fire");
        expect(b.errors).toHaveLength(0);
        expect(srv.log.join("\n")).toContain("callback.error");
        await a.change("s", 5);
        await b.waitText("o", "ok 5");
      });

      test("multi-output callbacks with noUpdate; wrong output count is a clear error", async () => {
        const { noUpdate } = await import("../../src/index.ts");
        await start((app) => {
          app.layout = html.Div([dcc.Slider({ id: "s", min: 0, max: 10, value: 1 }), html.Div({ id: "x" }), html.Div({ id: "y" })]);
          app.callback([Output("x", "children"), Output("y", "children")], Input("s", "value"), (v) =>
            v === 9 ? [1] : [`x${v}`, v > 5 ? noUpdate : `y${v}`],
          );
        });
        const a = await connect();
        await a.waitText("y", "y1");
        await a.change("s", 7);
        expect(a.text("x")).toBe("x7");
        expect(a.text("y")).toBe("y1");
        await a.change("s", 9);
        expect(a.errors.at(-1)?.code).toBe("DD_OUTPUT_COUNT");
        expect(a.errors.at(-1)?.message).toContain("an array of 2 values");
      });
    });
  });
}
