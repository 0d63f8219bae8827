// The control lease: one tab drives, the others watch; request, hand over, give back, idle timeout.
import { afterEach, expect, test } from "bun:test";
import { dcc, html, Input, Output } from "../../src/index.ts";
import { startApp, until, type TestServer } from "../helpers/server.ts";
import { WsClient } from "../helpers/ws-client.ts";

let srv: TestServer | undefined;
const tabs: WsClient[] = [];
afterEach(async () => {
  for (const t of tabs.splice(0)) t.close();
  await srv?.stop();
  srv = undefined;
});
async function tab() {
  const t = await WsClient.connect(srv!.wsUrl, { version: srv!.app.runtime.version });
  tabs.push(t);
  await t.waitFor((c) => c.dom.has("dd_lease"));
  return t;
}
const status = (t: WsClient) => t.text("dd_lease") ?? "";

function build(idleMs = 60_000) {
  return (app: import("../../src/index.ts").App) => {
    const lease = app.controlLease({ idleMs });
    app.layout = html.Div([lease.panel(), dcc.Slider({ id: "arm", min: 0, max: 10, value: 0 }), html.Div({ id: "pos" }), dcc.Input({ id: "note" })]);
    app.callbackShared(Output("pos", "children"), Input("arm", "value"), (v: number) => `at ${v}`);
  };
}

test("the first tab to move takes control; the other is refused and its slider snaps back", async () => {
  srv = await startApp(build());
  const a = await tab();
  const b = await tab();
  expect(status(a)).toContain("Nobody has control");
  await a.waitAck(a.set("arm", 3));
  await a.waitFor((t) => status(t).includes("You have control"));
  await b.waitFor((t) => status(t).includes("has control") && !status(t).includes("You"));
  const s = b.set("arm", 9);
  await b.waitAck(s);
  expect(b.errors.at(-1)?.code).toBe("DD_NOT_AUTHORIZED");
  expect(b.errors.at(-1)?.message).toContain("has control of the device");
  expect(b.inputValue("arm")).toBe("3");
  expect(srv.app.runtime.value("arm", "value")).toBe(3);
  // a control outside the lease (not a shared input) is not refused
  await b.waitAck(b.set("note", "hello", "input"));
  expect(b.errors.length).toBe(1);
});

test("request, hand over, give back", async () => {
  srv = await startApp(build());
  const a = await tab();
  const b = await tab();
  await a.waitAck(a.send("dd_lease_take", {}, "button"));
  await b.waitAck(b.send("dd_lease_request", {}, "button"));
  await a.waitFor((t) => (t.dom.get("dd_lease") ?? "").includes("dd_lease_hand_over"));
  await a.waitAck(a.send("dd_lease_hand_over", {}, "button"));
  await b.waitFor((t) => status(t).includes("You have control"));
  await b.waitAck(b.set("arm", 7));
  await a.waitFor((t) => t.text("pos") === "at 7");
  await b.waitAck(b.send("dd_lease_release", {}, "button"));
  await a.waitFor((t) => status(t).includes("Nobody has control"));
});

test("an idle holder loses control; a holder that leaves passes it to the next in line", async () => {
  srv = await startApp(build(150));
  const a = await tab();
  const b = await tab();
  await a.waitAck(a.set("arm", 1));
  await b.waitFor((t) => status(t).includes("has control"));
  await b.waitFor((t) => status(t).includes("Nobody has control"), 8000);
  await b.waitAck(b.set("arm", 2));
  await a.waitAck(a.send("dd_lease_request", {}, "button"));
  await until(() => srv!.app.lease!.requests.length === 1);
  b.close();
  await a.waitFor((t) => status(t).includes("You have control"));
});

test("with accounts, an admin takes control from the panel", async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { createAdmin } = await import("../../src/auth/setup.ts");
  srv = await startApp(build(), { database: true, dataDir: mkdtempSync(join(tmpdir(), "dd-lease-")) });
  await createAdmin(srv.app.services!.db!.db, { username: "boss", password: "correct horse battery" });
  const login = await fetch(`${srv.url}/login`, { method: "POST", redirect: "manual", headers: { origin: srv.url, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ username: "boss", password: "correct horse battery" }) });
  const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
  const a = await tab();
  await a.waitAck(a.set("arm", 2));
  const boss = await WsClient.connect(srv.wsUrl, { version: srv.app.runtime.version, headers: { cookie } });
  tabs.push(boss);
  await boss.waitFor((t) => (t.dom.get("dd_lease") ?? "").includes("Take control (admin)"));
  await boss.waitAck(boss.send("dd_lease_take", {}, "button"));
  await boss.waitFor((t) => status(t).includes("You have control"));
  await a.waitFor((t) => status(t).includes("boss"));
});
