// M5 (issue 10, "Trusted on a LAN"): an open /admin redrew its tabs table, users table and audit
// page for every anonymous connect and disconnect, and the audit log took one commit per event: a
// burst of connects ate the server. Now the console's redraws are coalesced (at most one per
// window, whatever the rate), anonymous tabs leave the users table alone, and the appliance's
// audit rows are written in batches, all of them, the last ones at a clean stop. Real server, real
// SQLite file, real sockets, a real console tab.
import { beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { dcc, html, Input, Output } from "../../src/index.ts";
import * as appliance from "../../src/server/appliance.ts";
import type { WsClient } from "../helpers/ws-client.ts";
import { useApp, useTabs, useTempDir } from "../helpers/fixtures.ts";

const TABS = 500;
const WINDOW_MS = 1000;
// Absent before the fix: the test then runs with the old behaviour and fails on its counts.
const timings = ((appliance as Record<string, unknown>).applianceTimings ?? {}) as Record<string, number>;
const saved = { ...timings };

describe("M5: /admin under a burst of anonymous connects", () => {
  // A long flush time: only full batches of 100 are written during the burst, the rest at stop.
  beforeAll(() => void Object.assign(timings, { consoleRedrawMs: WINDOW_MS, auditFlushMs: 60_000, auditBatchRows: 100 }));
  // Its own data dir (kept until the end): the test reads the database file after the stop.
  const s = useApp(
    (app) => {
      app.layout = html.Div([dcc.Slider({ id: "s", min: 0, max: 1000, step: 1, value: 0 }), html.Div({ id: "out" })]);
      app.callback(Output("out", "children"), Input("s", "value"), (v: unknown) => `at ${v}`);
    },
    { database: true, dataDir: useTempDir("dd-m5-"), users: { boss: "admin" } },
  );
  const tabs = useTabs(s);
  let adm: WsClient;
  beforeAll(async () => {
    adm = await tabs.open({ as: "boss", path: "/admin/ws" });
    await adm.waitFor((t) => t.text("tabs_count") !== undefined && t.dom.has("audit_table"));
    // Only now: the console is built when an admin first opens it, and takes its window then.
    Object.assign(timings, saved);
  });

  test("M5: 500 connects and disconnects: a bounded number of console redraws, a live round trip, every row audited", async () => {
    const adminRt = s.app.services!.admin!.runtime;
    const rev0 = Number(adminRt.value("tabs_rev", "data"));
    const frames0 = adm.frames.length;
    const probe = await tabs.open({ version: 0 });
    const t0 = Date.now();

    let next = 0;
    const churn = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < TABS) {
          next++;
          const t = await tabs.open({ version: 0 });
          t.close();
          await t.waitFor((x) => x.closed);
        }
      }),
    );
    // A tab keeps working during the burst: each move comes back with its output.
    let trips = 0;
    while (next < TABS) {
      const v = ++trips;
      await probe.waitAck(probe.set("s", v), 20_000);
      await probe.waitFor((t) => t.text("out") === `at ${v}`, 20_000);
    }
    await churn;
    await adm.waitFor((t) => t.text("tabs_count") === "1 tab", 20_000); // the probe is left
    const elapsed = Date.now() - t0;

    const revs = Number(adminRt.value("tabs_rev", "data")) - rev0;
    const frames = adm.frames.slice(frames0);
    // At most one redraw per window (plus the one at the end), however many tabs came and went.
    expect(revs).toBeGreaterThan(0);
    expect(revs).toBeLessThanOrEqual(Math.ceil(elapsed / WINDOW_MS) + 1);
    // Each redraw is at most a frame for the tabs and one for the audit log; the console's timer adds one every 3 s.
    expect(frames.length).toBeLessThanOrEqual(2 * (Math.ceil(elapsed / WINDOW_MS) + 1) + Math.ceil(elapsed / 3000) + 1);
    // Anonymous tabs change no user's tab count: the users table is not redrawn.
    expect(frames.filter((f) => f.content?.includes('id="users_table"')).length).toBe(0);
    expect(trips).toBeGreaterThan(0);
    expect(probe.errors).toEqual([]);

    probe.close();
    await probe.waitFor((t) => t.closed);
    await adm.waitFor((t) => t.text("tabs_count") === "0 tabs", 20_000);
    // A clean stop right away: the rows still waiting in the buffer are written, none lost.
    await s.stop();
    const db = new Database(join(s.dir, "dash-devices.sqlite"), { readonly: true });
    const count = (action: string) => (db.query("select count(*) as n from audit_log where action = ?").get(action) as { n: number }).n;
    expect([count("client.connect"), count("client.disconnect")]).toEqual([TABS + 1, TABS + 1]);
    db.close();
  });
});
