// The outbox (src/core/outbox.ts) on an in-memory transport: one frame per burst, the newest render
// of a component wins, acks only grow, a backed-up socket gets the latest state once it drains, and
// a socket that stays backed up is closed over its budget.
import { expect, test } from "bun:test";
import { Flusher, HIGH_WATER, MAX_TOASTS, Outbox, type OutboxOwner } from "../../src/core/outbox.ts";
import type { BudgetKind } from "../../src/core/budgets.ts";
import { MemoryTransport, settle } from "../helpers/memory-transport.ts";

function owner(): OutboxOwner & { transport: MemoryTransport; over: BudgetKind[] } {
  const over: BudgetKind[] = [];
  return { transport: new MemoryTransport(), connected: true, messagesOut: 0, over, overBudget: (k) => over.push(k) };
}

test("a burst of puts leaves as one frame; a newer render of a component replaces the older and moves to the end", async () => {
  const o = owner();
  const box = new Outbox(o);
  box.put("a", "<a1>");
  box.put("b", "<b1>");
  box.put("a", "<a2>");
  box.putVersion(7);
  box.putVersion(5); // versions never go back
  box.putAck(3);
  box.putAck(2); // nor acks
  expect(o.transport.frames).toEqual([]); // nothing before the burst is over
  await settle();
  expect(o.transport.frames).toEqual([{ content: "<b1><a2>", v: 7, ack: 3 }]);
  expect(o.messagesOut).toBe(1);
  await settle();
  expect(o.transport.frames.length).toBe(1); // nothing new, nothing sent
});

test("a frame with only a version waits: the version rides along with the next content or ack", async () => {
  const o = owner();
  const box = new Outbox(o);
  box.putVersion(4);
  await settle();
  expect(o.transport.frames).toEqual([]);
  box.putAck(1);
  await settle();
  expect(o.transport.frames).toEqual([{ v: 4, ack: 1 }]);
});

test("errors and toasts: at most MAX_TOASTS wait, the latest kept, in order", async () => {
  const o = owner();
  const box = new Outbox(o);
  for (let i = 1; i <= MAX_TOASTS + 2; i++) box.putError("DD_X", `m${i}`, `<t${i}>`);
  await settle();
  const [f] = o.transport.frames;
  expect(f!.errors!.map((e) => e.message)).toEqual(Array.from({ length: MAX_TOASTS }, (_, i) => `m${i + 3}`));
  expect(f!.content).toBe(Array.from({ length: MAX_TOASTS }, (_, i) => `<t${i + 3}>`).join(""));
});

test("appends to a component are kept in order; a full render replaces them", async () => {
  const o = owner();
  const box = new Outbox(o);
  box.putAppend("g", "<p1>", () => "<full>");
  box.putAppend("g", "<p2>", () => "<full>");
  await settle();
  expect(o.transport.frames[0]!.content).toBe("<p1><p2>");
  box.putAppend("g", "<p3>", () => "<full>");
  box.put("g", "<g-render>");
  await settle();
  expect(o.transport.frames[1]!.content).toBe("<g-render>");
});

test("a backed-up socket is not written to; once it drains it gets the latest render of each component, once", async () => {
  const o = owner();
  const box = new Outbox(o);
  o.transport.bufferedBytes = HIGH_WATER + 1;
  for (let i = 1; i <= 100; i++) box.put("s", `<s${i}>`);
  await settle();
  expect(o.transport.frames).toEqual([]);
  expect(box.isBlocked).toBe(true);
  box.putAppend("g", "<point>", () => "<g-full>"); // a blocked tab gets a full render, not a backlog of points
  o.transport.bufferedBytes = 0;
  box.drain();
  await settle();
  expect(o.transport.frames).toEqual([{ content: "<s100><g-full>" }]);
  expect(o.over).toEqual([]);
});

test("send answering -1 (queued) blocks the outbox until drain", async () => {
  const o = owner();
  const box = new Outbox(o);
  o.transport.sendResult = -1;
  box.put("a", "<a1>");
  await settle();
  expect(box.isBlocked).toBe(true);
  box.put("a", "<a2>");
  await settle();
  expect(o.transport.frames.length).toBe(1);
  o.transport.sendResult = 1;
  box.drain();
  await settle();
  expect(o.transport.frames.map((f) => f.content)).toEqual(["<a1>", "<a2>"]);
});

test("output piling up for a socket backed up past its byte budget closes the tab", async () => {
  const o = owner();
  const box = new Outbox(o);
  box.limits = { pendingBytes: 1000, blockedMs: Infinity };
  o.transport.bufferedBytes = HIGH_WATER + 1;
  box.put("a", "<a>");
  await settle();
  expect(o.over).toEqual(["pending"]);
});

test("a closed tab's outbox sends nothing", async () => {
  const o = owner();
  const box = new Outbox(o);
  (o as { connected: boolean }).connected = false;
  box.put("a", "<a>");
  box.putAck(1);
  await settle();
  expect(o.transport.frames).toEqual([]);
});

test("tabs of one burst share the encoding of a broadcast only when their fragments and version are the same", async () => {
  const flusher = new Flusher();
  const tabs = Array.from({ length: 5 }, () => owner());
  const [a, b, c, d, e] = tabs.map((o) => new Outbox(o, flusher)) as [Outbox, Outbox, Outbox, Outbox, Outbox];
  const shared1 = "<x1>";
  const shared2 = "<y1>";
  for (const box of [a, b, c, d, e]) box.putVersion(9);
  a.put("x", shared1);
  a.put("y", shared2);
  b.put("x", shared1);
  b.put("y", shared2);
  e.put("x", shared1); // flushed right after b's: same strings, a newer version
  e.put("y", shared2);
  e.putVersion(10);
  c.put("x", shared1);
  c.put("y", "<y-own>"); // its own render of y
  d.put("x", shared1); // one fragment fewer
  await settle();
  expect(tabs.map((o) => o.transport.frames)).toEqual([
    [{ content: "<x1><y1>", v: 9 }],
    [{ content: "<x1><y1>", v: 9 }],
    [{ content: "<x1><y-own>", v: 9 }],
    [{ content: "<x1>", v: 9 }],
    [{ content: "<x1><y1>", v: 10 }],
  ]);
  // The next burst encodes anew even with the same strings: the version is the frame's.
  a.put("x", shared1);
  a.putAck(4);
  b.put("x", shared1);
  await settle();
  expect(tabs[0]!.transport.frames[1]).toEqual({ content: "<x1>", v: 9, ack: 4 });
  expect(tabs[1]!.transport.frames[1]).toEqual({ content: "<x1>", v: 9 });
});

test("a transport whose send answers -1 whenever bytes wait is not asked buffered() after a send that went out; after a drain it is", async () => {
  const o = owner();
  let asked = 0;
  const t = o.transport as MemoryTransport & { backpressureInSend?: boolean };
  const buffered = t.buffered.bind(t);
  t.buffered = () => (asked++, buffered());
  const box = new Outbox(o);
  const burst = async (v: string) => {
    box.put("a", v);
    await settle();
  };
  await burst("<1>");
  await burst("<2>");
  expect(asked).toBe(2); // not declared: asked before every frame
  (t as { backpressureInSend?: boolean }).backpressureInSend = true;
  await burst("<3>"); // the last send is still one made before the declaration counted: asked
  await burst("<4>");
  await burst("<5>");
  expect(asked).toBe(3);
  t.sendResult = -1; // queued behind a backlog: blocked until drain
  await burst("<6>");
  await burst("<7>");
  expect(box.isBlocked).toBe(true);
  t.sendResult = 1;
  t.bufferedBytes = HIGH_WATER + 1; // drained a little, still backed up
  box.drain();
  await settle();
  expect(asked).toBe(6); // <7> came while blocked (its budget check asks), the drain: asked, still over, budget check
  expect(box.isBlocked).toBe(true);
  t.bufferedBytes = 0;
  box.drain();
  await settle();
  expect(t.frames.map((f) => f.content)).toEqual(["<1>", "<2>", "<3>", "<4>", "<5>", "<6>", "<7>"]);
});

test("in a burst, the tabs whose frame carries an ack (the senders) are written after the others, each tab once", async () => {
  const flusher = new Flusher();
  const order: string[] = [];
  const tabs = ["sender", "b", "c", "other-sender", "d"].map((name) => {
    const o = owner();
    const send = o.transport.send.bind(o.transport);
    o.transport.send = (frame: string) => (order.push(name), send(frame));
    return new Outbox(o, flusher);
  });
  tabs[0]!.putAck(1); // the sender's outbox joins the burst first, as when its message starts it
  for (const box of tabs) box.put("x", "<x1>");
  tabs[3]!.putAck(2);
  await settle();
  expect(order).toEqual(["b", "c", "d", "sender", "other-sender"]);
  // The next burst starts from an empty batch: no tab left over, none flushed twice.
  tabs[2]!.put("x", "<x2>");
  await settle();
  expect(order.slice(5)).toEqual(["c"]);
});
