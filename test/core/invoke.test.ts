// One callback's calls (src/core/invoke.ts): serialized calls run in the order requested, "most
// recent" and the shared cap collapse a backlog to the newest value without losing the last one,
// and a callback's result is checked and turned into changes.
import { expect, test } from "bun:test";
import { CallbackRunner, invoke, type Call, type Outcome } from "../../src/core/invoke.ts";
import { parseCallbackArgs, type CallbackDef } from "../../src/core/graph.ts";
import { Input, Output, PreventUpdate, noUpdate } from "../../src/core/dependencies.ts";
import { Services, type Service } from "../../src/core/services.ts";
import { deferred, settle } from "../helpers/memory-transport.ts";

// The tests pass callbacks with typed parameters, which unknown[] would refuse.
function def(
  // biome-ignore lint/suspicious/noExplicitAny: see above
  fn: (...a: any[]) => unknown,
  service: Partial<Service> = Services.SHARED,
  outputs: unknown = Output("o", "children"),
): CallbackDef {
  return parseCallbackArgs([outputs, Input("i", "value"), fn, { service }], 1, Services.REGULAR);
}
const call = (v: unknown): Call => ({
  args: [v],
  ctx: { triggered: [], triggeredId: undefined, inputs: {}, states: {}, client: undefined, outputs: [] },
});
const values = (outcomes: Outcome[]) => outcomes.map((o) => (o.kind === "changes" ? o.changes[0]?.value : o.kind));

test("a serialized callback runs one call at a time, in the order the calls were requested", async () => {
  const gate = deferred();
  const ran: number[] = [];
  let running = 0;
  let most = 0;
  const runner = new CallbackRunner(
    def(async (v: number) => {
      most = Math.max(most, ++running);
      if (v === 1) await gate.promise;
      ran.push(v);
      running--;
      return v;
    }),
    Infinity,
  );
  const done = Promise.all([1, 2, 3, 4].map((v) => runner.call(call(v))));
  await settle();
  expect(ran).toEqual([]);
  gate.resolve();
  expect(values(await done)).toEqual([1, 2, 3, 4]);
  expect(ran).toEqual([1, 2, 3, 4]);
  expect(most).toBe(1);
});

test("most recent: while one call runs, a backlog collapses to the newest value; the last value always runs", async () => {
  const gate = deferred();
  const ran: number[] = [];
  const runner = new CallbackRunner(
    def(async (v: number) => {
      if (v === 1) await gate.promise;
      ran.push(v);
      return v;
    }, Services.SHARED_MOST_RECENT),
  );
  expect(runner.cap).toBe(1);
  const done = Promise.all([1, 2, 3, 4].map((v) => runner.call(call(v))));
  await settle();
  expect(runner.backlog).toBe(1);
  gate.resolve();
  expect(values(await done)).toEqual([1, "superseded", "superseded", 4]);
  expect(ran).toEqual([1, 4]);
});

test("a shared callback keeps at most maxWaiting calls waiting; past it the newest waiting call takes the newer value", async () => {
  const gate = deferred();
  const ran: number[] = [];
  const runner = new CallbackRunner(
    def(async (v: number) => {
      if (v === 0) await gate.promise;
      ran.push(v);
      return v;
    }),
    3,
  );
  const done = Promise.all([0, 1, 2, 3, 4, 5].map((v) => runner.call(call(v))));
  await settle();
  expect(runner.backlog).toBe(3);
  gate.resolve();
  expect(values(await done)).toEqual([0, 1, 2, "superseded", "superseded", 5]);
  expect(ran).toEqual([0, 1, 2, 5]); // in order, ending at the last value
});

test("a regular callback is not serialized: calls overlap", async () => {
  const gates = [deferred(), deferred()];
  const order: string[] = [];
  const runner = new CallbackRunner(
    def(async (v: number) => {
      order.push(`start ${v}`);
      await gates[v]!.promise;
      order.push(`end ${v}`);
      return v;
    }, Services.REGULAR),
  );
  const done = Promise.all([0, 1].map((v) => runner.call(call(v))));
  await settle();
  gates[1]!.resolve();
  await settle();
  gates[0]!.resolve();
  await done;
  expect(order).toEqual(["start 0", "start 1", "end 1", "end 0"]);
});

test("results: noUpdate and PreventUpdate change nothing, a throw is an error outcome, a wrong output count is DD_OUTPUT_COUNT", async () => {
  const two = [Output("a", "children"), Output("b", "children")];
  expect(
    await invoke(
      def(() => noUpdate),
      call(1),
    ),
  ).toEqual({ kind: "changes", changes: [] });
  expect(
    await invoke(
      def(() => {
        throw PreventUpdate;
      }),
      call(1),
    ),
  ).toEqual({ kind: "prevented" });
  const thrown = await invoke(
    def(async () => {
      throw new Error("device gone");
    }),
    call(1),
  );
  expect(thrown.kind === "error" && (thrown.error as Error).message).toBe("device gone");
  expect(
    await invoke(
      def(() => [1, noUpdate], Services.SHARED, two),
      call(1),
    ),
  ).toEqual({ kind: "changes", changes: [{ id: "a", prop: "children", value: 1 }] });
  const wrong = await invoke(
    def(() => [1], Services.SHARED, two),
    call(1),
  );
  expect(wrong.kind === "error" && (wrong.error as { ddCode?: string }).ddCode).toBe("DD_OUTPUT_COUNT");
  expect(
    await invoke(
      def(() => Output("x", "value", 3)),
      call(1),
    ),
  ).toEqual({ kind: "changes", changes: [{ id: "x", prop: "value", value: 3 }] });
});

test("a call that holds the event loop past the threshold is reported with its callback", async () => {
  const blocked: string[] = [];
  const cb = def(() => {
    const end = performance.now() + 5;
    while (performance.now() < end);
    return 1;
  });
  await invoke(cb, call(1), { thresholdMs: 1, blocked: (c) => blocked.push(c.name) });
  await invoke(
    def(async () => 1),
    call(1),
    { thresholdMs: 1000, blocked: (c) => blocked.push(`fast ${c.name}`) },
  );
  expect(blocked).toEqual([cb.name]);
});
