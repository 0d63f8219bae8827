// Issue 10, M9: the audit log grew forever and the console's query (a count of every row and a
// LIKE over all of them, every few seconds) blocked the server at a million rows. With a million
// real rows in a real SQLite file: every statement the console's query runs walks an index in time
// order (no full scan, no sort), counting stops at the cap, a text search reads a bounded range of
// the time index; and retention trims the log to its limits, in batches. No timings are asserted:
// the plans and the counts are what bound the work.
import { afterAll, beforeAll, expect, spyOn, test } from "bun:test";
import { queryAudit, AUDIT_COUNT_CAP, AUDIT_SCAN_ROWS, type AuditQuery } from "../../src/db/audit.ts";
import { applyAuditRetention } from "../../src/db/audit-retention.ts";
import { openTempDb, type TempDb } from "./temp-db.ts";

const ROWS = 1_000_000;
const DAY = 86_400_000;
const NOW = Date.UTC(2030, 0, 1);
let t: TempDb;

/** A million entries over 200 days (one every ~17 s), built in one statement. */
function fill(db: TempDb, rows: number): void {
  db.sqlite.run(
    `INSERT INTO audit_log (time, actor_user_id, actor_username, client_id, ip, action, target, detail)
     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
     SELECT ?2 - (?1 - i) * (200 * ?3 / ?1), CASE WHEN i % 7 = 0 THEN i % 5 + 1 END, CASE WHEN i % 7 = 0 THEN 'user' || (i % 5) END,
       'c' || i, '10.0.' || (i % 200) || '.' || (i % 251),
       CASE i % 20 WHEN 0 THEN 'login.ok' WHEN 1 THEN 'login.failed' WHEN 2 THEN 'admin.role' ELSE 'client.connect' END,
       'app', json_object('userAgent', 'tab ' || i)
     FROM n`,
    [rows, NOW, DAY],
  );
}

beforeAll(() => {
  t = openTempDb();
  fill(t, ROWS);
  t.sqlite.run("ANALYZE");
});
afterAll(() => t?.dispose());

/** The SQL statements a call prepares (bun:sqlite's prepare, observed, not replaced). */
function statementsOf(fn: () => unknown): string[] {
  const prepare = spyOn(t.sqlite, "prepare");
  try {
    fn();
    return prepare.mock.calls.map((c) => String(c[0]));
  } finally {
    prepare.mockRestore();
  }
}

function plan(statement: string): string[] {
  return (t.sqlite.query(`EXPLAIN QUERY PLAN ${statement}`).all() as { detail: string }[]).map((r) => r.detail);
}

/** Every statement's plan reads audit_log through an index (no full table scan) and sorts nothing. */
function expectIndexed(q: AuditQuery): string[] {
  const statements = statementsOf(() => queryAudit(t.db, { pageSize: 25, ...q }));
  expect(statements.length).toBeGreaterThan(0);
  const plans = statements.map(plan);
  for (const [i, p] of plans.entries()) {
    const where = `${statements[i]}\n${p.join("\n")}`;
    expect(
      p.some((l) => /TEMP B-TREE/.test(l)),
      where,
    ).toBe(false);
    for (const l of p.filter((l) => /\baudit_log\b/.test(l)))
      expect(l, where).toMatch(/^SEARCH audit_log|^SCAN audit_log USING (COVERING )?INDEX/);
    // A count over all matching rows (the old query) is an unbounded walk: every count is capped.
    if (/count\(/i.test(statements[i]!)) expect(statements[i], where).toMatch(/limit \?/i);
  }
  return plans.flat();
}

test("M9: the console's first page at a million entries: index on time, count capped, total said to be 'about'", () => {
  const lines = expectIndexed({});
  expect(lines).toContain("SCAN audit_log USING INDEX audit_time_idx");
  const p = queryAudit(t.db, { pageSize: 25 });
  expect(p.rows.length).toBe(25);
  expect(p.rows[0]!.time.getTime()).toBe(NOW);
  expect(p.totalIs).toBe("about");
  expect(p.total).toBe(ROWS);
  expect(p.hasNext).toBe(true);
});

test("M9: a text search at a million entries reads a bounded range of the time index, and says so", () => {
  const lines = expectIndexed({ text: "10.0.7.9" });
  expect(lines).toContain("SEARCH audit_log USING INDEX audit_time_idx (time>?)");
  const p = queryAudit(t.db, { pageSize: 25, text: "nothing-matches" });
  expect(p.searched).toBe(AUDIT_SCAN_ROWS);
  expect(p.rows).toEqual([]);
  // What it finds is in the newest AUDIT_SCAN_ROWS entries.
  const hit = queryAudit(t.db, { pageSize: 25, text: `c${ROWS - 10}` });
  expect(hit.rows.map((r) => r.clientId)).toEqual([`c${ROWS - 10}`]);
});

test("M9: filters at a million entries: one index each, counts stop at the cap ('more than')", () => {
  expectIndexed({ action: "admin.role" });
  expectIndexed({ actor: "user3" });
  expectIndexed({ action: "login.*" });
  expectIndexed({ action: "admin.role", actor: "user3" });
  const many = queryAudit(t.db, { pageSize: 25, action: "client.connect" });
  expect([many.totalIs, many.total, many.hasNext]).toEqual(["more", AUDIT_COUNT_CAP, true]);
  const few = queryAudit(t.db, { pageSize: 25, action: "admin.role", actor: "user3" });
  expect(few.totalIs).toBe("exact");
});

test("M9: retention trims a million entries to the limits, by age and by count, in batches", async () => {
  let batches = 0;
  const byAge = await applyAuditRetention(
    t.db,
    { maxAgeDays: 100, maxRows: 0 },
    { now: new Date(NOW), pauseMs: 0, onBatch: () => batches++ },
  );
  const left = () => t.sqlite.query("SELECT count(*) AS n, min(time) AS oldest FROM audit_log").get() as { n: number; oldest: number };
  expect(byAge.byAge).toBeGreaterThan(ROWS / 2 - 100);
  expect(left().oldest).toBeGreaterThanOrEqual(NOW - 100 * DAY);
  expect(batches).toBeGreaterThan(100); // ~500,000 rows went 2,000 at a time, never in one transaction

  const byRows = await applyAuditRetention(t.db, { maxAgeDays: 0, maxRows: 200_000 }, { now: new Date(NOW), pauseMs: 0 });
  expect(left().n).toBe(200_000);
  expect(byRows.byRows).toBe(ROWS - byAge.byAge - 200_000);
  // The newest stay.
  expect((t.sqlite.query("SELECT max(time) AS t FROM audit_log").get() as { t: number }).t).toBe(NOW);
});
