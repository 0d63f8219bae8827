// L3 (issue 10, "Trusted on a LAN"): tabs whose session ended in ANOTHER process (a second server
// on the same database, `--create-admin --reset`) kept receiving data; a session was re-read only
// when its tab sent input. Now the appliance sweeps the sessions of connected tabs (one query) and
// closes those whose session was revoked or expired, or whose user was disabled or deleted, and
// gives the others their current role. Here the database is changed through a second SQLite
// connection, never through the server's own functions. The sweep period is shortened for the test.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { dcc, html, Input, Output } from "../../src/index.ts";
import * as appliance from "../../src/server/appliance.ts";
import type { WsClient } from "../helpers/ws-client.ts";
import { useApp, useTabs } from "../helpers/fixtures.ts";

// Absent before the fix: the test then runs with the old behaviour (no sweep) and fails.
const timings = ((appliance as Record<string, unknown>).applianceTimings ?? {}) as Record<string, number>;
const saved = { ...timings };

describe("L3: tabs follow sessions ended in another process", () => {
  beforeAll(() => void (timings.sessionSweepMs = 100));
  const users = { op: "operator", vi: "viewer", ex: "operator", gone: "viewer", op2: "operator", boss: "admin", boss2: "admin" } as const;
  const s = useApp(
    (app) => {
      app.layout = html.Div([dcc.Slider({ id: "s", min: 0, max: 10, step: 1, value: 5 }), html.Div({ id: "out" })]);
      app.callbackShared(Output("out", "children"), Input("s", "value"), (v: unknown) => `at ${v}`);
    },
    { database: true, users },
  );
  const tabs = useTabs(s);
  let other: Database; // "another process": its own connection to the same file
  beforeAll(() => {
    Object.assign(timings, saved);
    other = new Database(join(s.dir, "dash-devices.sqlite"));
    other.exec("PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;");
  });
  afterAll(() => other?.close());

  const sessionOf = (username: string) =>
    [...s.app.clients, ...s.app.services!.admin!.clients].find((c) => c.user?.username === username)!.sessionId!;
  const closed = (t: WsClient) => t.waitFor((x) => x.closed, 10_000);

  test("L3: a session revoked directly in the database closes its tab (4001); other tabs stay", async () => {
    const op = await tabs.open({ as: "op" });
    const anon = await tabs.open();
    other.query("update sessions set revoked_at = ? where id = ?").run(Date.now(), sessionOf("op"));
    await closed(op);
    expect(op.closeCode).toBe(4001);
    expect(anon.closed).toBe(false);
    s.app.pushMods({ out: { children: "still live" } });
    await anon.waitText("out", "still live");
  });

  test("L3: an expired session, a disabled user and a deleted user close their tabs", async () => {
    const ex = await tabs.open({ as: "ex" });
    const vi = await tabs.open({ as: "vi" });
    const gone = await tabs.open({ as: "gone" });
    other.query("update sessions set expires_at = ? where id = ?").run(Date.now() - 1000, sessionOf("ex"));
    other.query("update users set disabled = 1 where username = 'vi'").run();
    other.query("delete from users where username = 'gone'").run();
    await Promise.all([closed(ex), closed(vi), closed(gone)]);
    expect([ex.closeCode, vi.closeCode, gone.closeCode]).toEqual([4001, 4001, 4001]);
  });

  test("L3: a role changed in the database reaches the open tab; a console tab of a demoted admin closes", async () => {
    const op2 = await tabs.open({ as: "op2" });
    const boss = await tabs.open({ as: "boss", path: "/admin/ws" });
    const boss2 = await tabs.open({ as: "boss2", path: "/admin/ws" });
    await boss.waitFor((t) => t.text("tabs_count") !== undefined);
    const client = [...s.app.clients].find((c) => c.user?.username === "op2")!;
    other.query("update users set role = 'viewer' where username = 'op2'").run();
    other.query("update users set role = 'operator' where username = 'boss'").run();
    await closed(boss);
    expect(boss.closeCode).toBe(4001);
    await op2.waitFor(() => client.user?.role === "viewer", 10_000);
    expect(op2.closed).toBe(false);
    expect(boss2.closed).toBe(false);
  });
});
