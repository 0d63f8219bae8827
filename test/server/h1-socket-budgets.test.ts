// H1: a socket that stopped reading and kept sending invalid messages made the server keep every
// error frame and log a line per refusal, and was never dropped (RSS 61 -> 782 MB in 150 s).
// Each tab now has budgets (src/core/budgets.ts): past one it is closed with code 1008 and a
// reason, logged once and audited; refusal lines are rate-limited; a frame holds at most 5 errors.
// Real server, real sockets; the socket that does not read is a bare TCP WebSocket client.
import { expect, test } from "bun:test";
import { dcc, html, Input, Output, type AppOptions } from "../../src/index.ts";
import { queryAudit } from "../../src/db/audit.ts";
import { until } from "../helpers/server.ts";
import type { RawWs } from "../helpers/raw-ws.ts";
import { type AppHandle, useApp, useTabs } from "../helpers/fixtures.ts";

const srv = useApp();
const tabs = useTabs(srv);

const build = (app: import("../../src/index.ts").App) => {
  app.layout = html.Div([
    dcc.Slider({ id: "s", min: 0, max: 10, value: 1 }),
    html.Div({ id: "o" }),
    dcc.Input({ id: "slow" }),
    html.Div({ id: "slow_out" }),
    html.Div({ id: "big" }),
  ]);
  app.callbackShared(Output("o", "children"), Input("s", "value"), (v) => `v${v}`);
  app.callback(Output("slow_out", "children"), Input("slow", "value"), async (v) => {
    await Bun.sleep(100);
    return v;
  });
};

const start = (options: AppOptions = {}) => srv.start(build, options);

/** A socket that connects, takes its first frame, and then stops reading. */
async function deaf(): Promise<RawWs> {
  const r = await tabs.raw();
  expect(await until(() => r.frames.length > 0)).toBe(true);
  r.pauseReading();
  return r;
}

/** An unknown control, with a message number: refused with DD_UNKNOWN_ID, then acked. */
const invalid = (i: number) =>
  JSON.stringify({ nope: String(i), headers: { "HX-Request": "true", "HX-Source": "div#nope", "DD-Seq": String(i) } });

async function stillServes(): Promise<void> {
  const t = await tabs.open();
  await t.change("s", 7);
  await t.waitText("o", "v7");
  t.close();
}

const lines = (s: AppHandle, event: string) => s.log.filter((l) => l.includes(` ${event} `));

test("H1: a socket that floods invalid messages without reading is closed with 1008 and a reason, logged once", async () => {
  const s = await start();
  const r = await deaf();
  for (let i = 1; i <= 20_000; i++) r.send(invalid(i));
  expect(await until(() => s.app.clients.size === 0, 10_000)).toBe(true);
  r.resumeReading(); // now read what the server said last: its close frame
  expect(await until(() => r.closeCode !== undefined, 5000)).toBe(true);
  expect(r.closeCode).toBe(1008);
  expect(r.closeReason).toBe("too many invalid messages");
  expect(lines(s, "client.closed").length).toBe(1);
  expect(lines(s, "client.closed")[0]).toContain("code=DD_BUDGET");
  // the default burst (20) of refusals was logged and answered, nothing after the close
  expect(lines(s, "message.refused").length).toBeLessThanOrEqual(20);
  for (const f of r.frames) expect((JSON.parse(f).errors ?? []).length).toBeLessThanOrEqual(5);
  await stillServes();
});

test("H1: refusal log lines are rate-limited, with a summary of those left out", async () => {
  const s = await start({ budgets: { invalidBurst: 1_000_000 } });
  const t = await tabs.open();
  const t0 = performance.now();
  for (let i = 1; i <= 500; i++) t.sendRaw(invalid(i));
  await t.waitAck(500, 10_000);
  const seconds = Math.ceil((performance.now() - t0) / 1000); // the 500 took this long to handle
  expect(await until(() => lines(s, "log.suppressed").length > 0, 5000)).toBe(true);
  const refused = lines(s, "message.refused").length;
  // 20 a second: at most 20 in each one-second window the burst touched (on a slow machine the
  // burst spans more windows; the bound follows it rather than asserting the machine's speed).
  expect(refused).toBeLessThanOrEqual(20 * (seconds + 1));
  const suppressed = lines(s, "log.suppressed").reduce((n, l) => n + Number(/ count=(\d+)/.exec(l)?.[1] ?? 0), 0);
  expect(refused + suppressed).toBe(500);
  expect(t.closed).toBe(false);
});

test("H1: a frame carries at most 5 errors, however many messages were refused in one burst", async () => {
  await start({ budgets: { invalidBurst: 1_000_000 } });
  const t = await tabs.open();
  for (let i = 1; i <= 200; i++) t.sendRaw(invalid(i));
  await t.waitAck(200, 10_000);
  expect(t.errors.length).toBeGreaterThan(0);
  for (const f of t.frames) expect((f.errors ?? []).length).toBeLessThanOrEqual(5);
});

test("H1: a tab that keeps sending past DD_FLOOD is closed once its queue passes maxQueued", async () => {
  const s = await start({ maxPendingMessages: 10, budgets: { maxQueued: 50 } });
  const t = await tabs.open();
  for (let i = 1; i <= 200; i++) t.send("slow", { slow: `x${i}` }, "input");
  await t.waitFor((c) => c.closed, 10_000);
  expect(t.closeCode).toBe(1008);
  expect(t.errors.some((e) => e.code === "DD_FLOOD")).toBe(true);
  expect(lines(s, "client.closed")[0]).toContain('reason="too many queued messages"');
  await stillServes();
});

test("H1: a tab that stops reading is closed once its socket stays backed up past maxBlockedSeconds", async () => {
  const s = await start({ budgets: { maxBlockedSeconds: 0.2 } });
  const r = await deaf();
  const reader = await tabs.open();
  const big = "x".repeat(300 * 1024);
  let k = 0;
  const pushing = setInterval(() => s.app.pushMods({ big: { children: `${++k}${big}` } }), 20);
  try {
    expect(await until(() => s.app.clients.size === 1, 10_000)).toBe(true);
  } finally {
    clearInterval(pushing);
  }
  expect(reader.closed).toBe(false);
  expect(lines(s, "client.closed").length).toBe(1);
  expect(lines(s, "client.closed")[0]).toContain('reason="the tab stopped reading"');
  r.resumeReading();
  expect(await until(() => r.closeCode !== undefined, 5000)).toBe(true);
  expect(r.closeCode).toBe(1008);
  expect(r.closeReason).toBe("the tab stopped reading");
});

test("H1: a budget close is audited as client.closed with the reason", async () => {
  const d = await srv.start(build, { database: true });
  const r = await deaf();
  for (let i = 1; i <= 1000; i++) r.send(invalid(i));
  expect(await until(() => d.app.clients.size === 0, 10_000)).toBe(true);
  expect(await until(() => queryAudit(d.db, { action: "client.closed" }).rows.length > 0, 5000)).toBe(true);
  const rows = queryAudit(d.db, { action: "client.closed" }).rows;
  expect(rows.length).toBe(1);
  expect(JSON.stringify(rows[0])).toContain("too many invalid messages");
});
