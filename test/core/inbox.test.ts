// The inbox (src/core/inbox.ts) without a server: messages on an in-memory transport, acks in
// order, refusals and their budgets, guards, and shared writes entering the lock on arrival.
import { expect, test } from "bun:test";
import { html } from "../../src/core/html.ts";
import { dcc } from "../../src/core/dcc/index.ts";
import { Input, Output } from "../../src/core/dependencies.ts";
import { DashDevicesError } from "../../src/core/errors.ts";
import { BUDGET_CLOSE_CODE } from "../../src/core/budgets.ts";
import { connectTab, deferred, memoryRuntime, message, settle } from "../helpers/memory-transport.ts";

const layout = () =>
  html.Div([
    dcc.Slider({ id: "shared", min: 0, max: 100, value: 0 }),
    html.Div({ id: "shared_out" }),
    dcc.Slider({ id: "own", min: 0, max: 100, value: 0 }),
    html.Div({ id: "own_out" }),
    dcc.Slider({ id: "off", min: 0, max: 10, value: 1, disabled: true }),
  ]);

test("acks come in message order, after what each message caused, even when callbacks finish out of order", async () => {
  const gates = [deferred(), deferred(), deferred()];
  let call = 0;
  const { rt } = await memoryRuntime((rt) => {
    rt.layout = layout();
    rt.addCallback(
      [
        Output("own_out", "children"),
        Input("own", "value"),
        async (v: number) => {
          const gate = gates[call++];
          if (gate) await gate.promise;
          return `own ${v}`;
        },
      ],
      false,
    );
  });
  const { client, transport } = await connectTab(rt);
  call = 0;
  for (let i = 1; i <= 3; i++) rt.handleMessage(client, message("own", i, i));
  gates[2]!.resolve();
  gates[1]!.resolve();
  await settle();
  expect(transport.acks).toEqual([]); // message 1's callback still runs: nothing is acked past it
  gates[0]!.resolve();
  await settle();
  expect(transport.acks.at(-1)).toBe(3);
  expect(transport.acks).toEqual([...transport.acks].sort((a, b) => a - b));
  expect(rt.value("own_out", "children", client)).toBe("own 3");
});

test("a shared change is written and its call queued on arrival: the callback sees every value in order", async () => {
  const seen: number[] = [];
  const gate = deferred();
  const { rt } = await memoryRuntime((rt) => {
    rt.layout = layout();
    rt.addCallback(
      [
        Output("shared_out", "children"),
        Input("shared", "value"),
        async (v: number) => {
          if (v === 1) await gate.promise;
          seen.push(v);
          return `shared ${v}`;
        },
        { preventInitialCall: true },
      ],
      true,
    );
  });
  const a = await connectTab(rt);
  const b = await connectTab(rt);
  rt.handleMessage(a.client, message("shared", 1, 1));
  rt.handleMessage(b.client, message("shared", 2, 1));
  rt.handleMessage(a.client, message("shared", 3, 2));
  expect(rt.value("shared", "value")).toBe(3); // the store has the last value before any call ran
  gate.resolve();
  await settle();
  expect(seen).toEqual([1, 2, 3]);
  expect(rt.value("shared_out", "children")).toBe("shared 3");
  expect(b.transport.content).toContain("shared 3");
  expect(a.transport.acks.at(-1)).toBe(2);
  expect(b.transport.acks.at(-1)).toBe(1);
});

test("a refused message is answered with its error and acked in order; nothing changes", async () => {
  const { rt, log } = await memoryRuntime((rt) => (rt.layout = layout()));
  const { client, transport } = await connectTab(rt);
  rt.handleMessage(client, "{not json");
  rt.handleMessage(client, message("nobody", 1, 2));
  rt.handleMessage(client, message("off", 5, 3));
  rt.handleMessage(client, message("shared", "abc", 4));
  rt.handleMessage(client, message("shared_out", 1, 5));
  await settle();
  expect(transport.errorCodes).toEqual(["DD_BAD_MESSAGE", "DD_UNKNOWN_ID", "DD_DISABLED", "DD_BAD_VALUE", "DD_BAD_MESSAGE"]);
  expect(transport.acks.at(-1)).toBe(5);
  expect(rt.value("off", "value")).toBe(1);
  expect(rt.value("shared", "value")).toBe(0);
  expect(log.some((l) => l.includes("message.refused"))).toBe(true);
  expect(transport.closed).toBeUndefined();
});

test("past the invalid-message budget the tab is closed with 1008 and leaves the fan-out", async () => {
  const { rt, log } = await memoryRuntime((rt) => (rt.layout = layout()), { budgets: { invalidBurst: 3, invalidPerSecond: 0.001 } });
  const { client, transport } = await connectTab(rt);
  const reasons: string[] = [];
  rt.budgetListeners.push((_c, reason) => reasons.push(reason));
  for (let i = 1; i <= 4; i++) rt.handleMessage(client, "garbage");
  expect(transport.closed?.code).toBe(BUDGET_CLOSE_CODE);
  expect(reasons).toEqual([transport.closed!.reason!]);
  expect(rt.clients.has(client)).toBe(false);
  expect(log.filter((l) => l.includes("client.closed")).length).toBe(1);
  rt.handleMessage(client, message("shared", 9, 9)); // a closed tab's messages are ignored
  expect(rt.value("shared", "value")).toBe(0);
});

test("too many unanswered messages are refused with DD_FLOOD without closing; a longer queue closes", async () => {
  const gate = deferred();
  const { rt } = await memoryRuntime(
    (rt) => {
      rt.layout = layout();
      rt.addCallback(
        [
          Output("own_out", "children"),
          Input("own", "value"),
          async (v: number) => (await gate.promise, `own ${v}`),
          { preventInitialCall: true },
        ],
        false,
      );
    },
    { maxInflight: 2, budgets: { maxQueued: 6 } },
  );
  const { client, transport } = await connectTab(rt);
  for (let i = 1; i <= 4; i++) rt.handleMessage(client, message("own", i, i));
  await settle();
  expect(transport.errorCodes).toEqual(["DD_FLOOD", "DD_FLOOD"]);
  expect(transport.closed).toBeUndefined();
  for (let i = 5; i <= 12; i++) rt.handleMessage(client, message("own", i, i));
  expect(transport.closed?.code).toBe(BUDGET_CLOSE_CODE);
  gate.resolve();
});

test("a guard refuses a change: the control snaps back, the error is shown, no budget is spent", async () => {
  const { rt } = await memoryRuntime((rt) => (rt.layout = layout()), { budgets: { invalidBurst: 1, invalidPerSecond: 0.001 } });
  const { client, transport } = await connectTab(rt);
  const asked: string[][] = [];
  rt.inputGuards.push((_c, _id, keys) => (asked.push([...keys]), new DashDevicesError("DD_NOT_AUTHORIZED", { what: "no." })));
  for (let i = 1; i <= 3; i++) rt.handleMessage(client, message("shared", 7, i));
  await settle();
  expect(asked[0]).toEqual(["shared.value"]);
  expect(rt.value("shared", "value")).toBe(0);
  expect(transport.errorCodes).toEqual(["DD_NOT_AUTHORIZED", "DD_NOT_AUTHORIZED", "DD_NOT_AUTHORIZED"]);
  expect(transport.content).toContain('id="shared"'); // the snap-back render
  expect(transport.closed).toBeUndefined();
});

test("input listeners hear every applied change, shared or not; a throwing listener is logged, the change stands", async () => {
  const { rt, log } = await memoryRuntime((rt) => (rt.layout = layout()));
  const { client } = await connectTab(rt);
  const heard: [string, unknown, boolean][] = [];
  rt.inputListeners.push(() => {
    throw new Error("listener bug");
  });
  rt.inputListeners.push((_c, id, changed, shared) => heard.push([id, changed.value, shared]));
  rt.handleMessage(client, message("own", 4, 1));
  await settle();
  expect(heard).toEqual([["own", 4, false]]);
  expect(rt.value("own", "value", client)).toBe(4);
  expect(rt.value("own", "value")).toBe(0); // a regular control's value is the tab's own
  expect(log.some((l) => l.includes("listener.error"))).toBe(true);
});
