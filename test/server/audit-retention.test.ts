// Issue 10, M9: the audit log's retention as an app runs it: applied at start from App options (or
// --audit-max-age-days / --audit-max-rows, AUDIT_MAX_AGE_DAYS / AUDIT_MAX_ROWS), again on its
// timer, stopped with the server; bad values refused early; the console's count wording.
import { afterEach, expect, test } from "bun:test";
import { App, html } from "../../src/index.ts";
import { audit, type AuditPage } from "../../src/db/audit.ts";
import { startAuditRetention } from "../../src/db/audit-retention.ts";
import { databasePathIn, openDatabase } from "../../src/db/open.ts";
import { parseCli } from "../../src/server/cli.ts";
import { info } from "../../src/admin/audit.ts";
import { openTempDb, useTempDir, type TempDb } from "../db/temp-db.ts";
import { until } from "../helpers/server.ts";
import { useApp } from "../helpers/fixtures.ts";

const DAY = 86_400_000;
const srv = useApp();
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** `n` entries, one a minute up to now, plus `old` entries `days` days ago. */
function fill(db: TempDb | ReturnType<typeof openDatabase>, n: number, old = 0, days = 400): void {
  const now = Date.now();
  db.sqlite.run(
    `INSERT INTO audit_log (time, action, target)
     WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?1)
     SELECT CASE WHEN i <= ?2 THEN ?3 - ?4 * ${DAY} + i ELSE ?3 - (?1 - i) * 60000 END, 'test.entry', 't' || i FROM k`,
    [n + old, old, now, days],
  );
}
const count = (db: { sqlite: TempDb["sqlite"] }) => (db.sqlite.query("SELECT count(*) AS n FROM audit_log").get() as { n: number }).n;
const dir = useTempDir("dd-retention-"); // the first test's app

test("M9: an app applies its audit retention at start (auditMaxAgeDays, auditMaxRows)", async () => {
  const before = openDatabase({ path: databasePathIn(dir) });
  fill(before, 3000, 500);
  expect(count(before)).toBe(3500);
  before.close();

  const s = await srv.start((app) => (app.layout = html.Div("device")), {
    database: true,
    dataDir: dir,
    auditMaxAgeDays: 30,
    auditMaxRows: 1000,
  });
  const db = s.app.services!.db!;
  expect(await until(() => count(db) <= 1000, 10_000)).toBe(true);
  expect((db.sqlite.query("SELECT count(*) AS n FROM audit_log WHERE time < ?").get(Date.now() - 30 * DAY) as { n: number }).n).toBe(0);
  // The newest stay.
  expect(
    (db.sqlite.query("SELECT target FROM audit_log WHERE action = 'test.entry' ORDER BY id DESC LIMIT 1").get() as { target: string })
      .target,
  ).toBe("t3500");
  expect(s.log.some((l) => l.includes("audit.retention"))).toBe(true);
});

test("M9: retention runs again on its timer, and not after it is stopped", async () => {
  const t = openTempDb();
  cleanups.push(() => t.dispose());
  const stop = startAuditRetention(t.db, { maxAgeDays: 0, maxRows: 100 }, { everyMs: 30 });
  cleanups.push(stop);
  fill(t, 500);
  expect(await until(() => count(t) === 100, 5000)).toBe(true);
  fill(t, 500);
  expect(await until(() => count(t) === 100, 5000)).toBe(true);
  stop();
  for (let i = 0; i < 50; i++) audit(t.db, { action: "test.after" });
  await Bun.sleep(150); // five timer periods
  expect(count(t)).toBe(150);
});

test("M9: a flood that takes the log past its row limit is trimmed before the daily pass", async () => {
  const t = openTempDb();
  cleanups.push(() => t.dispose());
  fill(t, 1500);
  const stop = startAuditRetention(t.db, { maxAgeDays: 0, maxRows: 1000 }, { everyMs: 86_400_000, checkMs: 20 });
  cleanups.push(stop);
  expect(await until(() => count(t) === 1000, 5000)).toBe(true); // the pass at start
  fill(t, 50); // 5% over: left for the daily pass
  await Bun.sleep(100); // five checks
  expect(count(t)).toBe(1050);
  fill(t, 2000); // far over: trimmed at the next check
  expect(await until(() => count(t) === 1000, 5000)).toBe(true);
});

test("M9: the flags and environment variables, and bad values refused with the fix", () => {
  expect(parseCli(["--audit-max-age-days", "30", "--audit-max-rows=5000"], {})).toMatchObject({ auditMaxAgeDays: 30, auditMaxRows: 5000 });
  expect(parseCli([], { AUDIT_MAX_AGE_DAYS: "7", AUDIT_MAX_ROWS: "0" })).toMatchObject({ auditMaxAgeDays: 7, auditMaxRows: 0 });
  expect(parseCli(["--audit-max-rows", "10"], { AUDIT_MAX_ROWS: "99" }).auditMaxRows).toBe(10);
  expect(() => parseCli(["--audit-max-rows", "lots"], {})).toThrow(/--audit-max-rows is not a number/);
  expect(() => new App({ auditMaxRows: -1 })).toThrow(/DD_BAD_OPTION[\s\S]*auditMaxRows must be a whole number/);
  expect(() => new App({ auditMaxAgeDays: 1.5 })).toThrow(/DD_BAD_OPTION[\s\S]*auditMaxAgeDays[\s\S]*fix:/);
});

test("M9: the console words a total past the count cap as 'about' or 'more than'", () => {
  const page = (p: Partial<AuditPage>): AuditPage => ({
    rows: [],
    total: 0,
    totalIs: "exact",
    page: 1,
    pageSize: 25,
    pages: 1,
    hasNext: false,
    ...p,
  });
  expect(info(page({ total: 30, pages: 2 }))).toBe("Page 1 of 2 · 30 entries");
  expect(info(page({ total: 1 }))).toBe("Page 1 of 1 · 1 entry");
  expect(info(page({ total: 1_000_000, totalIs: "about", pages: 40_000, hasNext: true }))).toBe(
    "Page 1 of about 40,000 · about 1,000,000 entries",
  );
  expect(info(page({ total: 10_000, totalIs: "more", page: 3, pages: 400, hasNext: true }))).toBe("Page 3 · more than 10,000 entries");
  expect(info(page({ total: 4, searched: 50_000 }))).toBe("Page 1 of 1 · 4 entries · searched the newest 50,000");
});
