/**
 * @module bench/audit
 * The /admin audit log's queries at a million entries: how long the console's redraw of the first
 * page (unfiltered, by action, by actor, by text) and a retention pass take. The log is filled in a
 * temp database with one INSERT ... SELECT from a recursive CTE (a mix like a busy device's: mostly
 * tab connects and disconnects, some logins and value changes). Run it on two checkouts to compare:
 *
 *   bun scripts/bench/audit.ts [--rows 1000000] [--runs 7]
 *
 * It only uses openDatabase and queryAudit (and, when present, db/audit-retention), so it runs on
 * older commits too. Prints one line per query: median and max of `runs` runs, in ms, and the load.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "bun:sqlite";
import { openDatabase } from "../../src/db/open.ts";
import { queryAudit, type AuditQuery } from "../../src/db/audit.ts";

/** Fills audit_log with `rows` entries, one every 50 ms of made-up time ending now. */
export function fillAudit(sqlite: Database, rows: number, end = Date.now()): void {
  sqlite.run(
    `INSERT INTO audit_log (time, actor_user_id, actor_username, session_id, client_id, ip, action, target, detail)
     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
     SELECT ?2 - (?1 - i) * 50,
       CASE WHEN i % 7 = 0 THEN i % 5 + 1 END,
       CASE WHEN i % 7 = 0 THEN 'user' || (i % 5) END,
       's' || (i % 997), 'c' || i, '10.0.' || (i % 200) || '.' || (i % 251),
       CASE i % 20 WHEN 0 THEN 'login.ok' WHEN 1 THEN 'login.failed' WHEN 2 THEN 'value.change' WHEN 3 THEN 'admin.role'
         ELSE CASE WHEN i % 2 = 0 THEN 'client.connect' ELSE 'client.disconnect' END END,
       'app',
       CASE WHEN i % 2 = 0 THEN json_object('userAgent', 'Mozilla/5.0 (X11; Linux aarch64) tab ' || i) ELSE json_object('messagesIn', i % 97, 'messagesOut', i % 89) END
     FROM n`,
    [rows, end],
  );
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

function time(fn: () => unknown, runs: number): { median: number; max: number } {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)]!, max: ms.at(-1)! };
}

if (import.meta.main) {
  const rows = arg("--rows", 1_000_000);
  const runs = arg("--runs", 7);
  const dir = mkdtempSync(join(tmpdir(), "dd-bench-audit-"));
  const store = openDatabase({ path: join(dir, "data", "dash-devices.sqlite") });
  try {
    let t = performance.now();
    fillAudit(store.sqlite, rows);
    store.sqlite.run("PRAGMA optimize");
    console.log(`filled ${rows.toLocaleString("en")} rows in ${Math.round(performance.now() - t)} ms`);
    const page = (q: AuditQuery) => () => queryAudit(store.db, { pageSize: 25, ...q });
    const cases: [string, AuditQuery][] = [
      ["first page, no filter (the live redraw)", {}],
      ["page 2, no filter", { page: 2 }],
      ["action login.*", { action: "login.*" }],
      ["actor user3", { actor: "user3" }],
      ["text 10.0.7.9 (matches)", { text: "10.0.7.9" }],
      ["text nothing-matches", { text: "nothing-matches" }],
      ["action admin.role + actor user3", { action: "admin.role", actor: "user3" }],
    ];
    for (const [name, q] of cases) {
      const r = time(page(q), runs);
      const p = queryAudit(store.db, { pageSize: 25, ...q }) as { total: number; totalIs?: string };
      console.log(
        `${name.padEnd(42)} median ${r.median.toFixed(1).padStart(7)} ms   max ${r.max.toFixed(1).padStart(7)} ms   total ${p.totalIs ?? "exact"} ${p.total}`,
      );
    }
    const retention = await import("../../src/db/audit-retention.ts").catch(() => null);
    if (retention) {
      const batches: number[] = [];
      t = performance.now();
      const r = await retention.applyAuditRetention(
        store.db,
        { maxAgeDays: 90, maxRows: 200_000 },
        { onBatch: (ms: number) => batches.push(ms) },
      );
      const took = performance.now() - t;
      batches.sort((a, b) => a - b);
      console.log(
        `retention to 200,000 rows: deleted ${r.byRows + r.byAge} in ${Math.round(took)} ms, ${batches.length} batches, longest ${batches.at(-1)?.toFixed(1)} ms, median ${batches[Math.floor(batches.length / 2)]?.toFixed(1)} ms`,
      );
      for (const [name, q] of cases.slice(0, 1).concat(cases.slice(4, 6))) {
        const r = time(page(q), runs);
        console.log(
          `after retention: ${name.padEnd(42)} median ${r.median.toFixed(1).padStart(7)} ms   max ${r.max.toFixed(1).padStart(7)} ms`,
        );
      }
    }
    console.log(`load: ${(await Bun.$`uptime`.text()).trim()}`);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
