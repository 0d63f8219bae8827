// The control lease: one tab drives, the others watch; request, hand over, give back, idle timeout.
import { expect, test } from "bun:test";
import { dcc, html, Input, Output } from "../../src/index.ts";
import { until } from "../helpers/server.ts";
import type { WsClient } from "../helpers/ws-client.ts";
import { useApp, useTabs, type TabOptions } from "../helpers/fixtures.ts";

const srv = useApp();
const tabs = useTabs(srv);
async function tab(o?: TabOptions) {
  const t = await tabs.open(o);
  await t.waitFor((c) => c.dom.has("dd_lease"));
  return t;
}
const status = (t: WsClient) => t.text("dd_lease") ?? "";

function build(idleMs = 60_000) {
  return (app: import("../../src/index.ts").App) => {
    const lease = app.controlLease({ idleMs });
    app.layout = html.Div([
      lease.panel(),
      dcc.Slider({ id: "arm", min: 0, max: 10, value: 0 }),
      html.Div({ id: "pos" }),
      dcc.Input({ id: "note" }),
    ]);
    app.callbackShared(Output("pos", "children"), Input("arm", "value"), (v: number) => `at ${v}`);
  };
}

test("the first tab to move takes control; the other is refused and its slider snaps back", async () => {
  await srv.start(build());
  const a = await tab();
  const b = await tab();
  expect(status(a)).toContain("Nobody has control");
  await a.change("arm", 3);
  await a.waitFor((t) => status(t).includes("You have control"));
  await b.waitFor((t) => status(t).includes("has control") && !status(t).includes("You"));
  await b.change("arm", 9);
  expect(b.errors.at(-1)?.code).toBe("DD_NOT_AUTHORIZED");
  expect(b.errors.at(-1)?.message).toContain("has control of the device");
  expect(b.inputValue("arm")).toBe("3");
  expect(srv.runtime.value("arm", "value")).toBe(3);
  // a control outside the lease (not a shared input) is not refused
  await b.change("note", "hello", "input");
  expect(b.errors.length).toBe(1);
});

test("request, hand over, give back", async () => {
  await srv.start(build());
  const a = await tab();
  const b = await tab();
  await a.click("dd_lease_take");
  await b.click("dd_lease_request");
  await a.waitFor((t) => (t.dom.get("dd_lease") ?? "").includes("dd_lease_hand_over"));
  await a.click("dd_lease_hand_over");
  await b.waitFor((t) => status(t).includes("You have control"));
  await b.change("arm", 7);
  await a.waitText("pos", "at 7");
  await b.click("dd_lease_release");
  await a.waitFor((t) => status(t).includes("Nobody has control"));
});

test("an idle holder loses control; a holder that leaves passes it to the next in line", async () => {
  await srv.start(build(150));
  const a = await tab();
  const b = await tab();
  await a.change("arm", 1);
  await b.waitFor((t) => status(t).includes("has control"));
  await b.waitFor((t) => status(t).includes("Nobody has control"), 8000);
  await b.change("arm", 2);
  await a.click("dd_lease_request");
  await until(() => srv.app.lease!.requests.length === 1);
  b.close();
  await a.waitFor((t) => status(t).includes("You have control"));
});

test("with accounts, an admin takes control from the panel", async () => {
  const { createAdmin } = await import("../../src/auth/setup.ts");
  await srv.start(build(), { database: true });
  await createAdmin(srv.db, { username: "boss", password: "correct horse battery" });
  const a = await tab();
  await a.change("arm", 2);
  const boss = await tabs.open({ cookie: await srv.login("boss", "correct horse battery") });
  await boss.waitFor((t) => (t.dom.get("dd_lease") ?? "").includes("Take control (admin)"));
  await boss.click("dd_lease_take");
  await boss.waitFor((t) => status(t).includes("You have control"));
  await a.waitFor((t) => status(t).includes("boss"));
});
