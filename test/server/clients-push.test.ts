// app.clients, callbackConnect, pushMods (to one, to all, before start), authorizeOutput,
// streaming chart appends, and a slow tab that must not hold up the others.
import { expect, test } from "bun:test";
import { dcc, html, Input, Output, type Client } from "../../src/index.ts";
import { until } from "../helpers/server.ts";
import { useApp, useTabs } from "../helpers/fixtures.ts";

const srv = useApp();
const tabs = useTabs(srv);

test("the clients table: fields, connect/disconnect events after the table is updated", async () => {
  const events: [string, boolean, number][] = [];
  await srv.start((app) => {
    app.layout = html.Div([html.Div({ id: "o" })]);
    app.callbackConnect((c, connected) => {
      events.push([c.id, connected, app.clients.size]);
    });
    app.callbackConnect(async (c, connected) => {
      if (connected) c.data.greeted = true;
    });
  });
  const a = await tabs.open({ headers: { "user-agent": "test-agent/1" } });
  await tabs.open();
  await until(() => srv.app.clients.size === 2);
  const [ca, cb] = [...srv.app.clients] as Client[];
  expect(ca!.ip).toMatch(/127\.0\.0\.1/);
  expect(ca!.connectTime).toBeInstanceOf(Date);
  expect(ca!.id).not.toBe(cb!.id);
  expect(ca!.data.greeted).toBe(true);
  await until(() => ca!.hostname !== undefined);
  expect(ca!.hostname).toBe("localhost");
  a.close();
  await until(() => srv.app.clients.size === 1);
  expect(events).toEqual([
    [ca!.id, true, 1],
    [cb!.id, true, 2],
    [ca!.id, false, 1],
  ]);
});

test("pushMods to all updates every tab and the shared state; to one tab only that tab", async () => {
  await srv.start((app) => {
    app.layout = html.Div([html.Div("start", { id: "o" }), dcc.Slider({ id: "s", min: 0, max: 10, value: 0 })]);
    app.pushMods({ o: { children: "before start" } }); // allowed before the server runs
  });
  expect(await (await fetch(srv.url)).text()).toContain(">before start<");
  const [a, b] = await tabs.openMany(2);
  srv.app.pushMods({ o: { children: "to all" }, s: { value: 4 } });
  await a.waitFor((c) => c.text("o") === "to all" && c.inputValue("s") === "4");
  await b.waitText("o", "to all");
  const cb = [...srv.app.clients][1]!;
  srv.app.pushMods([Output("o", "children", "only b")], cb);
  await b.waitText("o", "only b");
  await Bun.sleep(30);
  expect(a.text("o")).toBe("to all");
  // one tab's push is not shared state
  expect(await (await fetch(srv.url)).text()).toContain(">to all<");
});

test("pushMods names unknown ids and props clearly", async () => {
  await srv.start((app) => {
    app.layout = html.Div([html.Div({ id: "o" })]);
  });
  expect(() => srv.app.pushMods({ nope: { children: 1 } })).toThrow(/DD_UNKNOWN_ID/);
  expect(() => srv.app.pushMods({ o: { valeu: 1 } })).toThrow(/DD_UNKNOWN_PROP/);
});

test("a push to a shared input runs the shared chain; regular callbacks run for every tab", async () => {
  await srv.start((app) => {
    app.layout = html.Div([dcc.Slider({ id: "s", min: 0, max: 10, value: 0 }), html.Div({ id: "shared" }), html.Div({ id: "mine" })]);
    app.callbackShared(Output("shared", "children"), Input("s", "value"), (v) => `s${v}`);
    app.callback(Output("mine", "children"), Input("shared", "children"), (v, ctx) => `${v} for ${ctx.client.id}`);
  });
  const [a, b] = await tabs.openMany(2);
  srv.app.pushMods({ s: { value: 6 } });
  for (const c of [a, b]) await c.waitFor((x) => x.text("shared") === "s6" && (x.text("mine") ?? "").startsWith("s6 for"));
  expect(a.text("mine")).not.toBe(b.text("mine"));
});

test("pushes and callback outputs reach a tab in the order they happened", async () => {
  // Each call pushes to one component and outputs to another: the tab must see both sequences in
  // order, interleaved as they happened, ending at the last value.
  await srv.start((app) => {
    app.layout = html.Div([dcc.Slider({ id: "s", min: 0, max: 1000, value: 0 }), html.Div({ id: "o" }), html.Div({ id: "p" })]);
    app.callbackShared(Output("o", "children"), Input("s", "value"), async (v: number) => {
      app.pushMods({ p: { children: v } });
      if (v % 3 === 0) await Bun.sleep(1);
      return v;
    });
  });
  const a = await tabs.open();
  let last = 0;
  for (let i = 1; i <= 200; i++) last = a.set("s", i);
  await a.waitAck(last, 10000);
  const seen = (id: string) =>
    a.frames.flatMap((f) => [...(f.content ?? "").matchAll(new RegExp(`id="${id}"[^>]*>([^<]*)<`, "g"))].map((m) => Number(m[1])));
  for (const id of ["o", "p"]) {
    const nums = seen(id).filter((n) => n > 0);
    expect(nums).toEqual(nums.slice().sort((x, y) => x - y));
    expect(nums.at(-1)).toBe(200);
  }
  // a push made during call N never arrives after the output of call N+1
  let maxO = 0;
  for (const f of a.frames) {
    const c = f.content ?? "";
    for (const m of c.matchAll(/id="(o|p)"[^>]*>([^<]*)</g)) {
      const n = Number(m[2]);
      if (m[1] === "o") maxO = Math.max(maxO, n);
      else expect(n).toBeGreaterThanOrEqual(maxO);
    }
  }
});

test("callbackAuthorizeOutput keeps an output from the tabs it refuses", async () => {
  await srv.start((app) => {
    app.layout = html.Div([html.Div({ id: "secret" }), html.Div({ id: "public" })]);
    app.callbackAuthorizeOutput((client, id) => id !== "secret" || client.authentication === "admin");
  });
  const [a, b] = await tabs.openMany(2);
  await until(() => srv.app.clients.size === 2);
  [...srv.app.clients][0]!.authentication = "admin";
  srv.app.pushMods({ secret: { children: "code 1234" }, public: { children: "hello" } });
  await b.waitText("public", "hello");
  await a.waitText("secret", "code 1234");
  expect(b.dom.has("secret")).toBe(false);
});

test("Graph extendData: tabs get only the new points; a new page gets the whole, windowed chart", async () => {
  await srv.start((app) => {
    app.layout = html.Div([dcc.Graph({ id: "g", figure: { data: [{ x: [0], y: [10], name: "t" }] } })]);
  });
  const a = await tabs.open();
  for (let i = 1; i <= 5; i++) srv.app.pushMods({ g: { extendData: [{ x: [[i]], y: [[10 + i]] }, [0], 4] } });
  await a.waitFor((c) => c.raw.filter((r) => r.includes("ddExtend")).length >= 1);
  await Bun.sleep(20);
  const appended = a.raw.join("").match(/hx-swap-oob=\\"ddExtend\\"/g) ?? [];
  expect(appended.length).toBe(5);
  expect(a.raw.join("")).not.toContain("data-figure"); // no full re-render was sent
  const page = await (await fetch(srv.url)).text();
  const fig = JSON.parse(/data-figure="([^"]*)"/.exec(page)![1]!.replace(/&quot;/g, '"'));
  expect(fig.data[0].x).toEqual([2, 3, 4, 5]);
  expect(fig.data[0].y).toEqual([12, 13, 14, 15]);
  expect(() => srv.app.pushMods({ g: { extendData: { y: "nope" } } })).toThrow(/DD_BAD_VALUE/);
});

test("a slow tab that reads nothing does not delay the others, and ends with the latest state", async () => {
  const net = await import("node:net");
  await srv.start((app) => {
    app.layout = html.Div([html.Div({ id: "big" }), html.Div({ id: "n" })]);
  });
  const fast = await tabs.open();
  // A raw TCP WebSocket client that stops reading: its socket buffers fill up on the server.
  let text = "";
  const sock = net.connect(srv.port, "127.0.0.1");
  sock.setEncoding("latin1");
  sock.on("data", (d: string) => (text += d));
  await new Promise((r) => sock.once("connect", r));
  sock.write(
    `GET /ws?v=${srv.runtime.version} HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  await until(() => srv.app.clients.size === 2 && text.includes("101"));
  sock.pause();
  const slow = [...srv.app.clients][1]!;
  const payload = "x".repeat(100_000);
  for (let i = 1; i <= 300; i++) {
    srv.app.pushMods({ big: { children: `${i} ${payload}` }, n: { children: i } });
    await Bun.sleep(1); // let each frame go out
  }
  // the fast tab got everything, in order, while the slow one was stuck
  await fast.waitText("n", "300", 10000);
  expect(slow.outbox.isBlocked).toBe(true);
  // the slow tab's backlog is bounded: it is far less than 300 x 100 KB waiting
  expect(slow.transport.buffered()).toBeLessThan(5_000_000);
  sock.resume();
  await until(() => text.includes('id=\\"n\\">300<'), 10000);
  expect(text).toContain('id=\\"n\\">300<');
  // it skipped intermediate states instead of replaying all of them
  expect((text.match(/id=\\"n\\">/g) ?? []).length).toBeLessThan(300);
  sock.destroy();
});
