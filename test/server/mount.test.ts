// App.mount: another App served under a path prefix, started through the same start as the host
// (its first shared calls made in run(), its tabs audited, behind the host's access rules), and
// the /admin console, which the appliance mounts the same way, built only when an admin opens it.
import { describe, expect, test } from "bun:test";
import { App, dcc, html, Input, Output } from "../../src/index.ts";
import { DashDevicesError } from "../../src/core/errors.ts";
import { memoryLogger } from "../../src/core/log.ts";
import { queryAudit } from "../../src/db/audit.ts";
import { upgradeStatus } from "../helpers/admin.ts";
import { useApp, useTabs } from "../helpers/fixtures.ts";

/** A status page: a shared counter whose first call happens at start. */
function statusApp(): App {
  const sub = new App({ title: "Status", database: false, logger: memoryLogger() });
  sub.layout = html.Div([dcc.Input({ id: "n", value: "1" }), html.Div({ id: "shown" })]);
  sub.callbackShared(Output("shown", "children"), Input("n", "value"), (n) => `count ${n}`);
  return sub;
}

const device = (app: App) => {
  app.layout = html.Div([html.Div({ id: "main", children: "the device" })]);
  app.mount("/status", statusApp());
};

describe("a public app with a mounted status page", () => {
  const srv = useApp(device, { database: true, users: { boss: "admin" } });
  const tabs = useTabs(srv);

  test("the mounted app's page is served under its prefix, its first shared call made in run()", async () => {
    const page = await (await fetch(`${srv.url}/status/`)).text();
    expect(page).toContain("count 1");
    expect(page).toContain('<base href="/status/">');
    expect(page).not.toContain("the device");
    expect(await (await fetch(`${srv.url}/`)).text()).toContain("the device");
  });

  test("its tabs drive its own callbacks, and are audited under its prefix", async () => {
    const t = await tabs.open({ path: "/status/ws" });
    await t.waitAck(t.set("n", "5"));
    await t.waitText("shown", "count 5");
    const sub = srv.app.mounts[0]!.app;
    expect(sub.runtime.value("shown", "children")).toBe("count 5");
    expect(srv.runtime.value("shown", "children")).not.toBe("count 5"); // the host has no such component
    const rows = await (async () => {
      for (let i = 0; i < 100; i++) {
        const r = queryAudit(srv.db, { action: "client.connect" }).rows.filter((e) => e.target === "/status");
        if (r.length) return r;
        await Bun.sleep(20);
      }
      return [];
    })();
    expect(rows.length).toBeGreaterThan(0);
  });

  test("/admin is a mount too: its console is built and started when an admin first opens it, not at start", async () => {
    const admin = srv.app.mounts.find((m) => m.prefix === "/admin")!.app;
    expect(admin).toBe(srv.app.services!.admin!);
    expect(admin.runtime.started).toBe(false);
    expect(admin.layout).toBeUndefined();
    expect((await fetch(`${srv.url}/admin/`, { redirect: "manual" })).status).toBe(303); // refused: not built
    expect(admin.layout).toBeUndefined();
    const res = await fetch(`${srv.url}/admin/`, { headers: { cookie: await srv.login("boss") } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Admin console");
    for (let i = 0; i < 50 && !admin.runtime.started; i++) await Bun.sleep(10);
    expect(admin.runtime.started).toBe(true);
  });
});

describe("a mounted app behind a login-only host", () => {
  const srv = useApp(device, { database: true, access: "login", users: { vi: "viewer" } });

  test("is refused like the host's own page until the person logs in", async () => {
    const anon = await fetch(`${srv.url}/status/`, { redirect: "manual" });
    expect(anon.status).toBe(303);
    expect(anon.headers.get("location")).toBe("/login?next=%2Fstatus%2F");
    expect((await upgradeStatus(srv, "/status/ws")).status).toBe(401);
    const ok = await fetch(`${srv.url}/status/`, { headers: { cookie: await srv.login("vi") } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("count 1");
  });
});

describe("app.mount refuses what cannot be served", () => {
  const refused = (f: () => void): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(DashDevicesError);
      expect((e as DashDevicesError).code).toBe("DD_BAD_OPTION");
      return (e as Error).message;
    }
    throw new Error("mount was not refused");
  };

  test("a prefix that is not a path, a prefix taken, the app itself, an app mounted twice", () => {
    const host = new App({ database: false });
    for (const p of ["status", "/status/", "/", "", "/_dd/x", "/a b"])
      expect(refused(() => host.mount(p, new App({ database: false })))).toContain(`app.mount("${p}")`);
    const sub = new App({ database: false });
    host.mount("/status", sub);
    expect(refused(() => host.mount("/status", new App({ database: false })))).toContain("another app is mounted there");
    expect(refused(() => host.mount("/self", host))).toContain("the app itself");
    expect(refused(() => host.mount("/again", sub))).toContain("already mounted");
    expect(refused(() => new App({ database: false }).mount("/x", sub))).toContain("already mounted");
    expect(host.mounts.map((m) => m.prefix)).toEqual(["/status"]);
  });
});

describe("mounting into a running app", () => {
  const srv = useApp((app) => {
    app.layout = html.Div("x");
  });
  test("is refused: mounts are made before run()", () => {
    expect(() => srv.app.mount("/late", new App({ database: false }))).toThrow("mount before run()");
  });
});
