// Accounts, access rules and the /admin console, tested with real HTTP requests and WebSockets
// against real servers (each with its own SQLite file in a temp dir): who is refused where, with
// which status; Origin checks; the login rate limit; the one-time setup link; roles on controls
// (refusal and snap-back); logout and revocation closing live tabs; the console's own re-checks.
import { describe, expect, test } from "bun:test";
import { type App, dcc, html, Input, Output } from "../../src/index.ts";
import { queryAudit } from "../../src/db/audit.ts";
import { findUserByUsername, setRole } from "../../src/auth/users.ts";
import { addUser, cookieOf, opens, post, upgradeStatus } from "../helpers/admin.ts";
import { type AppHandle, useApp, useTabs } from "../helpers/fixtures.ts";
import type { WsClient } from "../helpers/ws-client.ts";

const EVIL = "http://evil.example";

/** A shared slider; with `role`, its callback asks for that role. */
function device(role?: string) {
  return (app: App) => {
    app.layout = html.Div([dcc.Slider({ id: "s", min: 0, max: 10, step: 1, value: 5 }), html.Div({ id: "out" })]);
    const show = (v: unknown) => `at ${v}`;
    if (role) app.callbackShared(Output("out", "children"), Input("s", "value"), show, { role });
    else app.callbackShared(Output("out", "children"), Input("s", "value"), show);
  };
}

const codes = (t: WsClient) => t.errors.map((e) => e.code);
const consoleClients = (s: AppHandle) => [...s.app.services!.admin!.clients];

describe("a public app with accounts and /admin", () => {
  const s = useApp(device("operator"), { database: true, users: { op: "operator", vi: "viewer" } });
  const tabs = useTabs(s);
  let owner = ""; // the first admin's cookie, from the setup link

  test("the setup link printed at start works once, then is refused", async () => {
    const line = s.log.find((l) => l.includes("setup.needed"))!;
    const token = /setup\?token=([A-Za-z0-9_-]+)/.exec(line)![1]!;
    expect((await fetch(`${s.url}/setup?token=${token}`)).status).toBe(200);
    const fields = { token, username: "owner", password: "owner-password" };
    expect((await post(s.url, "/setup", fields, { origin: EVIL })).status).toBe(403);
    const done = await post(s.url, "/setup", fields);
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/admin/");
    owner = cookieOf(done);
    expect(owner).not.toBe("");
    expect(findUserByUsername(s.db, "owner")?.role).toBe("admin");

    const page = await fetch(`${s.url}/setup?token=${token}`);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain("not valid");
    const again = await post(s.url, "/setup", { token, username: "mallory", password: "mallory-password" });
    expect(again.status).toBe(400);
    expect(findUserByUsername(s.db, "mallory")).toBeNull();
    expect(await opens(s, "/admin/ws", { cookie: owner, origin: s.url })).toBe(true);
  });

  test("/admin and /admin/ws refuse anonymous visitors; the page sends them to /login", async () => {
    const page = await fetch(`${s.url}/admin/`, { redirect: "manual" });
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("/login?next=%2Fadmin%2F");
    const ws = await upgradeStatus(s, "/admin/ws", { origin: s.url });
    expect(ws.status).toBe(401);
    expect(ws.body).toContain("DD_NOT_AUTHORIZED");
    expect(await opens(s, "/admin/ws", { origin: s.url })).toBe(false);
  });

  test("a logged-in operator or viewer gets 403 from /admin and /admin/ws; an admin gets in", async () => {
    for (const name of ["op", "vi"]) {
      const cookie = await s.login(name);
      const page = await fetch(`${s.url}/admin/`, { redirect: "manual", headers: { cookie } });
      expect(page.status).toBe(403);
      expect(await page.text()).toContain("Admins only");
      expect((await upgradeStatus(s, "/admin/ws", { origin: s.url, cookie })).status).toBe(403);
      expect(await opens(s, "/admin/ws", { origin: s.url, cookie })).toBe(false);
    }
    const page = await fetch(`${s.url}/admin/`, { headers: { cookie: owner } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Admin console");
  });

  test("a WebSocket upgrade with a foreign Origin is refused (403) on / and /admin, even with an admin's cookie", async () => {
    for (const path of ["/ws", "/admin/ws"]) {
      const r = await upgradeStatus(s, path, { origin: EVIL, cookie: owner });
      expect(r.status).toBe(403);
      expect(await opens(s, path, { origin: EVIL, cookie: owner })).toBe(false);
      expect(await opens(s, path, { origin: s.url, cookie: owner })).toBe(true);
    }
  });

  test("POST /login and /logout from a foreign Origin are refused and change nothing", async () => {
    const refused = await post(s.url, "/login", { username: "owner", password: "owner-password" }, { origin: EVIL });
    expect(refused.status).toBe(403);
    expect(cookieOf(refused)).toBe("");
    const bare = await fetch(`${s.url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "username=owner&password=owner-password",
    });
    expect(bare.status).toBe(403); // neither Origin nor Referer: not from our page
    expect((await post(s.url, "/logout", {}, { origin: EVIL, cookie: owner })).status).toBe(403);
    expect(await opens(s, "/admin/ws", { origin: s.url, cookie: owner })).toBe(true); // still logged in
  });

  test('a callback with { role: "operator" } refuses an anonymous tab: DD_NOT_AUTHORIZED, and the slider snaps back', async () => {
    const anon = await tabs.open();
    expect(anon.dom.has("s")).toBe(false);
    await anon.change("s", 9);
    expect(codes(anon)).toContain("DD_NOT_AUTHORIZED");
    expect(anon.inputValue("s")).toBe("5"); // the server sent its value back
    expect(s.app.runtime.value("s", "value")).toBe(5);

    const op = await tabs.open({ as: "op" });
    await op.change("s", 7);
    expect(codes(op)).toEqual([]);
    await anon.waitFor((t) => t.inputValue("s") === "7" && t.text("out") === "at 7");
  });

  test("the console's list follows tabs opening and closing as they happen, pushed to every console tab", async () => {
    const rt = s.app.services!.admin!.runtime;
    const adm = await tabs.open({ path: "/admin/ws", cookie: owner });
    await adm.waitFor((t) => t.text("tabs_count") !== undefined);
    const rev = Number(rt.value("tabs_rev", "data"));
    const t = await tabs.open();
    const id = [...s.app.clients].at(-1)!.id;
    await adm.waitFor((a) => a.dom.get("tabs_pick")?.includes(`value="${id}"`) === true);
    expect(Number(rt.value("tabs_rev", "data"))).toBe(rev + 1); // pushed on connect, not polled
    t.close();
    await adm.waitFor((a) => a.dom.get("tabs_pick")?.includes(`value="${id}"`) === false);
    expect(Number(rt.value("tabs_rev", "data"))).toBe(rev + 2);
  });

  test("revoking a session from the console closes every tab of it at once, audited with the admin as actor", async () => {
    const opCookie = await s.login("op");
    const [t1, t2] = [await tabs.open({ cookie: opCookie }), await tabs.open({ cookie: opCookie })];
    const bystander = await tabs.open();
    const adm = await tabs.open({ path: "/admin/ws", cookie: owner });
    await adm.waitFor((t) => t.text("tabs_count") !== undefined);
    const target = [...s.app.clients].find((c) => c.user?.username === "op" && c.sessionId)!;
    const sid = target.sessionId!;

    adm.send("tabs_pick", { tabs_pick: target.id });
    await adm.click("tabs_revoke");
    await t1.waitFor((t) => t.closed);
    await t2.waitFor((t) => t.closed);
    expect([t1.closeCode, t2.closeCode]).toEqual([4001, 4001]);
    expect(bystander.closed).toBe(false);
    expect(adm.text("tabs_status")).toContain("Revoked op's session");
    expect(adm.text("tabs_status")).toContain("2 tabs closed");

    const entry = queryAudit(s.db, { action: "admin.session.revoke" }).rows[0]!;
    expect(entry.target).toBe(sid);
    expect(entry.actorUsername).toBe("owner");
    const me = consoleClients(s).find((c) => c.user?.username === "owner")!;
    expect(entry.sessionId).toBe(me.sessionId!);
    // The old cookie names no session any more: a new tab with it is anonymous.
    const again = await tabs.open({ cookie: opCookie });
    await again.waitFor(() => [...s.app.clients].length === 2);
    expect([...s.app.clients].some((c) => c.sessionId === sid)).toBe(false);
  });

  test("a message from the console is a toast in the chosen tab only, or in every tab", async () => {
    const a = await tabs.open();
    const b = await tabs.open();
    const adm = await tabs.open({ path: "/admin/ws", cookie: owner });
    const ids = [...s.app.clients].map((c) => c.id);
    expect(ids.length).toBe(2);
    const toasts = (t: WsClient) => t.frames.filter((f) => f.content?.includes("dd-toast-info")).map((f) => f.content!);

    adm.send("tabs_pick", { tabs_pick: ids[0]! });
    adm.send("msg_to", { msg_to: "one" });
    adm.send("msg_text", { msg_text: "Back in <5 min>" }, "input");
    await adm.click("msg_send");
    await a.waitFor((t) => toasts(t).length === 1);
    expect(toasts(a)[0]).toContain("Back in &lt;5 min&gt;"); // escaped, as every string
    expect(adm.text("tabs_status")).toContain(`Message sent to tab ${ids[0]}`);
    expect(adm.inputValue("msg_text")).toBe(""); // the box is cleared for the next one

    adm.send("msg_to", { msg_to: "all" });
    adm.send("msg_text", { msg_text: "Rebooting" }, "input");
    await adm.click("msg_send");
    await a.waitFor((t) => toasts(t).length === 2);
    await b.waitFor((t) => toasts(t).length === 1);
    expect(toasts(b)[0]).toContain("Rebooting");
    const sent = queryAudit(s.db, { action: "admin.message" });
    expect(sent.rows.map((r) => [r.target, r.actorUsername])).toEqual([
      ["all", "owner"],
      [ids[0]!, "owner"],
    ]);
  });

  test("the console shows the users API's refusal to demote the last admin, and changes nothing", async () => {
    const adm = await tabs.open({ path: "/admin/ws", cookie: owner });
    const me = findUserByUsername(s.db, "owner")!;
    adm.send("user_pick", { user_pick: String(me.id) }, "select");
    adm.send("user_role", { user_role: "viewer" });
    await adm.click("user_setrole");
    expect(adm.text("users_status")).toContain("last enabled admin");
    expect(adm.text("users_status")).toContain("Make another user admin first");
    expect(findUserByUsername(s.db, "owner")!.role).toBe("admin");
  });

  test("every console callback checks again: a tab whose admin was demoted meanwhile is refused", async () => {
    await addUser(s.db, "boss", "admin");
    const adm = await tabs.open({ path: "/admin/ws", as: "boss" });
    await adm.waitFor((t) => t.text("admin_me")?.includes("boss") === true);
    // Changed behind the console's back (another process, the CLI): the open tab is not told.
    setRole(s.db, findUserByUsername(s.db, "boss")!.id, "operator");
    expect(consoleClients(s).find((c) => c.user?.username === "boss")!.user!.role).toBe("admin");

    adm.send("new_username", { new_username: "sneaky" }, "input");
    adm.send("new_password", { new_password: "sneaky-password" }, "input");
    await adm.click("user_create");
    expect(codes(adm)).toContain("DD_NOT_AUTHORIZED");
    expect(findUserByUsername(s.db, "sneaky")).toBeNull();
    const refused = queryAudit(s.db, { action: "admin.refused", actor: "boss" });
    // The refusal of the create is audited; the console's own timer may add refusals of its
    // redraws (audit.view, tabs.view) in between, so look for it among them, not only first.
    expect(refused.rows.map((r) => r.target)).toContain("users.user_create");
  });
});

describe('an app with access: "login"', () => {
  const s = useApp(device(), { database: true, access: "login", users: { boss: "admin", op: "operator", vi: "viewer" } });
  const tabs = useTabs(s);

  test("anonymous visitors are sent to /login and their sockets refused", async () => {
    const page = await fetch(`${s.url}/`, { redirect: "manual" });
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("/login?next=%2F");
    expect((await upgradeStatus(s, "/ws", { origin: s.url })).status).toBe(401);
  });

  test("a viewer's move is refused with DD_NOT_AUTHORIZED and the control snaps back; an operator's is applied", async () => {
    const vi = await tabs.open({ as: "vi" });
    expect(vi.dom.has("s")).toBe(false);
    await vi.change("s", 2);
    expect(codes(vi)).toEqual(["DD_NOT_AUTHORIZED"]);
    expect(vi.errors[0]!.message).toContain("vi (viewer) may not change");
    expect(vi.inputValue("s")).toBe("5");
    expect(s.app.runtime.value("s", "value")).toBe(5);

    const op = await tabs.open({ as: "op" });
    await op.change("s", 8);
    expect(codes(op)).toEqual([]);
    await vi.waitFor((t) => t.inputValue("s") === "8");
  });

  test("after logout, that session's open tabs close (4001) and a new socket with the old cookie is refused", async () => {
    const cookie = await s.login("boss");
    const app = await tabs.open({ cookie });
    const adm = await tabs.open({ path: "/admin/ws", cookie });
    const other = await tabs.open({ as: "op" });
    const out = await post(s.url, "/logout", {}, { cookie });
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toContain(`dd_session_${s.port}=;`);
    await app.waitFor((t) => t.closed);
    await adm.waitFor((t) => t.closed);
    expect([app.closeCode, adm.closeCode]).toEqual([4001, 4001]);
    expect(other.closed).toBe(false);
    for (const path of ["/ws", "/admin/ws"]) {
      expect((await upgradeStatus(s, path, { origin: s.url, cookie })).status).toBe(401);
      expect(await opens(s, path, { origin: s.url, cookie })).toBe(false);
    }
    expect(queryAudit(s.db, { action: "logout", actor: "boss" }).total).toBe(1);
  });
});

describe("the login rate limit", () => {
  const s = useApp(device(), { database: true, users: { ana: "operator" } });

  test("after repeated failures, login answers 429 with a clear message, even to the right password", async () => {
    for (let i = 0; i < 10; i++) {
      const r = await post(s.url, "/login", { username: "ana", password: `guess-${i}` });
      expect(r.status).toBe(401);
      expect(await r.text()).toContain("wrong username or password");
    }
    const limited = await post(s.url, "/login", { username: "ana", password: "ana-password" });
    expect(limited.status).toBe(429);
    expect(cookieOf(limited)).toBe("");
    const text = await limited.text();
    expect(text).toContain("too many failed logins for this username; try again in");
    expect(queryAudit(s.db, { action: "login.limited" }).total).toBe(1);
  });
});
