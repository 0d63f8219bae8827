// The fan-out (src/core/fan-out.ts) with tabs on in-memory transports: who gets which render of a
// change, private overrides, authorizers, server-only components, toasts.
import { expect, test } from "bun:test";
import { html } from "../../src/core/html.ts";
import { dcc } from "../../src/core/dcc/index.ts";
import { connectTab, memoryRuntime, settle } from "../helpers/memory-transport.ts";

const layout = () =>
  html.Div([
    html.Div({ id: "panel", children: [html.Span({ id: "label", children: "shared label" })] }),
    html.Div({ id: "other", children: "other" }),
    dcc.Store({ id: "hidden", data: 0 }),
  ]);

test("a shared change reaches every tab from one render; a tab with a private override inside gets its own", async () => {
  const { rt } = await memoryRuntime((rt) => (rt.layout = layout()));
  const [a, b, c] = [await connectTab(rt), await connectTab(rt), await connectTab(rt)];
  rt.pushMods({ label: { children: "only for c" } }, c.client);
  await settle();
  c.transport.frames.length = 0;
  rt.pushMods({ panel: { className: "lit" } });
  await settle();
  for (const t of [a, b]) expect(t.transport.content).toContain("shared label");
  expect(c.transport.content).toContain("only for c");
  expect(c.transport.content).not.toContain("shared label");
  for (const t of [a, b, c]) expect(t.transport.content).toContain('class="lit"');
  expect(a.transport.frames.at(-1)!.v).toBe(rt.version);
});

test("an authorizer keeps a component's updates from a tab; one that throws is reported and keeps them too", async () => {
  const { rt, log } = await memoryRuntime((rt) => (rt.layout = layout()));
  const admin = await connectTab(rt);
  const guest = await connectTab(rt);
  admin.client.data.isAdmin = true;
  rt.authorizers.push((c, id) => id !== "panel" || c.data.isAdmin === true);
  rt.pushMods({ panel: { className: "x" }, other: { children: "for all" } });
  await settle();
  expect(admin.transport.content).toContain('class="x"');
  expect(guest.transport.content).not.toContain('class="x"');
  expect(guest.transport.content).toContain("for all");
  expect(guest.transport.frames.at(-1)!.v).toBe(rt.version); // the version still moves for it
  rt.authorizers.push(() => {
    throw new Error("authorizer bug");
  });
  admin.transport.frames.length = 0;
  rt.pushMods({ other: { children: "again" } });
  await settle();
  expect(admin.transport.content).not.toContain("again");
  expect(log.some((l) => l.includes("authorizer bug"))).toBe(true);
});

test("a push to one tab reaches only it; server-only components (dcc.Store) are never sent", async () => {
  const { rt } = await memoryRuntime((rt) => (rt.layout = layout()));
  const a = await connectTab(rt);
  const b = await connectTab(rt);
  rt.pushMods({ other: { children: "just a" }, hidden: { data: 42 } }, a.client);
  await settle();
  expect(a.transport.content).toContain("just a");
  expect(a.transport.content).not.toContain("hidden");
  expect(b.transport.frames).toEqual([]);
  expect(rt.value("hidden", "data", a.client)).toBe(42);
  expect(rt.value("hidden", "data", b.client)).toBe(0);
});

test("notify shows a toast in one tab or every tab", async () => {
  const { rt } = await memoryRuntime((rt) => (rt.layout = layout()));
  const a = await connectTab(rt);
  const b = await connectTab(rt);
  rt.notify("only to a", a.client);
  rt.notify("to every tab");
  await settle();
  expect(a.transport.content).toContain("only to a");
  expect(a.transport.content).toContain("to every tab");
  expect(b.transport.content).not.toContain("only to a");
  expect(b.transport.content).toContain("to every tab");
});
