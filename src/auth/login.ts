/**
 * @module auth/login
 * Logging in and out: rate limit, password check, a fresh session (a new token, never the one the
 * browser came with: no session fixation), the audit entries. The attempt takes its rate-limit slot
 * before the password is hashed (so parallel guesses can't all be hashed), gives it back when the
 * password is right and leaves it as the failure when not. A wrong password and an unknown user
 * get the same refusal, after the same work. Failed attempts are audited with the typed username
 * only when such a user exists: a password typed into the username box never reaches the log.
 */

import { DashDevicesError } from "../core/errors.ts";
import { audit } from "../db/audit.ts";
import type { Db } from "../db/open.ts";
import {
  clearUserIpFailures,
  DEFAULT_LIMITS,
  RateLimitedError,
  releaseLoginAttempt,
  reserveLoginAttempt,
  type RateLimits,
} from "./rate-limit.ts";
import { createSession, lookupSession, revokeSession, type SessionInfo } from "./sessions.ts";
import { findUserByUsername, verifyPassword, type PublicUser } from "./users.ts";

export interface LoginInput {
  username: string;
  password: string;
  ip: string;
  userAgent?: string | null;
  /** The browser's current (anonymous) session token: revoked on success, replaced by a new one. */
  replaceToken?: string | null;
  ttlMs?: number;
  limits?: RateLimits;
  now?: Date;
}

export interface LoginResult {
  /** For the Set-Cookie header only: never log it. */
  token: string;
  session: SessionInfo;
  user: PublicUser;
  /** The session ended by this login (the anonymous one it replaces), for the server to move its clients. */
  replacedSessionId: string | null;
}

/** The one refusal for a wrong password, an unknown user, or malformed input. */
export function loginRefused(): DashDevicesError {
  return new DashDevicesError("DD_LOGIN_FAILED", {
    what: "wrong username or password.",
    expected: "the username and password of an existing account",
    found: "no account matches both",
    fix: "check the spelling (the password is case-sensitive), or ask an admin to reset it",
  });
}

/**
 * Checks the credentials and starts a logged-in session.
 * Throws DD_RATE_LIMITED (a RateLimitedError with `retryAfterMs`) or DD_LOGIN_FAILED.
 * @example
 * const { token, session } = await login(db, { username, password, ip, userAgent, replaceToken: cookieToken });
 */
export async function login(db: Db, input: LoginInput): Promise<LoginResult> {
  const now = input.now ?? new Date();
  const limits = input.limits ?? DEFAULT_LIMITS;
  const username = typeof input.username === "string" ? input.username : "";
  const ip = input.ip || "unknown";
  const actor = { ip };
  // Throws RateLimitedError before any hashing; otherwise the slot counts as a failure until released.
  const slot = reserveLoginAttempt(db, ip, username, limits, now);

  const user = await verifyPassword(db, username, typeof input.password === "string" ? input.password : "");
  if (!user) {
    const known = findUserByUsername(db, username);
    const who = known ? { ...actor, userId: known.id, username: known.username } : actor;
    audit(db, { action: "login.failed", actor: who, target: known?.username ?? null, detail: { knownUser: !!known }, time: now });
    if (slot.fills)
      audit(db, { action: "login.limited", actor: who, target: known?.username ?? null, detail: { knownUser: !!known }, time: now });
    throw loginRefused();
  }
  // The password was right: not a failure, whatever comes next (a disabled account included).
  releaseLoginAttempt(db, slot);
  if (user.disabled) {
    audit(db, {
      action: "login.disabled",
      actor: { ...actor, userId: user.id, username: user.username },
      target: user.username,
      time: now,
    });
    throw new DashDevicesError("DD_LOGIN_FAILED", {
      what: `the account ${user.username} is disabled.`,
      expected: "an enabled account",
      found: "disabled by an admin",
      fix: "ask an admin to enable it",
    });
  }

  clearUserIpFailures(db, ip, username, slot);
  const previous = input.replaceToken ? lookupSession(db, input.replaceToken, { now }) : null;
  let replacedSessionId: string | null = null;
  if (previous && revokeSession(db, previous.id, { action: "session.replace", actor: { ...actor, sessionId: previous.id }, now })) {
    replacedSessionId = previous.id;
  }
  const { token, session } = createSession(db, { userId: user.id, ip, userAgent: input.userAgent, ttlMs: input.ttlMs, now });
  audit(db, {
    action: "login.ok",
    actor: { ...actor, userId: user.id, username: user.username, sessionId: session.id },
    target: user.username,
    detail: replacedSessionId ? { replacedSession: replacedSessionId } : null,
    time: now,
  });
  return { token, session, user, replacedSessionId };
}

/**
 * Ends the session of a cookie token; returns its id (to disconnect its clients) or null when the
 * token named no live session.
 */
export function logout(db: Db, token: string | null | undefined, opts: { ip?: string; now?: Date } = {}): string | null {
  const session = lookupSession(db, token, { now: opts.now });
  if (!session) return null;
  const actor = { ip: opts.ip ?? null, sessionId: session.id, userId: session.userId, username: session.user?.username ?? null };
  return revokeSession(db, session.id, { action: "logout", actor, now: opts.now }) ? session.id : null;
}

export { RateLimitedError };
