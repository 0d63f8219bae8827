/**
 * @module budgets
 * What one tab (one socket) may cost the server. A tab past a budget is closed with WebSocket
 * code 1008 and a reason its page shows; nothing it sends can make the server keep, log or
 * delay without bound. Every budget is a counter or a timestamp on the client, checked on the
 * path that spends it (a refused message, a queued job, a blocked write), never per good message.
 */

import { DashDevicesError } from "./errors.ts";

export interface Budgets {
  /** Refused messages (bad JSON, unknown ids, bad values...) a tab may send in a burst (default 20). */
  invalidBurst: number;
  /** ... and per second after the burst (default 5): a token bucket. */
  invalidPerSecond: number;
  /** Jobs waiting in one tab's queue (its unanswered messages, good or refused; default 2,000). */
  maxQueued: number;
  /** Bytes waiting in one tab's socket while it does not read (default 8 MiB). */
  maxPendingBytes: number;
  /** Seconds a tab's socket may stay backed up while output for it keeps coming (default 60). */
  maxBlockedSeconds: number;
  /**
   * Calls waiting for one shared, serialized callback (default 8). Past it, the newest waiting
   * call takes the latest value instead of queueing another: the device still ends at the last
   * value received, and no tab can delay another's change by more than this many calls.
   * A callback can set its own with `service: { ...Services.SHARED, maxWaiting: n }`.
   */
  maxWaitingCalls: number;
}

export const DEFAULT_BUDGETS: Readonly<Budgets> = {
  invalidBurst: 20,
  invalidPerSecond: 5,
  maxQueued: 2000,
  maxPendingBytes: 8 * 1024 * 1024,
  maxBlockedSeconds: 60,
  maxWaitingCalls: 8,
};

/** WebSocket close code for a tab closed over a budget (RFC 6455: policy violation). */
export const BUDGET_CLOSE_CODE = 1008;

/** Why a tab was closed: the close reason (at most 123 bytes) its page shows. */
export const BUDGET_REASON = {
  invalid: "too many invalid messages",
  queued: "too many queued messages",
  pending: "too much output waiting: the tab is not reading",
  blocked: "the tab stopped reading",
} as const;

export type BudgetKind = keyof typeof BUDGET_REASON;

/** The error logged when a tab is closed over a budget: what was allowed, what came, the fix. */
export function budgetError(kind: BudgetKind, b: Budgets, found: string): DashDevicesError {
  const d = {
    invalid: {
      expected: `at most ${b.invalidBurst} refused messages at once, then ${b.invalidPerSecond} a second`,
      fix: "reload or fix the page that sends them (a stale page, a broken script); raise budgets.invalidBurst / invalidPerSecond only if they are legitimate",
    },
    queued: {
      expected: `at most ${b.maxQueued} messages waiting in one tab's queue`,
      fix: 'the tab sends faster than its callbacks run: send less often (updatemode "mouseup", debounce) or raise budgets.maxQueued',
    },
    pending: {
      expected: `at most ${b.maxPendingBytes} bytes waiting for one tab`,
      fix: "the tab does not read what it is sent; raise budgets.maxPendingBytes only for very large pages",
    },
    blocked: {
      expected: `a tab that reads what it is sent within ${b.maxBlockedSeconds} s`,
      fix: "check the tab's network; raise budgets.maxBlockedSeconds for very slow links",
    },
  }[kind];
  return new DashDevicesError("DD_BUDGET", {
    what: `a tab was closed (WebSocket code ${BUDGET_CLOSE_CODE}): ${BUDGET_REASON[kind]}.`,
    expected: d.expected,
    found,
    fix: d.fix,
  });
}

/** The app's budgets over the defaults; a budget that is not a positive number is refused. */
export function resolveBudgets(given: Partial<Budgets> | undefined): Budgets {
  const b = { ...DEFAULT_BUDGETS, ...(given ?? {}) };
  for (const [k, v] of Object.entries(b)) {
    if (!(k in DEFAULT_BUDGETS)) {
      throw new DashDevicesError("DD_BAD_OPTION", {
        what: `budgets has no "${k}".`,
        expected: Object.keys(DEFAULT_BUDGETS).join(", "),
        found: JSON.stringify(k),
        fix: "check the spelling",
      });
    }
    if (typeof v !== "number" || !(v > 0)) {
      throw new DashDevicesError("DD_BAD_OPTION", {
        what: `budgets.${k} must be a positive number.`,
        expected: `a number > 0 (Infinity turns it off; default ${DEFAULT_BUDGETS[k as keyof Budgets]})`,
        found: JSON.stringify(v) ?? String(v),
        fix: `leave budgets.${k} out for the default`,
      });
    }
  }
  return b;
}

/** The token bucket of refused messages: counters on the client, touched only on a refusal. */
export interface InvalidBucket {
  invalidTokens: number;
  invalidAt: number;
}

/** Spends one token for a refused message; false when the bucket is empty (close the tab). */
export function takeInvalidToken(c: InvalidBucket, b: Budgets, now: number): boolean {
  const tokens = c.invalidAt
    ? Math.min(b.invalidBurst, c.invalidTokens + ((now - c.invalidAt) / 1000) * b.invalidPerSecond)
    : b.invalidBurst;
  c.invalidAt = now;
  if (tokens < 1) {
    c.invalidTokens = tokens;
    return false;
  }
  c.invalidTokens = tokens - 1;
  return true;
}
