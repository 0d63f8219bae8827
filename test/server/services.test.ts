// Services: who sees outputs, whether calls are serialized, when the first call happens.
import { expect, test } from "bun:test";
import { dcc, html, Input, Output, Services, State } from "../../src/index.ts";
import { useApp, useTabs } from "../helpers/fixtures.ts";

const srv = useApp();
const tabs = useTabs(srv);

function concurrencyApp(service: object) {
  const stats = { running: 0, max: 0, calls: 0 };
  const build = (app: import("../../src/index.ts").App) => {
    app.layout = html.Div([dcc.Slider({ id: "s", min: 0, max: 100, value: 0 }), html.Div({ id: "o" })]);
    app.callback(
      Output("o", "children"),
      Input("s", "value"),
      async (v: number, ctx) => {
        stats.calls++;
        stats.max = Math.max(stats.max, ++stats.running);
        await Bun.sleep(30);
        stats.running--;
        return `${v} for ${ctx.client?.id ?? "server"}`;
      },
      { service, preventInitialCall: true },
    );
  };
  return { stats, build };
}

/** Two tabs change the slider at once; returns the tabs after both acks. */
async function twoAtOnce(service: object) {
  const { stats, build } = concurrencyApp(service);
  await srv.start(build);
  const [a, b] = await tabs.openMany(2);
  const sa = a.set("s", 1);
  const sb = b.set("s", 2);
  await a.waitAck(sa);
  await b.waitAck(sb);
  return { stats, a, b };
}

test("S2: each tab sees its own outputs, and calls are serialized across tabs", async () => {
  const { stats, a, b } = await twoAtOnce(Services.S2);
  expect(stats.max).toBe(1);
  expect(a.text("o")).toStartWith("1 for ");
  expect(b.text("o")).toStartWith("2 for ");
  expect(a.text("o")).not.toBe(b.text("o"));
});

test("a regular callback runs concurrently across tabs", async () => {
  expect((await twoAtOnce(Services.REGULAR)).stats.max).toBe(2);
});

test("a shared service with serialization switched off runs calls concurrently; outputs still go to all", async () => {
  const { stats, a, b } = await twoAtOnce({ ...Services.SHARED, serialized: false });
  expect(stats.max).toBe(2);
  await a.waitFor((t) => t.text("o") === b.text("o"));
});

test("custom service: shared outputs with a first call per tab", async () => {
  let calls = 0;
  await srv.start((app) => {
    app.layout = html.Div([dcc.Slider({ id: "s", min: 0, max: 100, value: 3 }), html.Div({ id: "o" })]);
    app.callback(Output("o", "children"), Input("s", "value"), (v: number) => `${v} #${++calls}`, {
      service: { ...Services.SHARED, initialCall: "client" },
    });
  });
  expect(calls).toBe(0);
  const a = await tabs.open();
  await a.waitText("o", "3 #1");
  const b = await tabs.open();
  await b.waitText("o", "3 #2");
  await a.waitText("o", "3 #2"); // outputs are shared
});

test("null outputs and alternate outputs work with every service", async () => {
  for (const service of [Services.REGULAR, Services.SHARED, Services.SHARED_MOST_RECENT, Services.S2]) {
    const seen: number[] = [];
    await srv.start((app) => {
      app.layout = html.Div([dcc.Slider({ id: "s", min: 0, max: 100, value: 0 }), html.Div({ id: "o" }), html.Div({ id: "alt" })]);
      app.callback(
        null,
        Input("s", "value"),
        (v: number) => {
          seen.push(v);
        },
        { service },
      );
      app.callback(
        Output("o", "children"),
        Input("s", "value"),
        (v: number) => (v > 50 ? Output("alt", "children", `big ${v}`) : `small ${v}`),
        { service },
      );
    });
    const a = await tabs.open();
    await a.change("s", 10);
    await a.change("s", 60);
    expect(seen).toContain(60);
    expect(seen).not.toContain(0); // no initial call for a callback without output
    await a.waitFor((t) => t.text("alt") === "big 60" && t.text("o") === "small 10");
    await srv.stop();
  }
});

test("dcc.Store: a memory store is one copy per tab, a shared store one copy for every tab", async () => {
  await srv.start((app) => {
    app.layout = html.Div([
      dcc.Input({ id: "in" }),
      dcc.Store({ id: "mine", data: null }),
      dcc.Store({ id: "ours", data: null, storage_type: "shared" }),
      html.Button("show", { id: "show" }),
      html.Div({ id: "out" }),
    ]);
    app.callback([Output("mine", "data"), Output("ours", "data")], Input("in", "value"), (v: string) => [v, v], {
      preventInitialCall: true,
    });
    app.callback(
      Output("out", "children"),
      Input("show", "n_clicks"),
      State("mine", "data"),
      State("ours", "data"),
      (_n: unknown, mine: unknown, ours: unknown) => `mine=${mine} ours=${ours}`,
      { preventInitialCall: true },
    );
  });
  const a = await tabs.open();
  const b = await tabs.open();
  await a.change("in", "from-a", "input");
  await b.click("show");
  await b.waitText("out", "mine=null ours=from-a");
  await a.click("show");
  await a.waitText("out", "mine=from-a ours=from-a");
  expect(a.dom.has("ours")).toBe(false); // store data never goes to the browser
});
