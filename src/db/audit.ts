/**
 * @module db/audit
 * The audit log: who connected, who logged in or failed to, who changed which shared value, what
 * admins did. `audit()` is one synchronous INSERT (cheap, committed when it returns, so it survives a
 * kill -9); `queryAudit()` pages it newest first with the admin page's filters. Detail keys that look
 * like credentials are redacted on the way in, so a careless caller cannot store a secret.
 */

import { and, count, desc, eq, gte, lt, lte, sql, type SQL } from "drizzle-orm";
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
  total: number;
  page: number;
  pageSize: number;
  pages: number;
}

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
  const a = entry.actor ?? {};
  const row = db
    .insert(auditLog)
    .values({
      time: entry.time ?? new Date(),
      action: clip(entry.action) ?? "",
      actorUserId: a.userId ?? null,
      actorUsername: clip(a.username),
      sessionId: clip(a.sessionId),
      clientId: clip(a.clientId),
      ip: clip(a.ip),
      target: clip(entry.target),
      detail: cleanDetail(entry.detail),
    })
    .returning({ id: auditLog.id })
    .get();
  return row!.id;
}

/** Escapes LIKE wildcards so user text is matched literally (with ESCAPE '\'). */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => "\\" + c)}%`;
}

function conditions(q: AuditQuery): SQL | undefined {
  const where: SQL[] = [];
  if (q.action) {
    if (q.action.endsWith("*")) {
      const prefix = q.action.slice(0, -1);
      where.push(sql`${auditLog.action} LIKE ${prefix.replace(/[\\%_]/g, (c) => "\\" + c) + "%"} ESCAPE '\\'`);
    } else where.push(eq(auditLog.action, q.action));
  }
  if (typeof q.actor === "number") where.push(eq(auditLog.actorUserId, q.actor));
  else if (typeof q.actor === "string" && q.actor !== "") where.push(sql`lower(${auditLog.actorUsername}) = lower(${q.actor})`);
  if (q.since) where.push(gte(auditLog.time, q.since));
  if (q.until) where.push(lt(auditLog.time, q.until));
  if (q.text) {
    const p = likePattern(q.text);
    const cols = [auditLog.action, auditLog.actorUsername, auditLog.target, auditLog.ip, auditLog.clientId, auditLog.sessionId, auditLog.detail];
    where.push(sql`(${sql.join(cols.map((c) => sql`${c} LIKE ${p} ESCAPE '\\'`), sql` OR `)})`);
  }
  return where.length ? and(...where) : undefined;
}

/**
 * One page of the log, newest first, with the total count of matching rows.
 * @example
 * const { rows, total } = queryAudit(db, { page: 2, pageSize: 20, action: "login.*", actor: "ana" });
 */
export function queryAudit(db: Db, q: AuditQuery = {}): AuditPage {
  const pageSize = Math.min(500, Math.max(1, Math.floor(q.pageSize ?? 50)));
  const page = Math.max(1, Math.floor(q.page ?? 1));
  const where = conditions(q);
  const total = db.select({ n: count() }).from(auditLog).where(where).get()?.n ?? 0;
  const rows = db
    .select()
    .from(auditLog)
    .where(where)
    .orderBy(desc(auditLog.time), desc(auditLog.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .all();
  return { rows, total, page, pageSize, pages: Math.max(1, Math.ceil(total / pageSize)) };
}

/** Deletes entries older than `before`; returns how many. For a retention policy on small disks. */
export function pruneAudit(db: Db, before: Date): number {
  return db.transaction(
    (tx) => {
      const n = tx.select({ n: count() }).from(auditLog).where(lte(auditLog.time, before)).get()?.n ?? 0;
      tx.delete(auditLog).where(lte(auditLog.time, before)).run();
      return n;
    },
    { behavior: "immediate" },
  );
}
