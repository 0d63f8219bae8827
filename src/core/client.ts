/**
 * @module client
 * A client is one WebSocket connection, i.e. one browser tab. It carries what the app may want
 * to know (connect time, address, user agent, authentication, free fields) and what the runtime
 * needs (its private store, its message queue, its outbox). The transport is an interface so the
 * core knows nothing of Bun or Elysia.
 */

import { PropStore } from "./store.ts";
import { SerialQueue } from "./serial.ts";
import { Outbox } from "./outbox.ts";
import type { BudgetKind } from "./budgets.ts";

/** What the core needs from a socket. `send` returns Bun's codes: bytes sent, -1 queued, 0 dropped. */
export interface Transport {
  send(frame: string): number;
  /** If present, frames are handed over as objects (the HTTP service writes them as SSE events). */
  sendFrame?(frame: Record<string, unknown>): number;
  /** Bytes waiting in the socket's send buffer. */
  buffered(): number;
  close(code?: number, reason?: string): void;
  /** Sends a ping; the adapter calls `client.pong()` when the answer comes (round-trip time). */
  ping?(): void;
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
  readonly connectTime = new Date();
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
  /** Free fields for the app. Plain properties work too. */
  readonly data: Record<string, unknown> = {};
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
  /** @internal set by the runtime: closes this tab over a budget (the outbox calls it). */
  overBudget: (kind: BudgetKind) => void = () => {};

  [field: string]: unknown;

  constructor(readonly transport: Transport, info: ClientInfo, onError: (e: unknown) => void) {
    this.id = `${Date.now().toString(36).slice(-5)}-${++counter}`;
    this.ip = info.ip;
    this.userAgent = info.userAgent ?? "";
    this.origin = info.origin ?? "";
    this.queue = new SerialQueue(onError);
    this.outbox = new Outbox(this);
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
