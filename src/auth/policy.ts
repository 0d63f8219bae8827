/**
 * @module auth/policy
 * Every number of the access layer in one place: lifetimes, the last-seen write interval, the
 * login rate limits, password and username rules. Callers may override each per call.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const POLICY = {
  /** A logged-in session lasts this long (absolute; log in again after). */
  loginSessionTtlMs: 7 * DAY,
  /** An anonymous browser session (public apps) lasts this long. */
  anonymousSessionTtlMs: 30 * DAY,
  /** last_seen_at is written at most this often per session (a write per message would be waste). */
  touchIntervalMs: MINUTE,
  /** A first-run setup link works this long; every start without an admin prints a new one. */
  setupTokenTtlMs: DAY,
  /** Failed logins allowed per client IP (any usernames) within the window before refusing. */
  loginPerIp: { max: 20, windowMs: 15 * MINUTE },
  /** Failed logins allowed per username (existing or not) from one client IP. */
  loginPerUserIp: { max: 10, windowMs: 15 * MINUTE },
  /**
   * Failed logins allowed per username from all addresses together: a backstop against a guesser
   * with many addresses, high so that one guesser can't lock the owner out (see rate-limit.ts).
   */
  loginPerUsername: { max: 100, windowMs: 15 * MINUTE },
  username: { min: 1, max: 32, pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/ },
  password: { min: 8, max: 512 },
} as const;

export interface RateLimit {
  max: number;
  windowMs: number;
}
