// M7 (issue 10, "Trusted on a LAN"): a role covers every value that feeds its callback, not only
// the Inputs. An anonymous tab could set a shared value that only an operator-only "Fire" callback
// reads (as State), and the operator's next Fire drove the device to it. Real server, real SQLite
// file, real sockets.
import { describe, expect, test } from "bun:test";
import { type App, dcc, html, Input, Output, State } from "../../src/index.ts";
import { CallbackGraph, parseCallbackArgs, Services } from "../../src/core/graph.ts";
import type { WsClient } from "../helpers/ws-client.ts";
import { useApp, useTabs } from "../helpers/fixtures.ts";

const codes = (t: WsClient) => t.errors.map((e) => e.code);

/**
 * "target" is shared (a display callback reads it as Input) and read as State by the operator's
 * Fire; "raw" reaches Fire indirectly: its shared callback's output "scaled" is Fire's State.
 */
function device(app: App) {
  app.layout = html.Div([
    dcc.Slider({ id: "target", min: 0, max: 10, step: 1, value: 5 }),
    dcc.Slider({ id: "raw", min: 0, max: 10, step: 1, value: 1 }),
    html.Div({ id: "shown" }),
    html.Div({ id: "scaled" }),
    html.Button("Fire", { id: "fire" }),
    html.Div({ id: "device" }),
  ]);
  app.callbackShared(Output("shown", "children"), Input("target", "value"), (v: unknown) => `target ${v}`);
  app.callbackShared(Output("scaled", "children"), Input("raw", "value"), (v: unknown) => String(Number(v) * 10));
  app.callbackShared(
    Output("device", "children"),
    Input("fire", "n_clicks"),
    [State("target", "value"), State("scaled", "children")],
    (n: unknown, target: unknown, scaled: unknown) => (n ? `fired at ${target} scale ${scaled}` : "idle"),
    { role: "operator", name: "fire" },
  );
}

test("M7: graph.reach follows Input and State edges through outputs, and stops at loops through State", () => {
  const g = new CallbackGraph();
  const add = (args: unknown[], shared = false) =>
    g.add(parseCallbackArgs(args, g.callbacks.length + 1, shared ? Services.SHARED : Services.REGULAR));
  add([Output("scaled", "children"), Input("raw", "value"), (v: unknown) => v], true);
  add(
    [
      Output("device", "children"),
      Input("fire", "n_clicks"),
      State("target", "value"),
      State("scaled", "children"),
      () => 1,
      { role: "operator", name: "fire" },
    ],
    true,
  );
  add([Output("log", "children"), Input("note", "value"), State("log", "children"), () => 1]); // reads its own output
  add([Output("wipe", "children"), Input("wipe_btn", "n_clicks"), () => 1, { role: "admin", name: "wipe" }], true);
  const r = (k: string) => ({ ...g.reach(k) });
  expect(r("target.value")).toEqual({ role: "operator", roleBy: "fire", shared: true });
  expect(r("raw.value")).toEqual({ role: "operator", roleBy: "fire", shared: true });
  expect(r("fire.n_clicks")).toEqual({ role: "operator", roleBy: "fire", shared: true });
  expect(r("wipe_btn.n_clicks")).toEqual({ role: "admin", roleBy: "wipe", shared: true });
  expect(r("note.value")).toEqual({ role: undefined, roleBy: undefined, shared: false });
  expect(g.neededRole("nobody.value")).toBeUndefined();
  expect(g.reach("target.value")).toBe(g.reach("target.value")); // computed once
});

describe("M7: roles cover values read as State, directly or through a chain", () => {
  const s = useApp(device, { database: true, users: { op: "operator" } });
  const tabs = useTabs(s);

  test("M7: an anonymous tab writing a value only an operator callback reads (as State) is refused and snaps back", async () => {
    const anon = await tabs.open();
    await anon.change("target", 9);
    expect(codes(anon)).toEqual(["DD_NOT_AUTHORIZED"]);
    expect(anon.errors[0]!.message).toContain('"fire"');
    expect(anon.inputValue("target")).toBe("5"); // the server sent its value back
    expect(s.app.runtime.value("target", "value")).toBe(5);
    expect(s.app.runtime.value("shown", "children")).toBe("target 5");
  });

  test("M7: a value that reaches the operator callback through another callback's output is refused too", async () => {
    const anon = await tabs.open();
    await anon.change("raw", 7);
    expect(codes(anon)).toEqual(["DD_NOT_AUTHORIZED"]);
    expect(anon.inputValue("raw")).toBe("1");
    expect(s.app.runtime.value("raw", "value")).toBe(1);
    expect(s.app.runtime.value("scaled", "children")).toBe("10");
  });

  test("M7: the operator's Fire uses the operator's values; pushes from the app are not guarded", async () => {
    const anon = await tabs.open();
    const op = await tabs.open({ as: "op" });
    await op.change("target", 3);
    await op.change("raw", 2);
    await anon.change("target", 9); // between the operator's setting and Fire
    await anon.change("raw", 9);
    await op.click("fire");
    expect(codes(op)).toEqual([]);
    expect(s.app.runtime.value("device", "children")).toBe("fired at 3 scale 20");
    expect(codes(anon)).toEqual(["DD_NOT_AUTHORIZED", "DD_NOT_AUTHORIZED"]);

    s.app.pushMods({ target: { value: 8 } }); // the app itself is trusted
    await anon.waitFor((t) => t.inputValue("target") === "8" && t.text("shown") === "target 8");
  });
});

describe("M7: the control lease covers a shared value read only as State", () => {
  const s = useApp((app) => {
    const lease = app.controlLease({ idleMs: 60_000 });
    app.layout = html.Div([
      lease.panel(),
      dcc.Slider({ id: "speed", min: 0, max: 10, step: 1, value: 1 }),
      dcc.Slider({ id: "target", min: 0, max: 10, step: 1, value: 5 }),
      html.Button("Reset", { id: "reset" }),
      html.Button("Fire", { id: "fire" }),
      html.Div({ id: "device" }),
    ]);
    app.callbackShared(Output("device", "children"), Input("speed", "value"), (v: unknown) => `speed ${v}`);
    // "target" is shared (a shared callback sets it) but no callback has it as Input: only Fire reads it.
    app.callbackShared(Output("target", "value"), Input("reset", "n_clicks"), () => 0, { preventInitialCall: true });
    app.callbackShared(null, Input("fire", "n_clicks"), State("target", "value"), () => undefined);
  });
  const tabs = useTabs(s);

  test("M7: while another tab holds control, moving a State-only shared value is refused and snaps back", async () => {
    const holder = await tabs.open();
    const other = await tabs.open();
    await holder.change("speed", 4); // the first tab to move a control takes it
    expect(s.app.lease!.holder?.id).toBe([...s.app.clients][0]!.id);
    await other.change("target", 9);
    expect(codes(other)).toEqual(["DD_NOT_AUTHORIZED"]);
    expect(s.app.runtime.value("target", "value")).toBe(5);
    await holder.change("target", 2);
    expect(s.app.runtime.value("target", "value")).toBe(2);
  });
});
