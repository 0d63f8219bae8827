// Restart survives: a real server process (examples/example1.ts with DATA_DIR set) gets its first
// admin through the setup link it prints, is used for a while, is killed with SIGKILL, and started
// again on the same data dir: the admin's session cookie still works and the audit log still has
// every earlier entry, and no new setup link is printed (an admin exists).
import { afterAll, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runExample, type ExampleProcess } from "../helpers/browser.ts";
import { until } from "../helpers/server.ts";
import { WsClient } from "../helpers/ws-client.ts";
import { openDatabase } from "../../src/db/open.ts";
import { queryAudit } from "../../src/db/audit.ts";
import { cookieOf, opens, post } from "../helpers/admin.ts";
import { useTempDir } from "../db/temp-db.ts";

const running: ExampleProcess[] = [];
afterAll(async () => {
  for (const p of running) await p.stop();
});
const dir = useTempDir("dd-restart-"); // registered after: deleted once the processes are gone

/**
 * The pid of the example process we started on `dataDir` (runExample keeps its process to itself):
 * our own child, found by the DATA_DIR in its environment.
 */
function pidOf(dataDir: string): number {
  const mark = `DATA_DIR=${dataDir}\0`;
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (
        readFileSync(`/proc/${name}/environ`, "latin1").includes(mark) &&
        readFileSync(`/proc/${name}/cmdline`, "latin1").includes("example1.ts")
      )
        return Number(name);
    } catch {
      // not ours, or gone
    }
  }
  throw new Error(`no process with ${mark}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "latin1"));
  } catch {
    return false;
  }
}

test.skipIf(process.platform !== "linux")(
  "sessions and the audit log survive a kill -9 of the server",
  async () => {
    const first = await runExample("examples/example1.ts", { DATA_DIR: dir });
    running.push(first);
    const token = /setup\?token=([A-Za-z0-9_-]+)/.exec(first.output())?.[1];
    expect(token).toBeDefined();

    const setup = await post(first.url, "/setup", { token: token!, username: "owner", password: "owner-password" });
    expect(setup.status).toBe(303);
    const cookie = cookieOf(setup);
    expect(cookie).not.toBe("");
    expect((await fetch(`${first.url}/admin/`, { headers: { cookie } })).status).toBe(200);
    expect((await post(first.url, "/login", { username: "owner", password: "wrong-password" })).status).toBe(401);
    const t = await WsClient.connect(`${first.url.replace(/^http/, "ws")}/ws`, { headers: { cookie, origin: first.url } });
    await t.waitAck(t.set("shared_slider", 8));

    const pid = pidOf(dir);
    process.kill(pid, "SIGKILL"); // no shutdown, no checkpoint: only what was committed survives
    expect(await until(() => !alive(pid), 10_000)).toBe(true);
    await t.waitFor((c) => c.closed);

    // Same port: the session cookie is named for it (dd_session_<port>).
    const second = await runExample("examples/example1.ts", { DATA_DIR: dir }, Number(new URL(first.url).port));
    running.push(second);
    expect(second.output()).not.toContain("setup.needed");
    const page = await fetch(`${second.url}/admin/`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Admin console");
    expect(await opens(second, "/admin/ws", { cookie, origin: second.url })).toBe(true);

    // The console of the new process shows the old entries.
    const adm = await WsClient.connect(`${second.url.replace(/^http/, "ws")}/admin/ws`, { headers: { cookie, origin: second.url } });
    adm.send("audit_action", { audit_action: "setup.*" }, "input");
    await adm.waitFor((c) => c.text("audit_table")?.includes("setup.complete") === true, 5000);
    adm.close();
    await second.stop();

    const store = openDatabase({ path: join(dir, "dash-devices.sqlite") });
    try {
      const rows = (action: string) => queryAudit(store.db, { action }).rows;
      expect(rows("setup.complete").map((r) => r.actorUsername)).toEqual(["owner"]);
      expect(rows("login.ok").length).toBe(1);
      expect(rows("login.failed").map((r) => r.target)).toEqual(["owner"]);
      expect(rows("value.change").map((r) => [r.target, r.actorUsername])).toEqual([["shared_slider", "owner"]]);
      // The tab open at the kill got no disconnect entry: that process never ran another line.
      expect(rows("client.connect").map((r) => r.actorUsername)).toEqual(["owner"]);
      expect(rows("client.disconnect")).toEqual([]);
    } finally {
      store.close();
    }
  },
  60_000,
);
