/**
 * @module client
 * A client is one connection, i.e. one browser tab. It carries what the app may want to know
 * (connect time, address, user agent, authentication, the app's own fields in `data`) and what the
 * runtime needs (its private store, its message queue, its outbox). The transport is an interface
 * (core/transport.ts) so the core knows nothing of Bun or Elysia. A misspelt field
 * (`client.usrename`) does not compile: the app's fields go in `client.data`.
 */

import { PropStore } from "./prop-store.ts";
import { SerialQueue } from "./serial.ts";
import { Outbox } from "./outbox.ts";
import type { BudgetKind } from "./budgets.ts";
import type { Transport } from "./transport.ts";

export type { Transport };

/**
 * The app's own fields on a tab: `client.data.nickname = "..."`. Declare the ones you use and they
 * are typed everywhere:
 * `declare module "dash-devices" { interface ClientData { nickname?: string } }`.
 */
export interface ClientData {
  [field: string]: unknown;
}

export interface ClientInfo {
  ip: string;
  userAgent?: string;
  origin?: string;
}

let counter = 0;

export class Client {
  /** Short unique id, e.g. "c7f3a-12". */
  readonly id: string;
  /** When the tab connected (made on first read from the time kept: one Date less per tab). */
  get connectTime(): Date {
    return (this.connectDate ??= new Date(this.connectedAt));
  }
  private readonly connectedAt = Date.now();
  private connectDate: Date | undefined;
  readonly ip: string;
  readonly userAgent: string;
  readonly origin: string;
  /** Reverse DNS name of `ip` when known (looked up in the background, never blocking). */
  hostname: string | undefined;
  /** The logged-in user of this tab's browser session, if any. */
  user: { id: number; username: string; role: string } | undefined;
  /** The browser session this tab belongs to (not its token). */
  sessionId: string | undefined;
  /** Last measured WebSocket round trip, in milliseconds. */
  rttMs: number | undefined;
  private pingAt = 0;
  /** Free for the app: set it at login (the original's `client.authentication`). */
  authentication: unknown = undefined;
  username: string | undefined;
  /** The app's own fields for this tab (typed by declaring them on `ClientData`); made on first use. */
  get data(): ClientData {
    return (this.ownData ??= {});
  }
  private ownData: ClientData | undefined;
  connected = true;
  messagesIn = 0;
  messagesOut = 0;

  /** @internal private props of this tab. */
  readonly store = new PropStore();
  /** @internal messages of this tab, handled in order. */
  readonly queue: SerialQueue;
  /** @internal frames waiting to go out, coalesced. */
  readonly outbox: Outbox;
  /** @internal messages received and not yet acknowledged. */
  inflight = 0;
  /** @internal the refused-message token bucket (see core/budgets.ts). */
  invalidTokens = 0;
  /** @internal when a token was last taken (performance.now(); 0: never). */
  invalidAt = 0;
  /** Why the server closed this tab over a budget, if it did. */
  closedReason: string | undefined;
  /** @internal set by the runtime when the tab connects: what closes a tab over a budget (one function for all its tabs). */
  budgetCloser: ((client: Client, kind: BudgetKind) => void) | undefined = undefined;

  constructor(
    readonly transport: Transport,
    info: ClientInfo,
    onError: (e: unknown) => void,
  ) {
    this.id = `${Date.now().toString(36).slice(-5)}-${++counter}`;
    this.ip = info.ip;
    this.userAgent = info.userAgent ?? "";
    this.origin = info.origin ?? "";
    this.queue = new SerialQueue(onError);
    this.outbox = new Outbox(this);
  }

  /** @internal closes this tab over a budget (the outbox calls it). */
  overBudget(kind: BudgetKind): void {
    this.budgetCloser?.(this, kind);
  }

  /** Sends a ping to measure the round trip (WebSocket only). */
  ping(): void {
    if (!this.transport.ping || !this.connected) return;
    this.pingAt = performance.now();
    this.transport.ping();
  }

  /** @internal the pong for the last ping arrived. */
  pong(): void {
    if (this.pingAt) this.rttMs = Math.round((performance.now() - this.pingAt) * 100) / 100;
    this.pingAt = 0;
  }

  toString(): string {
    return `Client(${this.id} ${this.ip})`;
  }
}
