/**
 * @module session-sweep
 * Open tabs follow their session even when it ends elsewhere: revoked by another process on the
 * same database (`--create-admin --reset`, a second server), expired, or its user disabled or
 * deleted. Every `everyMs` one query reads the sessions of all connected tabs (of the app and of
 * /admin); a tab whose session is no longer live is closed (4001, with the reason), and a tab whose
 * user's role changed gets the new role (a console tab of a former admin closes). Tabs that send
 * input are also re-checked on their next message (Access.refresh); this covers tabs that only watch.
 */

import { inArray, eq } from "drizzle-orm";
import type { Client } from "../core/client.ts";
import type { Logger } from "../core/log.ts";
import type { Db } from "../db/open.ts";
import { sessions, users } from "../db/schema.ts";

/** SQLite takes a bounded number of parameters per statement. */
const CHUNK = 500;

interface Row {
  id: string;
  userId: number | null;
  expiresAt: Date;
  revokedAt: Date | null;
  user: { id: number | null; username: string | null; role: string | null; disabled: boolean | null } | null;
}

function readSessions(db: Db, ids: string[]): Map<string, Row> {
  const out = new Map<string, Row>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = db
      .select({
        id: sessions.id,
        userId: sessions.userId,
        expiresAt: sessions.expiresAt,
        revokedAt: sessions.revokedAt,
        user: { id: users.id, username: users.username, role: users.role, disabled: users.disabled },
      })
      .from(sessions)
      .leftJoin(users, eq(users.id, sessions.userId))
      .where(inArray(sessions.id, ids.slice(i, i + CHUNK)))
      .all();
    for (const r of rows) out.set(r.id, r as Row);
  }
  return out;
}

/** Why a tab's session no longer lets it stay, or undefined when it does. */
function ended(row: Row | undefined, now: number): string | undefined {
  if (!row) return "session ended";
  if (row.revokedAt) return "session revoked";
  if (row.expiresAt.getTime() <= now) return "session expired";
  if (row.userId != null && (!row.user || row.user.id == null)) return "account deleted";
  if (row.userId != null && row.user?.disabled) return "account disabled";
  return undefined;
}

export interface SweepTarget {
  clients: Iterable<Client>;
  /** Tabs here need the admin role (the console). */
  adminOnly?: boolean;
}

/** One pass: returns how many tabs were closed. */
export function sweepSessions(db: Db, targets: SweepTarget[], log: Logger, now = Date.now()): number {
  const ids = new Set<string>();
  for (const t of targets) for (const c of t.clients) if (c.sessionId && c.connected) ids.add(c.sessionId);
  if (!ids.size) return 0;
  const rows = readSessions(db, [...ids]);
  let closed = 0;
  for (const t of targets) {
    for (const c of [...t.clients]) {
      if (!c.sessionId || !c.connected) continue;
      const row = rows.get(c.sessionId);
      const why = ended(row, now) ?? (t.adminOnly && row!.user?.role !== "admin" ? "no longer an admin" : undefined);
      if (why) {
        log.info("session.swept", { client: c.id, session: c.sessionId.slice(0, 8), why });
        c.transport.close(4001, why);
        closed++;
        continue;
      }
      const u = row!.user;
      if (row!.userId != null && u?.id != null && c.user && c.user.role !== u.role) {
        if (c.authentication === c.user.role) c.authentication = u.role!;
        c.user = { ...c.user, role: u.role! };
      }
    }
  }
  return closed;
}

/** Runs `sweepSessions` every `everyMs` (unref'd); returns the stop function. */
export function startSessionSweep(db: Db, targets: () => SweepTarget[], log: Logger, everyMs: number): () => void {
  const timer = setInterval(() => {
    try {
      sweepSessions(db, targets(), log);
    } catch (e) {
      log.error("session.sweep.error", { error: e as Error });
    }
  }, everyMs);
  (timer as { unref?: () => void }).unref?.();
  return () => clearInterval(timer);
}
