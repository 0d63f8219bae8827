import { afterEach, expect, test } from "bun:test";
import { dcc, html, Input, Output } from "../../src/index.ts";
import { startApp, type TestServer } from "../helpers/server.ts";
import { WsClient } from "../helpers/ws-client.ts";

let srv: TestServer | undefined;
afterEach(async () => {
  await srv?.stop();
  srv = undefined;
});

test("a shared Interval ticks once for everyone; max_intervals stops it", async () => {
  let calls = 0;
  srv = await startApp((app) => {
    app.layout = html.Div([dcc.Interval({ id: "tick", interval: 20, max_intervals: 5 }), html.Div({ id: "n" })]);
    app.callbackShared(Output("n", "children"), Input("tick", "n_intervals"), (n) => (calls++, `tick ${n}`));
  });
  const a = await WsClient.connect(srv.wsUrl, { version: srv.app.runtime.version });
  const b = await WsClient.connect(srv.wsUrl, { version: srv.app.runtime.version });
  await a.waitFor((c) => c.text("n") === "tick 5");
  await b.waitFor((c) => c.text("n") === "tick 5");
  await Bun.sleep(100);
  expect(calls).toBe(6); // initial call at start + 5 ticks, however many tabs
  // the Interval itself is server-only: no fragment for it is ever sent
  expect(a.dom.has("tick")).toBe(false);
  a.close();
  b.close();
});

test("a regular Interval ticks per tab and stops when the tab leaves", async () => {
  const seen = new Map<string, number>();
  srv = await startApp((app) => {
    app.layout = html.Div([dcc.Interval({ id: "tick", interval: 15 }), html.Div({ id: "n" })]);
    app.callback(Output("n", "children"), Input("tick", "n_intervals"), (n, ctx) => {
      seen.set(ctx.client.id, n);
      return `${n}`;
    });
  });
  const a = await WsClient.connect(srv.wsUrl, { version: srv.app.runtime.version });
  await a.waitFor((c) => Number(c.text("n")) >= 3);
  const b = await WsClient.connect(srv.wsUrl, { version: srv.app.runtime.version });
  await b.waitFor((c) => Number(c.text("n")) >= 1);
  expect(Number(a.text("n"))).toBeGreaterThan(Number(b.text("n")) - 1);
  const idA = [...srv.app.clients][0]!.id;
  a.close();
  await Bun.sleep(50);
  const stopped = seen.get(idA);
  await Bun.sleep(100);
  expect(seen.get(idA)).toBe(stopped);
  b.close();
});
