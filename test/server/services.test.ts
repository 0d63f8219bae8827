// Services: who sees outputs, whether calls are serialized, when the first call happens.
import { afterEach, expect, test } from "bun:test";
import { dcc, html, Input, Output, Services, State } from "../../src/index.ts";
import { startApp, type TestServer } from "../helpers/server.ts";
import { WsClient } from "../helpers/ws-client.ts";

let srv: TestServer | undefined;
const tabs: WsClient[] = [];
afterEach(async () => {
  for (const t of tabs.splice(0)) t.close();
  await srv?.stop();
  srv = undefined;
});
async function tab() {
  const t = await WsClient.connect(srv!.wsUrl, { version: srv!.app.runtime.version });
  tabs.push(t);
  return t;
}

function concurrencyApp(service: object) {
  const stats = { running: 0, max: 0, calls: 0 };
  const build = (app: import("../../src/index.ts").App) => {
    app.layout = html.Div([dcc.Slider({ id: "s", min: 0, max: 100, value: 0 }), html.Div({ id: "o" })]);
    app.callback(Output("o", "children"), Input("s", "value"), async (v: number, ctx) => {
      stats.calls++;
      stats.max = Math.max(stats.max, ++stats.running);
      await Bun.sleep(30);
      stats.running--;
      return `${v} for ${ctx.client?.id ?? "server"}`;
    }, { service, preventInitialCall: true });
  };
  return { stats, build };
}

/** Two tabs change the slider at once; returns the tabs after both acks. */
async function twoAtOnce(service: object) {
  const { stats, build } = concurrencyApp(service);
  srv = await startApp(build);
  const a = await tab();
  const b = await tab();
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
  srv = await startApp((app) => {
    app.layout = html.Div([dcc.Slider({ id: "s", min: 0, max: 100, value: 3 }), html.Div({ id: "o" })]);
    app.callback(Output("o", "children"), Input("s", "value"), (v: number) => `${v} #${++calls}`, { service: { ...Services.SHARED, initialCall: "client" } });
  });
  expect(calls).toBe(0);
  const a = await tab();
  await a.waitFor((t) => t.text("o") === "3 #1");
  const b = await tab();
  await b.waitFor((t) => t.text("o") === "3 #2");
  await a.waitFor((t) => t.text("o") === "3 #2"); // outputs are shared
});

test("null outputs and alternate outputs work with every service", async () => {
  for (const service of [Services.REGULAR, Services.SHARED, Services.SHARED_MOST_RECENT, Services.S2]) {
    const seen: number[] = [];
    srv = await startApp((app) => {
      app.layout = html.Div([dcc.Slider({ id: "s", min: 0, max: 100, value: 0 }), html.Div({ id: "o" }), html.Div({ id: "alt" })]);
      app.callback(null, Input("s", "value"), (v: number) => {
        seen.push(v);
      }, { service });
      app.callback(Output("o", "children"), Input("s", "value"), (v: number) => (v > 50 ? Output("alt", "children", `big ${v}`) : `small ${v}`), { service });
    });
    const a = await tab();
    await a.waitAck(a.set("s", 10));
    await a.waitAck(a.set("s", 60));
    expect(seen).toContain(60);
    expect(seen).not.toContain(0); // no initial call for a callback without output
    await a.waitFor((t) => t.text("alt") === "big 60" && t.text("o") === "small 10");
    a.close();
    tabs.length = 0;
    await srv.stop();
    srv = undefined;
  }
});

test("dcc.Store: a memory store is one copy per tab, a shared store one copy for every tab", async () => {
  srv = await startApp((app) => {
    app.layout = html.Div([
      dcc.Input({ id: "in" }),
      dcc.Store({ id: "mine", data: null }),
      dcc.Store({ id: "ours", data: null, storage_type: "shared" }),
      html.Button("show", { id: "show" }),
      html.Div({ id: "out" }),
    ]);
    app.callback([Output("mine", "data"), Output("ours", "data")], Input("in", "value"), (v: string) => [v, v], { preventInitialCall: true });
    app.callback(Output("out", "children"), Input("show", "n_clicks"), State("mine", "data"), State("ours", "data"), (_n: unknown, mine: unknown, ours: unknown) => `mine=${mine} ours=${ours}`, { preventInitialCall: true });
  });
  const a = await tab();
  const b = await tab();
  await a.waitAck(a.set("in", "from-a", "input"));
  await b.waitAck(b.send("show", {}, "button"));
  await b.waitFor((t) => t.text("out") === "mine=null ours=from-a");
  await a.waitAck(a.send("show", {}, "button"));
  await a.waitFor((t) => t.text("out") === "mine=from-a ours=from-a");
  expect(a.dom.has("ours")).toBe(false); // store data never goes to the browser
});
