import { expect, test } from "bun:test";
import { dcc, html, Input, Output } from "../../src/index.ts";
import { useApp, useTabs } from "../helpers/fixtures.ts";

const srv = useApp();
const tabs = useTabs(srv);

test("a shared Interval ticks once for everyone; max_intervals stops it", async () => {
  let calls = 0;
  await srv.start((app) => {
    app.layout = html.Div([dcc.Interval({ id: "tick", interval: 20, max_intervals: 5 }), html.Div({ id: "n" })]);
    app.callbackShared(Output("n", "children"), Input("tick", "n_intervals"), (n) => (calls++, `tick ${n}`));
  });
  const [a, b] = await tabs.openMany(2);
  await a.waitText("n", "tick 5");
  await b.waitText("n", "tick 5");
  await Bun.sleep(100);
  expect(calls).toBe(6); // initial call at start + 5 ticks, however many tabs
  // the Interval itself is server-only: no fragment for it is ever sent
  expect(a.dom.has("tick")).toBe(false);
});

test("a regular Interval ticks per tab and stops when the tab leaves", async () => {
  const seen = new Map<string, number>();
  await srv.start((app) => {
    app.layout = html.Div([dcc.Interval({ id: "tick", interval: 15 }), html.Div({ id: "n" })]);
    app.callback(Output("n", "children"), Input("tick", "n_intervals"), (n, ctx) => {
      seen.set(ctx.client.id, n);
      return `${n}`;
    });
  });
  const a = await tabs.open();
  await a.waitFor((c) => Number(c.text("n")) >= 3);
  const b = await tabs.open();
  await b.waitFor((c) => Number(c.text("n")) >= 1);
  expect(Number(a.text("n"))).toBeGreaterThan(Number(b.text("n")) - 1);
  const idA = [...srv.app.clients][0]!.id;
  a.close();
  await Bun.sleep(50);
  const stopped = seen.get(idA);
  await Bun.sleep(100);
  expect(seen.get(idA)).toBe(stopped);
});
