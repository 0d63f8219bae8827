// Blocking callbacks are seen (issue 12): a callback call that holds the event loop for
// slowCallbackMs (default 50) or longer is logged as callback.blocking, once per callback, with its
// name, the time and what to do; an async callback counts only up to its first await. A real server
// and a real WebSocket tab. Only lower bounds are timed: a busy loop of N ms takes at least N ms.
import { expect, test } from "bun:test";
import { App, dcc, html, Input, Output } from "../../src/index.ts";
import { until } from "../helpers/server.ts";
import { useApp, useTabs } from "../helpers/fixtures.ts";

const srv = useApp();
const tabs = useTabs(srv);

/** Hold the event loop for `ms`, as a blocking device call would. */
function holdLoop(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

const blockingLines = () => srv.log.filter((l) => l.includes("callback.blocking"));

function layout(app: App, ids: string[]) {
  app.layout = html.Div(ids.flatMap((id) => [dcc.Input({ id, value: "" }), html.Div({ id: `${id}-out` })]));
}

test("a sync callback over the default 50 ms is logged once per callback, with its name, time and the hint; not per call", async () => {
  await srv.start((app) => {
    layout(app, ["a", "b"]);
    app.callbackShared(
      Output("a-out", "children"),
      Input("a", "value"),
      (v: string) => {
        if (v) holdLoop(80);
        return v;
      },
      { name: "readSensorSync" },
    );
    app.callback(
      Output("b-out", "children"),
      Input("b", "value"),
      (v: string) => {
        if (v) holdLoop(60);
        return v;
      },
      { name: "setLedSync" },
    );
  });
  const tab = await tabs.open();
  let last = 0;
  for (const v of ["1", "2", "3"]) last = tab.set("a", v);
  for (const v of ["1", "2"]) last = tab.set("b", v);
  await tab.waitAck(last, 10_000);
  expect(await until(() => tab.text("a-out") === "3" && tab.text("b-out") === "2")).toBe(true);
  const lines = blockingLines();
  expect(lines.length).toBe(2);
  expect(lines[1]).toContain("callback=setLedSync");
  expect(lines[0]).toContain("callback=readSensorSync");
  expect(lines[0]).toMatch(/ms=(\d+)/);
  expect(Number(/ms=([\d.]+)/.exec(lines[0]!)![1])).toBeGreaterThanOrEqual(80);
  expect(lines[0]).toContain("thresholdMs=50");
  expect(lines[0]).toContain("make it async and await the device calls");
});

test("async callbacks count only until their first await: a slow await is not logged, a blocking start is", async () => {
  await srv.start(
    (app) => {
      layout(app, ["slowAwait", "syncPrefix", "quick"]);
      // Slow, but waiting: the loop is free meanwhile. Not logged.
      app.callback(
        Output("slowAwait-out", "children"),
        Input("slowAwait", "value"),
        async (v: string) => {
          await Bun.sleep(v ? 700 : 0);
          return v;
        },
        { name: "awaitsDevice" },
      );
      // Holds the loop before its first await: logged.
      app.callback(
        Output("syncPrefix-out", "children"),
        Input("syncPrefix", "value"),
        async (v: string) => {
          if (v) holdLoop(600);
          await Promise.resolve();
          return v;
        },
        { name: "blocksThenAwaits" },
      );
      app.callback(Output("quick-out", "children"), Input("quick", "value"), (v: string) => v, { name: "quick" });
    },
    { slowCallbackMs: 500 },
  );
  const tab = await tabs.open();
  for (const id of ["slowAwait", "syncPrefix", "quick", "syncPrefix"]) await tab.waitAck(tab.set(id, "x"), 10_000);
  expect(await until(() => tab.text("slowAwait-out") === "x" && tab.text("syncPrefix-out") === "x")).toBe(true);
  const lines = blockingLines();
  expect(lines.length).toBe(1);
  expect(lines[0]).toContain("callback=blocksThenAwaits");
  expect(lines[0]).toContain("thresholdMs=500");
});

test("slowCallbackMs: 0 turns the warning off; a wrong value is refused at construction", async () => {
  await srv.start(
    (app) => {
      layout(app, ["a"]);
      app.callbackShared(Output("a-out", "children"), Input("a", "value"), (v: string) => {
        if (v) holdLoop(80);
        return v;
      });
    },
    { slowCallbackMs: 0 },
  );
  const tab = await tabs.open();
  await tab.waitAck(tab.set("a", "1"), 10_000);
  expect(await until(() => tab.text("a-out") === "1")).toBe(true);
  expect(blockingLines()).toEqual([]);
  expect(() => new App({ database: false, slowCallbackMs: -1 })).toThrow(
    "[DD_BAD_OPTION] slowCallbackMs must be a number of milliseconds.",
  );
  expect(() => new App({ database: false, slowCallbackMs: "50" as never })).toThrow('found:    "50"');
});
