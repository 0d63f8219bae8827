// Rule 4: bad input gets a clear error and nothing else changes; everyone else keeps being served.
import { beforeEach, expect, test } from "bun:test";
import { dcc, html, Input, Output } from "../../src/index.ts";
import type { WsClient } from "../helpers/ws-client.ts";
import { useApp, useTabs } from "../helpers/fixtures.ts";

let calls = 0;
const srv = useApp(
  (app) => {
    app.layout = html.Div([
      dcc.Slider({ id: "s", min: 0, max: 10, value: 1 }),
      dcc.Slider({ id: "locked", min: 0, max: 10, value: 1, disabled: true }),
      html.Div({ id: "o" }),
      html.Div("not clickable", { id: "plain" }),
      html.Button("b", { id: "btn" }),
      dcc.Input({ id: "t", maxLength: 10 }),
    ]);
    app.callbackShared(Output("o", "children"), Input("s", "value"), async (v) => {
      calls++;
      await Bun.sleep(5);
      return `v${v}`;
    });
  },
  { maxPendingMessages: 20 },
);
const tabs = useTabs(srv);

let a: WsClient, b: WsClient;
beforeEach(async () => {
  [a, b] = await tabs.openMany(2);
});

async function lastError(c: WsClient, seq?: number) {
  if (seq) await c.waitAck(seq);
  else await c.waitFor((x) => x.errors.length > 0);
  return c.errors.at(-1)!;
}

async function stillServes() {
  const n = Math.floor(Math.random() * 10);
  await b.change("s", n);
  await a.waitText("o", `v${n}`);
}

test("not JSON", async () => {
  a.sendRaw("{nope");
  const e = await lastError(a);
  expect(e.code).toBe("DD_BAD_MESSAGE");
  expect(e.message).toContain("not valid JSON");
  await stillServes();
});

test("JSON without headers, an array, a number", async () => {
  for (const m of ['{"s":"3"}', "[1,2]", "42"]) a.sendRaw(m);
  await a.waitFor((c) => c.errors.length === 3);
  expect(a.errors.map((e) => e.code)).toEqual(["DD_BAD_MESSAGE", "DD_BAD_MESSAGE", "DD_BAD_MESSAGE"]);
  expect(a.errors[0]!.message).toContain("headers");
  await stillServes();
});

test("binary frames", async () => {
  a.sendRaw(new Uint8Array([1, 2, 3]));
  expect((await lastError(a)).message).toContain("binary");
  await stillServes();
});

test("an oversized message is refused with an error frame, the socket stays open", async () => {
  a.sendRaw(JSON.stringify({ t: "x".repeat(70_000), headers: { "HX-Source": "input#t", "DD-Seq": "1" } }));
  const e = await lastError(a);
  expect(e.code).toBe("DD_TOO_LARGE");
  expect(e.message).toContain("at most 65536 bytes");
  expect(a.closed).toBe(false);
  await a.change("s", 2);
});

test("a message above the socket's hard limit closes only that socket", async () => {
  a.sendRaw("x".repeat(2 * 1024 * 1024));
  await a.waitFor((c) => c.closed, 5000);
  await b.change("s", 7);
  await b.waitText("o", "v7");
});

test("unknown ids, elements that do not report clicks, disabled controls", async () => {
  const s1 = a.set("nope", 1);
  expect((await lastError(a, s1)).code).toBe("DD_UNKNOWN_ID");
  const s2 = a.send("plain", {});
  expect((await lastError(a, s2)).message).toContain("does not report clicks");
  const s3 = a.set("locked", 4);
  expect((await lastError(a, s3)).code).toBe("DD_DISABLED");
  expect(srv.app.runtime.value("locked", "value")).toBe(1);
  await stillServes();
});

test("wrong types and out-of-range values", async () => {
  const before = calls;
  for (const [v, what] of [
    ["abc", "a number between 0 and 10"],
    ["11", "between 0 and 10"],
    ["", "a number"],
  ] as const) {
    const s = a.set("s", v);
    const e = await lastError(a, s);
    expect(e.code).toBe("DD_BAD_VALUE");
    expect(e.message).toContain(what);
  }
  const s = a.set("t", "far too long for ten", "input");
  expect((await lastError(a, s)).message).toContain("at most 10 characters");
  expect(calls).toBe(before);
  await stillServes();
});

test("an ack comes for every message, good or bad, in order", async () => {
  const seqs = [a.set("s", 3), a.set("nope", 1), a.set("s", "x"), a.set("s", 4)];
  await a.waitAck(seqs.at(-1)!);
  const acks = a.frames.filter((f) => f.ack).map((f) => f.ack!);
  expect(acks).toEqual(acks.slice().sort((x, y) => x - y));
});

test("a flood beyond the pending limit is refused, then the tab recovers", async () => {
  let last = 0;
  for (let i = 0; i < 60; i++) last = a.set("s", i % 10);
  await a.waitAck(last, 10000);
  expect(a.errors.some((e) => e.code === "DD_FLOOD")).toBe(true);
  await a.change("s", 6);
  await b.waitText("o", "v6");
});

test("a bad HX-Source header", async () => {
  a.sendRaw(JSON.stringify({ headers: { "HX-Source": "<script>" } }));
  const e = await lastError(a);
  expect(e.code).toBe("DD_BAD_MESSAGE");
  expect(e.message).toContain("HX-Source");
  await stillServes();
});
