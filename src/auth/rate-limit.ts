/**
 * @module auth/rate-limit
 * Login rate limiting with sliding windows, per client IP and per username, counted from failed
 * logins stored in SQLite (table login_failures).
 *
 * Why persisted rather than in memory: a restart (crash, kill, power cycle — common on a device)
 * must not hand a password guesser a fresh budget; every process on the file shares the count; and
 * the cost is nil beside the argon2 hash that each counted attempt already spends. Refused attempts
 * are checked with one indexed COUNT and not recorded, so a flood costs no writes and no hashing.
 * Only failures count, and a successful login clears its username's failures (not its IP's, so an
 * attacker can't reset their IP budget by logging in to an account of their own).
 */

import { and, asc, eq, gt, lt, sql } from "drizzle-orm";
import { DashDevicesError } from "../core/errors.ts";
import type { Db } from "../db/open.ts";
import { loginFailures } from "../db/schema.ts";
import { POLICY, type RateLimit } from "./policy.ts";

export interface RateLimits {
  perIp: RateLimit;
  perUsername: RateLimit;
}

export const DEFAULT_LIMITS: RateLimits = { perIp: POLICY.loginPerIp, perUsername: POLICY.loginPerUsername };

/** Thrown when a login is refused for too many failures; `retryAfterMs` feeds a Retry-After header. */
export class RateLimitedError extends DashDevicesError {
  readonly retryAfterMs: number;
  readonly scope: "ip" | "username";
  constructor(scope: "ip" | "username", retryAfterMs: number, limit: RateLimit) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super("DD_RATE_LIMITED", {
      what: `too many failed logins ${scope === "ip" ? "from this address" : "for this username"}; try again in ${formatWait(seconds)}.`,
      expected: `at most ${limit.max} failed logins per ${formatWait(Math.round(limit.windowMs / 1000))}`,
      found: `${limit.max} or more`,
      fix: `wait ${formatWait(seconds)}, or have an admin reset the password`,
    });
    this.retryAfterMs = retryAfterMs;
    this.scope = scope;
  }
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  return `${Math.ceil(seconds / 60)} min`;
}

/** The key usernames are counted under: lower case, capped (the user need not exist). */
export function usernameKey(username: string): string {
  return String(username).toLowerCase().slice(0, 64);
}

/** ms until the window has room again, or 0 when the next attempt may go ahead. */
function waitFor(db: Db, column: typeof loginFailures.ip | typeof loginFailures.usernameKey, key: string, limit: RateLimit, now: number): number {
  const windowStart = new Date(now - limit.windowMs);
  const inWindow = and(eq(column, key), gt(loginFailures.time, windowStart));
  const n = db.select({ n: sql<number>`count(*)` }).from(loginFailures).where(inWindow).get()?.n ?? 0;
  if (n < limit.max) return 0;
  // The window has room once the (n - max + 1)-th oldest failure in it slides out.
  const oldest = db
    .select({ time: loginFailures.time })
    .from(loginFailures)
    .where(inWindow)
    .orderBy(asc(loginFailures.time))
    .limit(1)
    .offset(n - limit.max)
    .get();
  return oldest ? Math.max(1, oldest.time.getTime() + limit.windowMs - now) : limit.windowMs;
}

/** Throws RateLimitedError when either window is full. Call before checking the password. */
export function checkLoginAllowed(db: Db, ip: string, username: string, limits: RateLimits = DEFAULT_LIMITS, now = new Date()): void {
  const t = now.getTime();
  const byIp = waitFor(db, loginFailures.ip, ip, limits.perIp, t);
  if (byIp > 0) throw new RateLimitedError("ip", byIp, limits.perIp);
  const byUser = waitFor(db, loginFailures.usernameKey, usernameKey(username), limits.perUsername, t);
  if (byUser > 0) throw new RateLimitedError("username", byUser, limits.perUsername);
}

/**
 * Records a failed login; returns true when this failure filled a window (the next attempt will be
 * refused), so the caller can audit a lock-out once rather than every refused attempt.
 * Also drops failures older than the longest window, keeping the table small.
 */
export function recordLoginFailure(db: Db, ip: string, username: string, limits: RateLimits = DEFAULT_LIMITS, now = new Date()): boolean {
  return db.transaction(
    (tx) => {
      const longest = Math.max(limits.perIp.windowMs, limits.perUsername.windowMs);
      tx.delete(loginFailures).where(lt(loginFailures.time, new Date(now.getTime() - longest))).run();
      tx.insert(loginFailures).values({ time: now, ip, usernameKey: usernameKey(username) }).run();
      try {
        checkLoginAllowed(tx, ip, username, limits, now);
        return false;
      } catch (e) {
        if (e instanceof RateLimitedError) return true;
        throw e;
      }
    },
    { behavior: "immediate" },
  );
}

/** Forgets a username's failures after a successful login (they still count for their IPs). */
export function clearUsernameFailures(db: Db, username: string): void {
  db.update(loginFailures).set({ usernameKey: null }).where(eq(loginFailures.usernameKey, usernameKey(username))).run();
}
