/**
 * @module address-tabs
 * What one network address may open, across all its tabs: a budget closes one tab (1008), but a
 * page that reconnects at once would get a fresh budget each time. So the server counts, per
 * client address (X-Forwarded-For's behind a trusted proxy), the tabs open now and the tabs closed
 * over a budget lately, and refuses a new tab (429, `DD_TOO_MANY_TABS` / `DD_ADDRESS_COOLDOWN`)
 * from an address past either limit. Tabs already open stay. Loopback addresses are not limited
 * (the machine itself: a local reverse proxy without --trust-proxy, tests, benchmarks).
 * Bounded: an address is kept while it has open tabs or budget closes in the window, and at most
 * `MAX_ADDRESSES` addresses of closes are remembered.
 */

import { DashDevicesError } from "../core/errors.ts";

export interface AddressTabLimits {
  /** Open tabs one address may have (every app and mount of this server together). */
  maxTabs: number;
  /** Budget closes within `windowMs` after which the address's new tabs are refused... */
  strikes: number;
  /** ...until the oldest of them is this old. */
  windowMs: number;
}

export const ADDRESS_TAB_LIMITS: AddressTabLimits = { maxTabs: 64, strikes: 3, windowMs: 60_000 };

const MAX_ADDRESSES = 10_000;

export function isLoopback(ip: string): boolean {
  return ip.startsWith("127.") || ip === "::1" || ip.startsWith("::ffff:127.");
}

export class AddressTabs {
  private readonly open = new Map<string, number>();
  /** Times of the budget closes within the window, oldest first, per address. */
  private readonly closes = new Map<string, number[]>();

  constructor(
    readonly limits: AddressTabLimits = ADDRESS_TAB_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Why a new tab from `ip` is refused, or undefined. */
  refusal(ip: string): DashDevicesError | undefined {
    if (isLoopback(ip)) return undefined;
    const n = this.open.get(ip) ?? 0;
    if (n >= this.limits.maxTabs)
      return new DashDevicesError("DD_TOO_MANY_TABS", {
        what: "this address has too many tabs open on this device.",
        expected: `at most ${this.limits.maxTabs} open tabs per address`,
        found: `${n} open from ${ip}`,
        fix: "close some tabs of this device, then reload",
      });
    const wait = this.retryAfter(ip);
    if (wait > 0)
      return new DashDevicesError("DD_ADDRESS_COOLDOWN", {
        what: "tabs from this address were closed for sending what no page sends.",
        expected: `fewer than ${this.limits.strikes} such closes in ${this.limits.windowMs / 1000} s`,
        found: `${this.limits.strikes} from ${ip}`,
        fix: `wait ${wait} s, then reload; if a page of yours does this, look at its scripts`,
      });
    return undefined;
  }

  /** Seconds until `ip` may open tabs again (0: now): the Retry-After of a cooldown refusal. */
  retryAfter(ip: string): number {
    const recent = this.recent(ip);
    if (recent.length < this.limits.strikes) return 0;
    return Math.max(1, Math.ceil((recent[recent.length - this.limits.strikes]! + this.limits.windowMs - this.now()) / 1000));
  }

  opened(ip: string): void {
    if (!isLoopback(ip)) this.open.set(ip, (this.open.get(ip) ?? 0) + 1);
  }

  closed(ip: string): void {
    const n = this.open.get(ip);
    if (n === undefined) return;
    if (n <= 1) this.open.delete(ip);
    else this.open.set(ip, n - 1);
  }

  /** A tab of `ip` was closed over a budget. */
  budgetClosed(ip: string): void {
    if (isLoopback(ip)) return;
    const list = this.recent(ip);
    list.push(this.now());
    if (list.length > this.limits.strikes) list.splice(0, list.length - this.limits.strikes);
    if (!this.closes.has(ip) && this.closes.size >= MAX_ADDRESSES) this.closes.delete(this.closes.keys().next().value!);
    this.closes.set(ip, list);
  }

  /** Open tabs per address now (for tests and the console). */
  openTabs(ip: string): number {
    return this.open.get(ip) ?? 0;
  }

  private recent(ip: string): number[] {
    const list = this.closes.get(ip);
    if (!list) return [];
    const since = this.now() - this.limits.windowMs;
    while (list.length && list[0]! <= since) list.shift();
    if (!list.length) this.closes.delete(ip);
    return list;
  }
}
