/**
 * @module db/audit
 * The audit log: who connected, who logged in or failed to, who changed which shared value, what
 * admins did. `audit()` is one synchronous INSERT (cheap, committed when it returns, so it survives a
 * kill -9); `queryAudit()` pages it newest first with the admin page's filters. Detail keys that look
 * like credentials are redacted on the way in, so a careless caller cannot store a secret.
 *
 * The console redraws its first page every few seconds while a busy device writes two rows per
 * connection, so a query's work is bounded whatever the log's size: rows come newest first from the
 * index on time (no sort), counting stops at {@link AUDIT_COUNT_CAP} (an unfiltered total past it is
 * estimated from the ids: "about"), and a query no single index serves (a text search above all)
 * reads only the newest {@link AUDIT_SCAN_ROWS} entries. Old entries go by db/audit-retention.
 */

import { Database, type Statement } from "bun:sqlite";
import { and, count, desc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import { deleteOlderBatch, estimateAuditRows, RETENTION_BATCH } from "./audit-retention.ts";
import { auditLog, type AuditDetail, type AuditRow } from "./schema.ts";
import type { Db } from "./open.ts";

/** Who did it: any part may be unknown (an anonymous tab, the CLI, the server itself). */
export interface AuditActor {
  userId?: number | null;
  username?: string | null;
  sessionId?: string | null;
  clientId?: string | null;
  ip?: string | null;
}

export interface AuditEntry {
  /** Dotted verb: "login.ok", "login.failed", "client.connect", "value.change", "admin.role", ... */
  action: string;
  actor?: AuditActor;
  /** What it was done to: a user name, a session id, "shared_slider.value", ... */
  target?: string | null;
  detail?: AuditDetail | null;
  /** Default: now. */
  time?: Date;
}

export interface AuditQuery {
  /** 1-based (default 1). */
  page?: number;
  /** Default 50, at most 500. */
  pageSize?: number;
  /** Exact action, or a prefix ending in "*" ("login.*"). */
  action?: string;
  /** A user id, or a username (case-insensitive). */
  actor?: number | string;
  since?: Date;
  /** Exclusive. */
  until?: Date;
  /** Substring searched in action, actor, target, ip, client, session and detail. */
  text?: string;
}

export interface AuditPage {
  rows: AuditRow[];
  /** Matching entries: exact, an estimate, or a lower bound, as `totalIs` says. */
  total: number;
  /**
   * "exact"; "about": the unfiltered log is larger than the count cap, `total` is estimated from
   * its ids; "more": counting stopped at the cap, there are more than `total` matches.
   */
  totalIs: "exact" | "about" | "more";
  page: number;
  pageSize: number;
  /** Pages of `total` (so as exact as `total`; at least one more than `page` when `hasNext`). */
  pages: number;
  /** Whether older entries follow this page. */
  hasNext: boolean;
  /** Set when the query read only the newest entries (the log is larger, see AUDIT_SCAN_ROWS): how many. */
  searched?: number;
}

/** Counting matches stops here: past it the console says "more than 10,000". */
export const AUDIT_COUNT_CAP = 10_000;
/**
 * A query no single index serves (a text search, an action prefix, action and actor together)
 * reads at most this many of the newest entries. A text search is seven LIKEs a row with no index
 * to help: ~0.7 µs a row, so ~35 ms here, where a million rows took 0.5-0.8 s and blocked the
 * server at every redraw of the console.
 */
export const AUDIT_SCAN_ROWS = 50_000;

const SECRET_KEY = /pass(word|phrase)?|token|secret|cookie|authorization|credential/i;
const MAX_DETAIL_CHARS = 8_000;
const MAX_FIELD_CHARS = 512;

function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return "[too deep]";
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => redact(v, depth + 1));
  if (value && typeof value === "object" && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? "[redacted]" : redact(v, depth + 1);
    return out;
  }
  return value;
}

function cleanDetail(detail: AuditDetail | null | undefined): AuditDetail | null {
  if (!detail) return null;
  const safe = redact(detail) as AuditDetail;
  const text = JSON.stringify(safe) ?? "null";
  return text.length <= MAX_DETAIL_CHARS ? safe : { truncated: true, preview: text.slice(0, MAX_DETAIL_CHARS) };
}

const clip = (s: string | null | undefined) => (s == null ? null : s.length > MAX_FIELD_CHARS ? s.slice(0, MAX_FIELD_CHARS) : s);

/**
 * Appends one entry and returns its id. Synchronous: when it returns, the row is committed.
 * @example
 * audit(db, { action: "value.change", actor: { userId: 3, username: "ana", clientId: "c7" },
 *   target: "shared_slider.value", detail: { from: 5, to: 7 } });
 */
export function audit(db: Db, entry: AuditEntry): number {
  const row = db.insert(auditLog).values(rowOf(entry)).returning({ id: auditLog.id }).get();
  return row!.id;
}

const INSERT_SQL =
  "INSERT INTO audit_log (time, action, actor_user_id, actor_username, session_id, client_id, ip, target, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
const statements = new WeakMap<Database, Statement>();

/**
 * Appends several entries, in order, in one transaction (all or nothing), through one prepared
 * statement on the bun:sqlite connection under `db` (the batched connects and disconnects:
 * Drizzle built each row's statement anew, ~35 µs a row; this is ~2 µs). Same columns and
 * encodings as `audit` (time in ms, detail as JSON text).
 */
export function auditMany(db: Db, entries: readonly AuditEntry[]): void {
  const client = (db as { $client?: Database }).$client;
  if (!(client instanceof Database)) {
    db.transaction((tx) => {
      for (const e of entries) audit(tx, e);
    });
    return;
  }
  let insert = statements.get(client);
  if (!insert) statements.set(client, (insert = client.prepare(INSERT_SQL)));
  const stmt = insert;
  client.transaction(() => {
    for (const e of entries) {
      const r = rowOf(e);
      stmt.run(
        r.time.getTime(),
        r.action,
        r.actorUserId,
        r.actorUsername,
        r.sessionId,
        r.clientId,
        r.ip,
        r.target,
        r.detail === null ? null : JSON.stringify(r.detail),
      );
    }
  })();
}

function rowOf(entry: AuditEntry) {
  const a = entry.actor ?? {};
  return {
    time: entry.time ?? new Date(),
    action: clip(entry.action) ?? "",
    actorUserId: a.userId ?? null,
    actorUsername: clip(a.username),
    sessionId: clip(a.sessionId),
    clientId: clip(a.clientId),
    ip: clip(a.ip),
    target: clip(entry.target),
    detail: cleanDetail(entry.detail),
  };
}

/** Escapes LIKE wildcards so user text is matched literally (with ESCAPE '\'). */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => "\\" + c)}%`;
}

/** The time range of a query (served by the index on time). */
function timeRange(q: AuditQuery): SQL[] {
  const where: SQL[] = [];
  if (q.since) where.push(gte(auditLog.time, q.since));
  if (q.until) where.push(lt(auditLog.time, q.until));
  return where;
}

function actionCondition(action: string): SQL {
  if (!action.endsWith("*")) return eq(auditLog.action, action);
  const prefix = action.slice(0, -1).replace(/[\\%_]/g, (c) => "\\" + c);
  return sql`${auditLog.action} LIKE ${prefix + "%"} ESCAPE '\\'`;
}

function actorCondition(actor: number | string | undefined): SQL | undefined {
  if (typeof actor === "number") return eq(auditLog.actorUserId, actor);
  if (typeof actor === "string" && actor !== "") return sql`lower(${auditLog.actorUsername}) = lower(${actor})`;
  return undefined;
}

function textCondition(text: string): SQL {
  const p = likePattern(text);
  const cols = [
    auditLog.action,
    auditLog.actorUsername,
    auditLog.target,
    auditLog.ip,
    auditLog.clientId,
    auditLog.sessionId,
    auditLog.detail,
  ];
  return sql`(${sql.join(
    cols.map((c) => sql`${c} LIKE ${p} ESCAPE '\\'`),
    sql` OR `,
  )})`;
}

const newestFirst = [desc(auditLog.time), desc(auditLog.id)];

/**
 * The WHERE clause of a query, and how many entries it reads when that is bounded by the window.
 * One exact action, or one actor, with or without a time range, is served by one index in time
 * order: counting and paging stop by themselves. Anything else (a text search, an action prefix,
 * action and actor together) would test rows one by one, so it reads only the newest
 * {@link AUDIT_SCAN_ROWS} entries of the time range: from the time of the last of them (a walk of
 * that many entries of the index on time) to the newest.
 */
function conditions(db: Db, q: AuditQuery): { where: SQL | undefined; searched?: number } {
  const range = timeRange(q);
  const action = q.action ? actionCondition(q.action) : undefined;
  const actor = actorCondition(q.actor);
  const wide = !!q.text || !!q.action?.endsWith("*") || (!!action && !!actor);
  const where = [...range, ...[action, actor].filter((c): c is SQL => !!c)];
  let searched: number | undefined;
  if (wide) {
    const edge = db
      .select({ time: auditLog.time })
      .from(auditLog)
      .where(and(...range))
      .orderBy(...newestFirst)
      .limit(1)
      .offset(AUDIT_SCAN_ROWS - 1)
      .get();
    if (edge) {
      where.push(gte(auditLog.time, edge.time));
      searched = AUDIT_SCAN_ROWS;
    }
  }
  if (q.text) where.push(textCondition(q.text));
  return { where: where.length ? and(...where) : undefined, searched };
}

/**
 * How many entries match, counting at most {@link AUDIT_COUNT_CAP} + 1 of them; past the cap an
 * unfiltered total is estimated from the ids (entries go oldest first, so the ids have few gaps).
 */
function countMatches(db: Db, where: SQL | undefined): { total: number; totalIs: AuditPage["totalIs"] } {
  const capped = db
    .select({ one: sql`1` })
    .from(auditLog)
    .where(where)
    .limit(AUDIT_COUNT_CAP + 1)
    .as("capped");
  const n = db.select({ n: count() }).from(capped).get()?.n ?? 0;
  if (n <= AUDIT_COUNT_CAP) return { total: n, totalIs: "exact" };
  if (where) return { total: AUDIT_COUNT_CAP, totalIs: "more" };
  return { total: Math.max(n, estimateAuditRows(db)), totalIs: "about" };
}

/**
 * One page of the log, newest first, with the number of matching rows (see {@link AuditPage}).
 * Bounded work whatever the log's size (see the module's header).
 * @example
 * const { rows, total } = queryAudit(db, { page: 2, pageSize: 20, action: "login.*", actor: "ana" });
 */
export function queryAudit(db: Db, q: AuditQuery = {}): AuditPage {
  const pageSize = Math.min(500, Math.max(1, Math.floor(q.pageSize ?? 50)));
  const page = Math.max(1, Math.floor(q.page ?? 1));
  const { where, searched } = conditions(db, q);
  const { total, totalIs } = countMatches(db, where);
  // One row more than the page tells whether older entries follow, whatever the count says.
  const rows = db
    .select()
    .from(auditLog)
    .where(where)
    .orderBy(...newestFirst)
    .limit(pageSize + 1)
    .offset((page - 1) * pageSize)
    .all();
  const hasNext = rows.length > pageSize;
  if (hasNext) rows.pop();
  const counted = Math.max(1, Math.ceil(total / pageSize));
  const pages = totalIs === "exact" || !rows.length ? counted : Math.max(counted, hasNext ? page + 1 : page);
  return { rows, total, totalIs, page, pageSize, pages, hasNext, ...(searched ? { searched } : {}) };
}

/**
 * Deletes entries up to `before` (inclusive); returns how many. Synchronous, in batches of one
 * short transaction each; the server's own retention (db/audit-retention) also pauses between them.
 */
export function pruneAudit(db: Db, before: Date): number {
  const cut = new Date(before.getTime() + 1);
  let total = 0;
  for (let n = RETENTION_BATCH; n === RETENTION_BATCH; total += n) n = deleteOlderBatch(db, cut);
  return total;
}
