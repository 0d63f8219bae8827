// Per-socket budgets, unit by unit and deterministic: the refused-message token bucket, the
// options check, the outbox's caps and backed-up-socket budgets, and the shared callback's capped
// line (M6). The same budgets against a real server: test/server/h1-socket-budgets.test.ts.
import { expect, test } from "bun:test";
import { budgetError, DEFAULT_BUDGETS, resolveBudgets, takeInvalidToken } from "../../src/core/budgets.ts";
import { Client, type Transport } from "../../src/core/client.ts";
import { HIGH_WATER, MAX_TOASTS } from "../../src/core/outbox.ts";
import { CallbackRunner, type Call, type Outcome } from "../../src/core/invoke.ts";
import { parseCallbackArgs } from "../../src/core/graph.ts";
import { Input, Output } from "../../src/core/dependencies.ts";
import { Services, type Service } from "../../src/core/services.ts";
import { thrown } from "../helpers/errors.ts";

test("H1: the refused-message bucket allows a burst, then its rate, then refuses", () => {
  const b = { ...DEFAULT_BUDGETS, invalidBurst: 3, invalidPerSecond: 2 };
  const c = { invalidTokens: 0, invalidAt: 0 };
  const t = 1000;
  expect([1, 2, 3].map(() => takeInvalidToken(c, b, t))).toEqual([true, true, true]);
  expect(takeInvalidToken(c, b, t)).toBe(false);
  expect(takeInvalidToken(c, b, t + 250)).toBe(false); // half a token
  expect(takeInvalidToken(c, b, t + 500)).toBe(true); // 2/s: one more after 0.5 s in all
  expect(takeInvalidToken(c, b, t + 500)).toBe(false);
  // a quiet minute refills to the burst, not beyond
  expect([1, 2, 3, 4].map(() => takeInvalidToken(c, b, t + 60_000))).toEqual([true, true, true, false]);
});

test("H1: a budget close is explained with DD_BUDGET: what was allowed, what came, the fix", () => {
  const e = budgetError("invalid", DEFAULT_BUDGETS, "41 messages received");
  expect(e.code).toBe("DD_BUDGET");
  expect(e.message).toContain("too many invalid messages");
  expect(e.message).toContain("expected: at most 20 refused messages at once, then 5 a second");
  expect(e.message).toContain("found:    41 messages received");
  expect(e.message).toContain("fix:");
});

test("H1: budgets are checked when the app is made", () => {
  expect(resolveBudgets(undefined)).toEqual({ ...DEFAULT_BUDGETS });
  expect(resolveBudgets({ maxQueued: Infinity }).maxQueued).toBe(Infinity);
  for (const bad of [{ maxQueued: 0 }, { invalidBurst: -1 }, { maxPendingBytes: NaN }, { maxQueud: 5 }]) {
    expect(thrown(() => resolveBudgets(bad as never)).code).toBe("DD_BAD_OPTION");
  }
});

/** A transport whose send buffer the test sets; frames sent are kept. */
function fakeClient(buffered = 0) {
  const sent: string[] = [];
  const state = { buffered, sendResult: 1 };
  const transport: Transport = {
    send: (f) => (sent.push(f), state.sendResult),
    buffered: () => state.buffered,
    close: () => {},
  };
  const c = new Client(transport, { ip: "127.0.0.1" }, () => {});
  const closed: string[] = [];
  c.overBudget = (kind) => closed.push(kind);
  return { c, sent, state, closed };
}

const flushed = () => new Promise((r) => setImmediate(r));

test("H1: a frame carries at most MAX_TOASTS errors and toasts, the latest ones", async () => {
  const { c, sent } = fakeClient();
  for (let i = 0; i < 1000; i++) c.outbox.putError("DD_BAD_MESSAGE", `bad ${i}`, `<div class="dd-toast">bad ${i}</div>`);
  c.outbox.putAck(7);
  await flushed();
  expect(sent.length).toBe(1);
  const f = JSON.parse(sent[0]!);
  expect(f.errors.map((e: { message: string }) => e.message)).toEqual(["bad 995", "bad 996", "bad 997", "bad 998", "bad 999"]);
  expect((f.content.match(/dd-toast/g) ?? []).length).toBe(MAX_TOASTS);
  expect(f.ack).toBe(7);
});

test("H1: a socket backed up past the byte budget has its client closed", async () => {
  const { c, closed } = fakeClient(HIGH_WATER + 1);
  c.outbox.limits = { pendingBytes: 2 * HIGH_WATER, blockedMs: Infinity };
  c.outbox.put("a", "<div id=a></div>");
  await flushed();
  expect(c.outbox.isBlocked).toBe(true);
  expect(closed).toEqual([]);
  c.transport.buffered = () => 3 * HIGH_WATER;
  c.outbox.put("a", "<div id=a>2</div>");
  expect(closed).toEqual(["pending"]);
});

test("H1: a socket that stays backed up past the time budget while output keeps coming is closed", async () => {
  const { c, closed } = fakeClient(HIGH_WATER + 1);
  c.outbox.limits = { pendingBytes: Infinity, blockedMs: 1 };
  c.outbox.put("a", "<div id=a></div>");
  await flushed();
  expect(c.outbox.isBlocked).toBe(true);
  await Bun.sleep(5);
  c.outbox.put("a", "<div id=a>2</div>");
  expect(closed).toEqual(["blocked"]);
  // a socket that drains is not blocked any more, whatever the time
  const other = fakeClient(HIGH_WATER + 1);
  other.c.outbox.limits = { pendingBytes: Infinity, blockedMs: 1 };
  other.c.outbox.put("a", "x");
  await flushed();
  await Bun.sleep(5);
  other.state.buffered = 0;
  other.c.outbox.drain();
  other.c.outbox.put("a", "y");
  await flushed();
  expect(other.closed).toEqual([]);
  expect(other.sent.length).toBe(1);
});

// ---------------------------------------------------------------- M6: the capped line

function runnerFor(service: Partial<Service>, cap: number) {
  const device: unknown[] = [];
  const gates: (() => void)[] = [];
  const fn = async (v: unknown) => {
    await new Promise<void>((r) => gates.push(r)); // the device is busy until the test lets it go
    device.push(v);
    return v;
  };
  const def = parseCallbackArgs([Output("o", "children"), Input("s", "value"), fn, { service }], 1, Services.SHARED);
  return { runner: new CallbackRunner(def, cap), device, gates };
}

const call = (v: unknown): Call => ({
  args: [v],
  ctx: { triggered: [], triggeredId: undefined, inputs: {}, states: {}, client: undefined, outputs: [] },
});

/** Lets the device finish calls one by one until `done`. */
async function runAll(gates: (() => void)[], done: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !done(); i++) {
    await Bun.sleep(0);
    gates.shift()?.();
  }
}

test("M6: a shared callback keeps at most `cap` calls waiting; the newest takes the latest value", async () => {
  const { runner, device, gates } = runnerFor(Services.SHARED, 3);
  const outcomes: Promise<Outcome>[] = [];
  for (let v = 1; v <= 5000; v++) outcomes.push(runner.call(call(`a${v}`)));
  expect(runner.backlog).toBe(3); // a1 runs; a2, a3 wait; the third place holds the latest
  outcomes.push(runner.call(call("b")));
  expect(runner.backlog).toBe(3);
  await runAll(gates, () => device.includes("b"));
  // b, sent after 5,000 values of another tab, runs after at most cap + 1 calls
  expect(device).toEqual(["a1", "a2", "a3", "b"]);
  const settled = await Promise.all(outcomes);
  expect(settled.filter((o) => o.kind === "superseded").length).toBe(5000 + 1 - 4);
  expect(settled.at(-1)).toEqual({ kind: "changes", changes: [{ id: "o", prop: "children", value: "b" }] });
});

test("M6: below the cap every call runs, in order; maxWaiting: Infinity turns the cap off", async () => {
  const small = runnerFor(Services.SHARED, 8);
  for (let v = 1; v <= 6; v++) void small.runner.call(call(v));
  await runAll(small.gates, () => small.device.length === 6);
  expect(small.device).toEqual([1, 2, 3, 4, 5, 6]);

  const all = runnerFor({ ...Services.SHARED, maxWaiting: Infinity }, 8);
  for (let v = 1; v <= 100; v++) void all.runner.call(call(v));
  await runAll(all.gates, () => all.device.length === 100);
  expect(all.device).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
});

test("M6: most-recent keeps one waiting; per-tab serialized views (S2) are never collapsed", async () => {
  const mr = runnerFor(Services.SHARED_MOST_RECENT, 8);
  for (let v = 1; v <= 50; v++) void mr.runner.call(call(v));
  await runAll(mr.gates, () => mr.device.at(-1) === 50);
  expect(mr.device).toEqual([1, 50]);

  const s2 = runnerFor(Services.S2, 2);
  for (let v = 1; v <= 20; v++) void s2.runner.call(call(v));
  await runAll(s2.gates, () => s2.device.length === 20);
  expect(s2.device.length).toBe(20);
});
