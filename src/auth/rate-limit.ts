/**
 * @module auth/rate-limit
 * Login rate limiting with sliding windows, counted from attempts stored in SQLite (table
 * login_failures), under three keys: the username from one client IP, the client IP, the username.
 *
 * Why reserve before hashing: an attempt takes its slot (a row) in the same IMMEDIATE transaction
 * that checks the windows, before the slow argon2 verification. Checking first and recording after
 * let 60 parallel guesses all pass the check and all be hashed; now the 11th parallel guess is
 * refused at once. A right password gives its slot back; a wrong one leaves it as the failure; a
 * crash in between leaves it too (counted, never a free guess).
 *
 * Why these three keys (numbers in policy.ts):
 * - username + IP (10 per 15 min) is what stops a guesser at one address. It can't lock the owner
 *   out from another address, which a plain per-username limit did: ten wrong guesses from anywhere
 *   locked the admin out everywhere for 15 minutes.
 * - IP (20 per 15 min) stops one address from spraying guesses over many usernames.
 * - username (100 per 15 min) stays as a much higher backstop against a guesser with many
 *   addresses (on a LAN, taking more addresses is easy). Without it the only limit on guessing one
 *   account would be the CPU: argon2 at ~15/s on a small device is over a million guesses a day;
 *   with it, 9,600. The price: someone who controls five or more addresses can keep the account
 *   locked; an admin's password reset (in /admin, or `--create-admin NAME --reset` at the console)
 *   clears the user's failures, and the refusal says so.
 *
 * Why persisted rather than in memory: a restart (crash, kill, power cycle — common on a device)
 * must not hand a password guesser a fresh budget, and every process on the file shares the count.
 * Refused attempts are not recorded, so a flood costs no writes and no hashing. A successful login
 * forgets its own failures under username + IP (the owner's typos) but not its IP's, so an attacker
 * can't reset their IP budget by logging in to an account of their own.
 */

import { and, asc, eq, gt, lt, sql, type SQL } from "drizzle-orm";
import { DashDevicesError } from "../core/errors.ts";
import type { Db } from "../db/open.ts";
import { loginFailures } from "../db/schema.ts";
import { POLICY, type RateLimit } from "./policy.ts";

export interface RateLimits {
  /** Failed logins from one client IP, whatever the usernames. */
  perIp: RateLimit;
  /** Failed logins for one username from one client IP. */
  perUserIp: RateLimit;
  /** Failed logins for one username from all addresses together (a backstop, set high). */
  perUsername: RateLimit;
}

export const DEFAULT_LIMITS: RateLimits = {
  perIp: POLICY.loginPerIp,
  perUserIp: POLICY.loginPerUserIp,
  perUsername: POLICY.loginPerUsername,
};

export type RateLimitScope = "ip" | "user-ip" | "username";

const RESET_LIFTS = "or have an admin reset this user's password (in /admin, or --create-admin NAME --reset at the device), which lifts it";

/** Thrown when a login is refused for too many failures; `retryAfterMs` feeds a Retry-After header. */
export class RateLimitedError extends DashDevicesError {
  readonly retryAfterMs: number;
  readonly scope: RateLimitScope;
  constructor(scope: RateLimitScope, retryAfterMs: number, limit: RateLimit) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    const wait = formatWait(seconds);
    const per = `per ${formatWait(Math.round(limit.windowMs / 1000))}`;
    const text = {
      ip: {
        what: `too many failed logins from this address; try again in ${wait}.`,
        expected: `at most ${limit.max} failed logins from one address ${per}`,
        // A reset does not lift a limit on an address: the message must not promise it does.
        fix: `wait ${wait}`,
      },
      "user-ip": {
        what: `too many failed logins for this username; try again in ${wait}.`,
        expected: `at most ${limit.max} failed logins for one username from one address ${per}`,
        fix: `wait ${wait} (logins from other addresses are not affected), ${RESET_LIFTS}`,
      },
      username: {
        what: `too many failed logins for this username from many addresses; try again in ${wait}.`,
        expected: `at most ${limit.max} failed logins for one username ${per}`,
        fix: `wait ${wait}, ${RESET_LIFTS}`,
      },
    }[scope];
    super("DD_RATE_LIMITED", { what: text.what, expected: text.expected, found: `${limit.max} or more`, fix: text.fix });
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
function waitFor(db: Db, key: SQL | undefined, limit: RateLimit, now: number): number {
  const inWindow = and(key, gt(loginFailures.time, new Date(now - limit.windowMs)));
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

/**
 * Throws RateLimitedError when a window is full (the one with the longest wait, so Retry-After is
 * right). Does not take a slot: to check and take one, use {@link reserveLoginAttempt}.
 */
export function checkLoginAllowed(db: Db, ip: string, username: string, limits: RateLimits = DEFAULT_LIMITS, now = new Date()): void {
  const t = now.getTime();
  const user = eq(loginFailures.usernameKey, usernameKey(username));
  const waits: [RateLimitScope, number, RateLimit][] = [
    ["user-ip", waitFor(db, and(user, eq(loginFailures.ip, ip)), limits.perUserIp, t), limits.perUserIp],
    ["ip", waitFor(db, eq(loginFailures.ip, ip), limits.perIp, t), limits.perIp],
    ["username", waitFor(db, user, limits.perUsername, t), limits.perUsername],
  ];
  const worst = waits.reduce((a, b) => (b[1] > a[1] ? b : a));
  if (worst[1] > 0) throw new RateLimitedError(worst[0], worst[1], worst[2]);
}

/** A slot taken by {@link reserveLoginAttempt}. */
export interface LoginReservation {
  id: number;
  /** True when this attempt, if it fails, fills a window (the next one will be refused). */
  fills: boolean;
}

/**
 * Checks the windows and takes a slot in them, in one IMMEDIATE transaction, before the password is
 * hashed. Throws RateLimitedError when a window is full. The slot counts as a failure until
 * {@link releaseLoginAttempt} gives it back (call that when the password was right).
 * Also drops attempts older than the longest window, keeping the table small.
 */
export function reserveLoginAttempt(
  db: Db,
  ip: string,
  username: string,
  limits: RateLimits = DEFAULT_LIMITS,
  now = new Date(),
): LoginReservation {
  return db.transaction(
    (tx) => {
      const longest = Math.max(limits.perIp.windowMs, limits.perUserIp.windowMs, limits.perUsername.windowMs);
      tx.delete(loginFailures)
        .where(lt(loginFailures.time, new Date(now.getTime() - longest)))
        .run();
      checkLoginAllowed(tx, ip, username, limits, now);
      const id = tx
        .insert(loginFailures)
        .values({ time: now, ip, usernameKey: usernameKey(username) })
        .returning({ id: loginFailures.id })
        .get()!.id;
      try {
        checkLoginAllowed(tx, ip, username, limits, now);
        return { id, fills: false };
      } catch (e) {
        if (e instanceof RateLimitedError) return { id, fills: true };
        throw e;
      }
    },
    { behavior: "immediate" },
  );
}

/** Gives back a slot taken by {@link reserveLoginAttempt}: the attempt was not a failure. */
export function releaseLoginAttempt(db: Db, reservation: LoginReservation): void {
  db.delete(loginFailures).where(eq(loginFailures.id, reservation.id)).run();
}

/**
 * Forgets a username's failures from one address, made before the successful login that holds
 * `reservation`. They still count for the address; failures from other addresses (someone else's
 * guesses) and attempts that came in after this one still count too.
 */
export function clearUserIpFailures(db: Db, ip: string, username: string, reservation: LoginReservation): void {
  const mine = and(eq(loginFailures.usernameKey, usernameKey(username)), eq(loginFailures.ip, ip), lt(loginFailures.id, reservation.id));
  db.update(loginFailures).set({ usernameKey: null }).where(mine).run();
}

/**
 * Forgets all of a username's failures (an admin reset its password): the username and
 * username + IP limits lift at once. The failures still count for their addresses.
 */
export function clearUsernameFailures(db: Db, username: string): void {
  db.update(loginFailures)
    .set({ usernameKey: null })
    .where(eq(loginFailures.usernameKey, usernameKey(username)))
    .run();
}
