/**
 * @module auth/sessions
 * Browser sessions: one per browser, anonymous or logged in. The cookie carries a random token; the
 * database keeps its SHA-256 and a public id (shown in /admin, written to the audit log). A lookup
 * checks expiry, revocation and the user (deleted or disabled ends the session), returns the user's
 * current role, and writes last-seen at most once per `touchIntervalMs`.
 */

import { and, desc, eq, gt, isNull, lt, ne, or, sql } from "drizzle-orm";
import { audit, type AuditActor } from "../db/audit.ts";
import type { Db } from "../db/open.ts";
import { sessions, users, type PublicUser, type Session } from "../db/schema.ts";
import { POLICY } from "./policy.ts";
import { hashToken, isTokenShaped, newToken, safeEqual } from "./tokens.ts";

const MAX_IP = 64;
const MAX_UA = 512;

/** A session as the server sees it: never the token, never its hash. */
export interface SessionInfo {
  id: string;
  userId: number | null;
  /** The user now (role changes show at the next lookup); null when anonymous. */
  user: PublicUser | null;
  createdAt: Date;
  expiresAt: Date;
  lastSeenAt: Date;
  ip: string | null;
  userAgent: string | null;
  revokedAt: Date | null;
}

export interface CreateSessionInput {
  userId?: number | null;
  ip?: string | null;
  userAgent?: string | null;
  /** Lifetime; default 7 days logged in, 30 days anonymous (POLICY). */
  ttlMs?: number;
  now?: Date;
}

const userColumns = {
  id: users.id,
  username: users.username,
  role: users.role,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
  disabled: users.disabled,
};

function info(s: Omit<Session, "tokenHash">, user: PublicUser | null): SessionInfo {
  return {
    id: s.id,
    userId: s.userId,
    user,
    createdAt: s.createdAt,
    expiresAt: s.expiresAt,
    lastSeenAt: s.lastSeenAt,
    ip: s.ip,
    userAgent: s.userAgent,
    revokedAt: s.revokedAt,
  };
}

const clip = (s: string | null | undefined, n: number) => (s == null ? null : s.slice(0, n));

/**
 * Starts a session and returns its token (for the cookie; shown once, stored only hashed).
 * @example
 * const { token, session } = createSession(db, { ip: "192.168.1.20", userAgent: ua });
 * headers.set("Set-Cookie", sessionCookie(token, { secure, expires: session.expiresAt }));
 */
export function createSession(db: Db, input: CreateSessionInput = {}): { token: string; session: SessionInfo } {
  const now = input.now ?? new Date();
  const ttl = input.ttlMs ?? (input.userId != null ? POLICY.loginSessionTtlMs : POLICY.anonymousSessionTtlMs);
  const token = newToken();
  const row = db
    .insert(sessions)
    .values({
      id: crypto.randomUUID(),
      tokenHash: hashToken(token),
      userId: input.userId ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttl),
      lastSeenAt: now,
      ip: clip(input.ip, MAX_IP),
      userAgent: clip(input.userAgent, MAX_UA),
    })
    .returning()
    .get()!;
  const user = row.userId == null ? null : (db.select(userColumns).from(users).where(eq(users.id, row.userId)).get() ?? null);
  return { token, session: info(row, user) };
}

/**
 * The live session for a cookie token, or null (unknown, malformed, expired, revoked, or its user
 * deleted or disabled). The row is found by the token's hash through the index, then the hashes are
 * compared again in constant time.
 */
export function lookupSession(
  db: Db,
  token: string | null | undefined,
  opts: { now?: Date; touchIntervalMs?: number } = {},
): SessionInfo | null {
  if (!isTokenShaped(token)) return null;
  const hash = hashToken(token);
  const found = db
    .select({ s: sessions, u: userColumns })
    .from(sessions)
    .leftJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.tokenHash, hash))
    .get();
  if (!found || !safeEqual(found.s.tokenHash, hash)) return null;
  const { s } = found;
  const now = opts.now ?? new Date();
  if (s.revokedAt || s.expiresAt.getTime() <= now.getTime()) return null;
  const user = found.u && found.u.id != null ? (found.u as PublicUser) : null;
  if (s.userId != null && (!user || user.disabled)) return null;
  let lastSeenAt = s.lastSeenAt;
  if (now.getTime() - lastSeenAt.getTime() >= (opts.touchIntervalMs ?? POLICY.touchIntervalMs)) {
    db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, s.id)).run();
    lastSeenAt = now;
  }
  return info({ ...s, lastSeenAt }, user);
}

/** A session by its public id (live or not), for /admin. */
export function getSession(db: Db, id: string): SessionInfo | null {
  const found = db
    .select({ s: sessions, u: userColumns })
    .from(sessions)
    .leftJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, id))
    .get();
  if (!found) return null;
  return info(found.s, found.u && found.u.id != null ? (found.u as PublicUser) : null);
}

/** Live sessions (not revoked, not expired), newest activity first; optionally of one user. */
export function listSessions(db: Db, opts: { userId?: number; now?: Date } = {}): SessionInfo[] {
  const now = opts.now ?? new Date();
  return db
    .select({ s: sessions, u: userColumns })
    .from(sessions)
    .leftJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, now),
        opts.userId === undefined ? undefined : eq(sessions.userId, opts.userId),
      ),
    )
    .orderBy(desc(sessions.lastSeenAt))
    .all()
    .map((r) => info(r.s, r.u && r.u.id != null ? (r.u as PublicUser) : null));
}

/**
 * Revokes one session by id; true when it was live. Its clients should be disconnected by the caller.
 * `action` names the audit entry ("session.revoke" by an admin, "logout" by its owner).
 */
export function revokeSession(db: Db, id: string, opts: { actor?: AuditActor; action?: string; now?: Date } = {}): boolean {
  return db.transaction(
    (tx) => {
      const now = opts.now ?? new Date();
      const row = tx
        .select({ id: sessions.id, userId: sessions.userId, revokedAt: sessions.revokedAt })
        .from(sessions)
        .where(eq(sessions.id, id))
        .get();
      if (!row || row.revokedAt) return false;
      tx.update(sessions).set({ revokedAt: now }).where(eq(sessions.id, id)).run();
      audit(tx, { action: opts.action ?? "session.revoke", actor: opts.actor, target: id, detail: { userId: row.userId }, time: now });
      return true;
    },
    { behavior: "immediate" },
  );
}

/** Inside a transaction: revokes a user's live sessions (but `exceptId`), returns their ids. */
export function revokeUserSessionsIn(tx: Db, userId: number, now: Date, exceptId?: string): string[] {
  const live = and(eq(sessions.userId, userId), isNull(sessions.revokedAt), exceptId === undefined ? undefined : ne(sessions.id, exceptId));
  const ids = tx
    .select({ id: sessions.id })
    .from(sessions)
    .where(live)
    .all()
    .map((r) => r.id);
  if (ids.length) tx.update(sessions).set({ revokedAt: now }).where(live).run();
  return ids;
}

/** Revokes every live session of a user; returns their ids so the server can end their clients. */
export function revokeUserSessions(
  db: Db,
  userId: number,
  opts: { actor?: AuditActor; exceptSessionId?: string; now?: Date } = {},
): string[] {
  return db.transaction(
    (tx) => {
      const now = opts.now ?? new Date();
      const ids = revokeUserSessionsIn(tx, userId, now, opts.exceptSessionId);
      audit(tx, {
        action: "session.revoke_user",
        actor: opts.actor,
        target: String(userId),
        detail: { userId, count: ids.length },
        time: now,
      });
      return ids;
    },
    { behavior: "immediate" },
  );
}

/**
 * Deletes sessions that expired or were revoked more than `graceMs` ago (default 1 day), so anonymous
 * visitors don't grow the file forever. Returns how many rows went.
 */
export function pruneSessions(db: Db, opts: { now?: Date; graceMs?: number } = {}): number {
  const cutoff = new Date((opts.now ?? new Date()).getTime() - (opts.graceMs ?? 86_400_000));
  const dead = or(lt(sessions.expiresAt, cutoff), lt(sessions.revokedAt, cutoff));
  return db.transaction(
    (tx) => {
      const n = tx.select({ n: sql<number>`count(*)` }).from(sessions).where(dead).get()?.n ?? 0;
      if (n) tx.delete(sessions).where(dead).run();
      return n;
    },
    { behavior: "immediate" },
  );
}
