// A tab's life (src/core/tabs.ts) on an in-memory transport: connect (snapshot only when its page
// is stale, first per-tab calls, connect handlers and the mods they return), leave, close over a
// budget. Also the Client's typed fields: the app's own go in `client.data`.
import { expect, test } from "bun:test";
import { html } from "../../src/core/html.ts";
import { dcc } from "../../src/core/dcc/index.ts";
import { Input, Output } from "../../src/core/dependencies.ts";
import { BUDGET_CLOSE_CODE } from "../../src/core/budgets.ts";
import { SHELL_ID } from "../../src/core/wire.ts";
import { memoryRuntime, memoryTab, settle } from "../helpers/memory-transport.ts";

// An app declares its own fields once (README: app.clients) and they are typed everywhere.
declare module "../../src/index.ts" {
  interface ClientData {
    nickname?: string;
  }
}

const build = (rt: Parameters<Parameters<typeof memoryRuntime>[0]>[0]) => {
  rt.layout = html.Div([dcc.Slider({ id: "s", min: 0, max: 9, value: 1 }), html.Div({ id: "out" }), html.Div({ id: "hello" })]);
  rt.addCallback([Output("out", "children"), Input("s", "value"), (v: number) => `at ${v}`], false);
};

test("a tab whose page is current gets no snapshot; a stale or reconnecting one gets the whole root once", async () => {
  const { rt } = await memoryRuntime(build);
  const current = memoryTab();
  rt.connect(current.client, rt.version, false);
  rt.pushMods({ hello: { children: "moved on" } });
  const stale = memoryTab();
  rt.connect(stale.client, 0, false);
  const back = memoryTab();
  rt.connect(back.client, rt.version, true);
  await settle();
  const root = `id="${SHELL_ID.root}"`;
  expect(current.transport.content).not.toContain(root);
  for (const t of [stale, back]) {
    expect(t.transport.content.split(root).length).toBe(2);
    expect(t.transport.content).toContain("moved on");
  }
});

test("connect runs the tab's first calls and the connect handlers; mods a handler returns go to that tab only", async () => {
  const { rt } = await memoryRuntime(build);
  const heard: string[] = [];
  rt.connectHandlers.push(
    (c, connected) => (heard.push(`${connected ? "in" : "out"} ${c.id}`), connected ? { hello: { children: `hi ${c.id}` } } : undefined),
  );
  rt.connectHandlers.push(async () => {
    throw new Error("handler bug");
  });
  const a = memoryTab();
  const b = memoryTab();
  rt.connect(a.client, rt.version, false);
  rt.connect(b.client, rt.version, false);
  await settle();
  expect(rt.value("out", "children", a.client)).toBe("at 1"); // its first call ran
  expect(a.transport.content).toContain(`hi ${a.client.id}`);
  expect(a.transport.content).not.toContain(`hi ${b.client.id}`);
  expect(rt.clients.size).toBe(2);
  rt.disconnect(a.client);
  rt.disconnect(a.client); // twice: told once
  expect(heard).toEqual([`in ${a.client.id}`, `in ${b.client.id}`, `out ${a.client.id}`]);
  expect(a.client.connected).toBe(false);
  expect([...rt.clients]).toEqual([b.client]);
});

test("closing over a budget: code 1008 with its reason, the listeners told, one log line, then the disconnect", async () => {
  const { rt, log } = await memoryRuntime(build);
  const t = memoryTab();
  rt.connect(t.client, rt.version, false);
  const order: string[] = [];
  rt.budgetListeners.push((_c, reason) => order.push(`budget ${reason}`));
  rt.connectHandlers.push((_c, connected) => void (connected || order.push("disconnect")));
  t.client.overBudget("pending"); // what the outbox calls
  t.client.overBudget("pending");
  expect(t.transport.closed?.code).toBe(BUDGET_CLOSE_CODE);
  expect(order).toEqual([`budget ${t.transport.closed!.reason}`, "disconnect"]);
  expect(t.client.closedReason).toBe(t.transport.closed!.reason);
  expect(log.filter((l) => l.includes("client.closed")).length).toBe(1);
});

test("Client: the app's own fields live in client.data; a misspelt field does not compile", () => {
  const { client } = memoryTab();
  client.data.nickname = "kitchen";
  const nickname: string | undefined = client.data.nickname; // typed as declared above
  // @ts-expect-error: a declared field keeps its type
  client.data.nickname = 42;
  client.data.nickname = nickname;
  client.username = "ada";
  // @ts-expect-error: Client has no index signature (`bunx tsc` fails here if one comes back)
  client.usrename = "ada";
  expect(client.data).toEqual({ nickname: "kitchen" });
});

test("the tabs share one outbox-limits object, made anew when the budgets change; a later tab gets the new budgets", async () => {
  const { rt } = await memoryRuntime(build);
  const a = memoryTab();
  const b = memoryTab();
  rt.connect(a.client, rt.version, false);
  rt.connect(b.client, rt.version, false);
  expect(a.client.outbox.limits).toBe(b.client.outbox.limits);
  expect(a.client.outbox.limits).toEqual({ pendingBytes: rt.budgets.maxPendingBytes, blockedMs: rt.budgets.maxBlockedSeconds * 1000 });
  const before = { ...a.client.outbox.limits };
  rt.budgets.maxPendingBytes = 1234;
  const c = memoryTab();
  rt.connect(c.client, rt.version, false);
  expect(c.client.outbox.limits).toEqual({ pendingBytes: 1234, blockedMs: rt.budgets.maxBlockedSeconds * 1000 });
  expect(a.client.outbox.limits).toEqual(before); // an open tab keeps what it connected with
});
