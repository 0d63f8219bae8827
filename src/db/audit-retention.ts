/**
 * @module db/audit-retention
 * Keeps the audit log from growing forever: a busy device writes two rows per connection (a flood
 * of connections, over a thousand a second), and a log of millions of rows fills an SD card and
 * slows every search of it. Entries older than `maxAgeDays`, and all but the newest `maxRows`, are
 * deleted at start, then once a day, and sooner when a flood takes the log 10% past `maxRows`.
 *
 * Deletes go in small batches, one short transaction each, with a pause between them, so that a
 * first pass over millions of rows never holds the server (or another process's write) for long:
 * a batch of 2,000 rows takes a few milliseconds. Both limits walk an index (time, or the id) from
 * the oldest end, so a batch costs the same however large the log is.
 */

import { desc, sql } from "drizzle-orm";
import { DashDevicesError, describe } from "../core/errors.ts";
import { auditLog } from "./schema.ts";
import type { Db } from "./open.ts";

export interface AuditRetention {
  /** Delete entries older than this many days; 0: no limit by age. */
  maxAgeDays: number;
  /** Keep at most this many (the newest) entries; 0: no limit by count. */
  maxRows: number;
}

export const DEFAULT_AUDIT_RETENTION: AuditRetention = { maxAgeDays: 90, maxRows: 200_000 };

/** Rows per delete transaction. */
export const RETENTION_BATCH = 2_000;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Throws DD_BAD_OPTION unless `value` is a whole number >= 0 (undefined: the default).
 * @example
 * const days = checkRetentionOption(options.auditMaxAgeDays, "auditMaxAgeDays", "days", 30) ?? 90;
 */
export function checkRetentionOption(value: unknown, name: string, unit: "days" | "rows", example: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new DashDevicesError("DD_BAD_OPTION", {
      what: `${name} must be a whole number of ${unit}, or 0 for no limit.`,
      expected: "an integer >= 0",
      found: describe(value, 40),
      fix: `e.g. ${name}: ${example}, or leave it out for the default`,
    });
  }
  return value;
}

/** The retention from options that may be missing (the defaults fill them in). */
export function auditRetention(o: { auditMaxAgeDays?: number; auditMaxRows?: number }): AuditRetention {
  return {
    maxAgeDays: checkRetentionOption(o.auditMaxAgeDays, "auditMaxAgeDays", "days", 30) ?? DEFAULT_AUDIT_RETENTION.maxAgeDays,
    maxRows: checkRetentionOption(o.auditMaxRows, "auditMaxRows", "rows", 100_000) ?? DEFAULT_AUDIT_RETENTION.maxRows,
  };
}

/** Rows a statement changed: Db's result type is void, but under bun:sqlite run() returns `{ changes }`. */
function changes(result: unknown): number {
  return (result as { changes?: number } | undefined)?.changes ?? 0;
}

/** Deletes up to `batch` entries older than `before` (oldest first); returns how many. */
export function deleteOlderBatch(db: Db, before: Date, batch = RETENTION_BATCH): number {
  const oldest = sql`SELECT ${auditLog.id} FROM ${auditLog} WHERE ${auditLog.time} < ${before.getTime()} ORDER BY ${auditLog.time} LIMIT ${batch}`;
  return changes(db.run(sql`DELETE FROM ${auditLog} WHERE ${auditLog.id} IN (${oldest})`));
}

/** Deletes up to `batch` entries with an id up to `lastId` (oldest first); returns how many. */
export function deleteUpToIdBatch(db: Db, lastId: number, batch = RETENTION_BATCH): number {
  const oldest = sql`SELECT ${auditLog.id} FROM ${auditLog} WHERE ${auditLog.id} <= ${lastId} ORDER BY ${auditLog.id} LIMIT ${batch}`;
  return changes(db.run(sql`DELETE FROM ${auditLog} WHERE ${auditLog.id} IN (${oldest})`));
}

/** The id of the newest entry that falls outside the newest `keep` (null when there are at most `keep`). */
export function lastIdBeyond(db: Db, keep: number): number | null {
  return db.select({ id: auditLog.id }).from(auditLog).orderBy(desc(auditLog.id)).limit(1).offset(keep).get()?.id ?? null;
}

export interface RetentionRun {
  now?: Date;
  batch?: number;
  /** Pause between batches (default 5 ms): the server's work goes in between. */
  pauseMs?: number;
  /** Stops the run after the current batch when it returns true (the server is stopping). */
  cancelled?: () => boolean;
  /** Called with each batch's duration in ms (for the bench). */
  onBatch?: (ms: number) => void;
}

/**
 * Applies the retention once, in batches; resolves with how many entries each limit deleted.
 * @example
 * const { byAge, byRows } = await applyAuditRetention(db, { maxAgeDays: 90, maxRows: 200_000 });
 */
export async function applyAuditRetention(db: Db, r: AuditRetention, run: RetentionRun = {}): Promise<{ byAge: number; byRows: number }> {
  const batch = run.batch ?? RETENTION_BATCH;
  const pause = run.pauseMs ?? 5;
  const now = run.now ?? new Date();
  const loop = async (step: () => number): Promise<number> => {
    let total = 0;
    for (;;) {
      if (run.cancelled?.()) return total;
      const t = performance.now();
      const n = step();
      run.onBatch?.(performance.now() - t);
      total += n;
      if (n < batch) return total;
      await Bun.sleep(pause);
    }
  };
  const byAge = r.maxAgeDays > 0 ? await loop(() => deleteOlderBatch(db, new Date(now.getTime() - r.maxAgeDays * DAY_MS), batch)) : 0;
  let byRows = 0;
  if (r.maxRows > 0 && !run.cancelled?.()) {
    // Found once: rows written during the run are newer, so the cut stays where it was.
    const lastId = lastIdBeyond(db, r.maxRows);
    if (lastId !== null) byRows = await loop(() => deleteUpToIdBatch(db, lastId, batch));
  }
  return { byAge, byRows };
}

export interface RetentionLog {
  info(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

/** Entries in the log, estimated from its ids in two b-tree seeks (exact while nothing was deleted in the middle). */
export function estimateAuditRows(db: Db): number {
  // Two single-aggregate queries, each one seek down the table's b-tree (min and max in one query would scan).
  const lo = db
    .select({ id: sql<number | null>`min(${auditLog.id})` })
    .from(auditLog)
    .get()?.id;
  const hi = db
    .select({ id: sql<number | null>`max(${auditLog.id})` })
    .from(auditLog)
    .get()?.id;
  return lo == null || hi == null ? 0 : hi - lo + 1;
}

/** The row limit may be passed by this fraction before a pass runs ahead of the daily one. */
const ROWS_SLACK = 0.1;

/**
 * Applies the retention now (in the background) and then every `everyMs` (default a day) on an
 * unref'd timer; returns the function that stops it (a run under way ends after its batch).
 * A flood of connections can write millions of rows in a day, so every `checkMs` (default a
 * minute) the log's size is estimated (two index seeks) and a pass runs early when it is more than
 * 10% over `maxRows`.
 */
export function startAuditRetention(
  db: Db,
  r: AuditRetention,
  o: { log?: RetentionLog; everyMs?: number; checkMs?: number } = {},
): () => void {
  if (r.maxAgeDays === 0 && r.maxRows === 0) return () => {};
  let stopped = false;
  let running = false;
  const pass = async () => {
    if (running || stopped) return;
    running = true;
    try {
      const { byAge, byRows } = await applyAuditRetention(db, r, { cancelled: () => stopped });
      if (byAge + byRows > 0)
        o.log?.info("audit.retention", { deleted: byAge + byRows, byAge, byRows, maxAgeDays: r.maxAgeDays, maxRows: r.maxRows });
    } catch (e) {
      if (!stopped) o.log?.error("audit.retention.error", { error: e as Error });
    } finally {
      running = false;
    }
  };
  const first = setTimeout(pass, 0);
  const timer = setInterval(pass, o.everyMs ?? DAY_MS);
  const check = setInterval(() => {
    try {
      if (r.maxRows > 0 && !running && estimateAuditRows(db) > r.maxRows * (1 + ROWS_SLACK)) void pass();
    } catch (e) {
      if (!stopped) o.log?.error("audit.retention.error", { error: e as Error });
    }
  }, o.checkMs ?? 60_000);
  for (const t of [first, timer, check]) t.unref?.();
  return () => {
    stopped = true;
    clearTimeout(first);
    clearInterval(timer);
    clearInterval(check);
  };
}
