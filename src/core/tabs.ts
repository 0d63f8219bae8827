/**
 * @module tabs
 * A tab's life: it connects (it joins the fan-out, gets a snapshot of the root when its page is
 * older than the shared state, and its first per-tab calls are queued), it leaves, or it is closed
 * over a budget (code 1008 with the reason, one log line, the budget listeners). The app's connect
 * handlers run here; mods one returns go to the connecting tab.
 */

import { BUDGET_CLOSE_CODE, BUDGET_REASON, budgetError, type BudgetKind, type Budgets } from "./budgets.ts";
import type { Client } from "./client.ts";
import type { FanOut } from "./fan-out.ts";
import type { Logger } from "./log.ts";
import type { Mods } from "./mods.ts";
import type { Reporter } from "./report.ts";
import { SHELL_ID } from "./wire.ts";

export type ConnectHandler = (client: Client, connected: boolean) => unknown;

/** What a tab's life needs from the other parts. */
export interface TabDeps {
  readonly fanOut: FanOut;
  /** The shared version (a page rendered at it needs no snapshot). */
  version(): number;
  /** Queues a tab's first per-tab calls (in its queue). */
  initialCalls(client: Client): Promise<void>;
  /** pushMods to one tab (mods a connect handler returned). */
  push(mods: Mods, client: Client): void;
  readonly reporter: Reporter;
  readonly budgets: Budgets;
  readonly log: Logger;
}

export class Tabs {
  readonly connectHandlers: ConnectHandler[] = [];
  /** Told when a tab is closed over a budget (before its disconnect): the audit log listens. */
  readonly budgetListeners: ((client: Client, reason: string) => void)[] = [];

  constructor(private readonly d: TabDeps) {}

  /** Every tab's `budgetCloser`: one function, not a closure per tab. */
  private readonly closeOver = (client: Client, kind: BudgetKind): void => this.closeOverBudget(client, kind);
  private limits = { pendingBytes: Infinity, blockedMs: Infinity };

  /** The outbox budgets, one object shared by the tabs (a new one if the budgets were changed). */
  private outboxLimits(b: Budgets): { pendingBytes: number; blockedMs: number } {
    const blockedMs = b.maxBlockedSeconds * 1000;
    if (this.limits.pendingBytes !== b.maxPendingBytes || this.limits.blockedMs !== blockedMs)
      this.limits = { pendingBytes: b.maxPendingBytes, blockedMs };
    return this.limits;
  }

  /** A tab connected. `pageVersion` is the shared version its page was rendered at. */
  connect(client: Client, pageVersion: number, reconnect: boolean): void {
    const { fanOut, budgets } = this.d;
    fanOut.clients.add(client);
    client.budgetCloser = this.closeOver;
    client.outbox.limits = this.outboxLimits(budgets);
    client.outbox.flusher = fanOut.flusher;
    this.d.log.info("client.connect", {
      client: client.id,
      ip: client.ip,
      clients: fanOut.clients.size,
      reconnect: reconnect || undefined,
    });
    const version = this.d.version();
    if (reconnect || pageVersion !== version) client.outbox.put(SHELL_ID.root, fanOut.renderRootFragment(client));
    client.outbox.putVersion(version);
    client.queue.push(() => this.d.initialCalls(client));
    this.notify(client, true);
  }

  disconnect(client: Client): void {
    if (!this.d.fanOut.clients.delete(client)) return;
    client.connected = false;
    client.queue.clear();
    this.d.log.info("client.disconnect", { client: client.id, clients: this.d.fanOut.clients.size });
    this.notify(client, false);
  }

  /**
   * Closes a tab that went past a budget: code 1008 with the reason (its page shows it and does not
   * reconnect), one log line and the budget listeners (the audit log), then the disconnect.
   */
  closeOverBudget(client: Client, kind: BudgetKind): void {
    if (client.closedReason !== undefined || !client.connected) return;
    const reason = BUDGET_REASON[kind];
    client.closedReason = reason;
    const found = `${client.messagesIn} messages received, ${client.queue.waiting} waiting, ${client.transport.buffered()} bytes waiting to be sent`;
    this.d.log.warn("client.closed", {
      code: "DD_BUDGET",
      client: client.id,
      ip: client.ip,
      reason,
      error: budgetError(kind, this.d.budgets, found).message,
    });
    for (const l of this.budgetListeners) {
      try {
        l(client, reason);
      } catch (e) {
        this.d.log.error("listener.error", { error: e as Error });
      }
    }
    try {
      client.transport.close(BUDGET_CLOSE_CODE, reason);
    } catch (e) {
      this.d.log.error("client.close.error", { client: client.id, error: e as Error });
    }
    this.disconnect(client);
  }

  /** Runs the connect handlers (sync or async); as in the original, mods one returns go to the connecting tab. */
  private notify(client: Client, connected: boolean): void {
    for (const h of this.connectHandlers) {
      try {
        const r = h(client, connected);
        if (!r) continue;
        if (typeof (r as Promise<unknown>).then === "function") {
          (r as Promise<unknown>).then(
            (mods) => this.pushReturned(mods, client, connected),
            (e) => this.d.reporter.reportError(e, undefined),
          );
        } else this.pushReturned(r, client, connected);
      } catch (e) {
        this.d.reporter.reportError(e, undefined);
      }
    }
  }

  private pushReturned(mods: unknown, client: Client, connected: boolean): void {
    if (mods && connected && client.connected) this.d.push(mods as Mods, client);
  }
}
