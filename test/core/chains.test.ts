// The chain scheduler (src/core/chains.ts) on its own: it is given small interfaces (values, a
// writer, a reporter, the tabs), never the runtime. These tests give it fakes that record what it
// asks for, so the order of calls and writes is seen directly.
import { expect, test } from "bun:test";
import { Chains } from "../../src/core/chains.ts";
import { CallbackGraph, parseCallbackArgs, type CallbackDef } from "../../src/core/graph.ts";
import { CallbackRunner, type Change } from "../../src/core/invoke.ts";
import type { Client } from "../../src/core/client.ts";
import { Input, Output, State } from "../../src/core/dependencies.ts";
import { Services } from "../../src/core/services.ts";
import { html } from "../../src/core/html.ts";
import { memoryTab, settle } from "../helpers/memory-transport.ts";

/** Chains over a real graph and fakes for everything else; `log` records calls and writes in order. */
function harness(register: (add: (args: unknown[], shared: boolean) => void) => void) {
  const graph = new CallbackGraph();
  const runners = new Map<CallbackDef, CallbackRunner>();
  const values = new Map<string, unknown>();
  const log: string[] = [];
  const errors: string[] = [];
  const clients = new Set<Client>();
  register((args, shared) => {
    const d = parseCallbackArgs(args, graph.callbacks.length + 1, shared ? Services.SHARED : Services.REGULAR);
    graph.add(d);
    runners.set(d, new CallbackRunner(d));
  });
  const chains = new Chains({
    callbacks: { graph, runner: (cb) => runners.get(cb)! },
    values: {
      value: (id, prop, c) => values.get(`${c ? `${(c as Client).id}:` : ""}${id}.${prop}`) ?? values.get(`${id}.${prop}`) ?? null,
    },
    components: { get: (id) => (id === "ghost" ? undefined : html.Div({ id })), hasType: () => false },
    writer: {
      write: () => [],
      send: () => {},
      scoped: (cb, changes: Change[], client) => {
        const shared = changes.filter((ch) => !client || cb?.service.shared || graph.sharedKeys.has(`${ch.id}.${ch.prop}`));
        const own = changes.filter((ch) => !shared.includes(ch));
        for (const ch of shared) values.set(`${ch.id}.${ch.prop}`, ch.value);
        for (const ch of own) values.set(`${client!.id}:${ch.id}.${ch.prop}`, ch.value);
        for (const ch of changes) log.push(`write ${ch.id}.${ch.prop}=${ch.value}${own.includes(ch) ? " (own)" : ""}`);
        return { shared: shared.map((c) => `${c.id}.${c.prop}`), own: own.map((c) => `${c.id}.${c.prop}`) };
      },
    },
    reporter: { reportError: (e, _c, cb) => errors.push(`${cb?.name}: ${(e as { ddCode?: string }).ddCode ?? (e as Error).message}`) },
    clients,
  });
  return { chains, values, log, errors, clients };
}

test("a shared chain runs rank by rank: each callback once, after everything it depends on", async () => {
  const h = harness((add) => {
    // a -> b -> d and a -> c -> d: d must run once, after b and c
    add([Output("b", "children"), Input("a", "value"), (a: number) => (h.log.push("call ab"), a + 1)], true);
    add([Output("c", "children"), Input("a", "value"), (a: number) => (h.log.push("call ac"), a * 10)], true);
    add(
      [
        Output("d", "children"),
        Input("b", "children"),
        Input("c", "children"),
        (b: number, c: number) => (h.log.push("call d"), `${b}/${c}`),
      ],
      true,
    );
  });
  h.values.set("a.value", 2);
  await h.chains.shared(["a.value"], undefined);
  expect(h.log).toEqual(["call ab", "call ac", "write b.children=3", "write c.children=20", "call d", "write d.children=3/20"]);
});

test("the first round of a shared chain enters its lock before shared() returns, with that moment's value", async () => {
  const seen: number[] = [];
  const h = harness((add) => add([Output("o", "children"), Input("s", "value"), async (v: number) => (seen.push(v), v)], true));
  h.values.set("s.value", 1);
  const first = h.chains.shared(["s.value"], undefined);
  h.values.set("s.value", 2); // a later message's value
  const second = h.chains.shared(["s.value"], undefined);
  await Promise.all([first, second]);
  expect(seen).toEqual([1, 2]);
});

test("a regular callback fed by a shared key runs once per connected tab, in that tab's queue", async () => {
  const calls: string[] = [];
  const h = harness((add) =>
    add(
      [Output("mine", "children"), Input("s", "value"), (v: number, ctx: { client?: Client }) => (calls.push(`${ctx.client!.id}:${v}`), v)],
      false,
    ),
  );
  const a = memoryTab().client;
  const b = memoryTab().client;
  h.clients.add(a).add(b);
  h.values.set("s.value", 5);
  await h.chains.shared(["s.value"], undefined);
  await settle();
  expect(calls.sort()).toEqual([`${a.id}:5`, `${b.id}:5`].sort());
  expect(h.log.every((l) => l.endsWith("(own)"))).toBe(true);
});

test("a tab's chain: own outputs feed the next rank; a shared output starts a shared chain", async () => {
  const h = harness((add) => {
    add([Output("x2", "children"), Input("x", "value"), (x: number) => x * 2], false);
    add([Output("x4", "children"), Input("x2", "children"), (x: number) => x * 2], false);
    add([Output("total", "children"), Input("x4", "children"), State("total", "children"), (x: number) => x + 1], true);
  });
  const tab = memoryTab().client;
  h.values.set(`${tab.id}:x.value`, 3);
  await h.chains.client(tab, ["x.value"]);
  // x4 feeds a shared callback, so it is shared state: written for everyone, and the shared chain runs
  expect(h.log).toEqual(["write x2.children=6 (own)", "write x4.children=12", "write total.children=13"]);
});

test("a callback that throws, or returns an output for a component that does not exist, is reported and writes nothing", async () => {
  const h = harness((add) => {
    add(
      [
        Output("o", "children"),
        Input("s", "value"),
        () => {
          throw new Error("sensor gone");
        },
        { name: "reader" },
      ],
      true,
    );
    add([Output("p", "children"), Input("s", "value"), () => Output("ghost", "children", 1), { name: "alt" }], true);
  });
  await h.chains.shared(["s.value"], undefined);
  expect(h.errors.sort()).toEqual(["alt: DD_UNKNOWN_ID", "reader: sensor gone"]);
  expect(h.log).toEqual([]);
});

test("first calls: shared callbacks once at start (server), regular ones per tab (client), none when prevented", async () => {
  const calls: string[] = [];
  const h = harness((add) => {
    add([Output("a", "children"), Input("s", "value"), () => (calls.push("shared"), 1)], true);
    add([Output("b", "children"), Input("r", "value"), () => (calls.push("regular"), 1)], false);
    add([Output("c", "children"), Input("r", "value"), () => (calls.push("prevented"), 1), { preventInitialCall: true }], false);
  });
  await h.chains.initialShared();
  expect(calls).toEqual(["shared"]);
  await h.chains.client(memoryTab().client, [], true);
  expect(calls).toEqual(["shared", "regular"]);
});
