/**
 * @module inbox
 * One message from a tab, from the raw string to its ack: the budgets (queue length, invalid
 * messages, in-flight), the parse (core/message.ts), the control's own check of its value, the
 * guards (roles, the lease), then the write. Shared changes are written and their callbacks queued
 * the moment the message arrives, so calls reach the device in the order messages arrived; the
 * tab's own callbacks run in its queue; the ack follows when everything the message caused is done.
 */

import { takeInvalidToken, type BudgetKind, type Budgets } from "./budgets.ts";
import type { Client } from "./client.ts";
import type { Props } from "./component.ts";
import type { ComponentLookup } from "./component-index.ts";
import { DashDevicesError, describe } from "./errors.ts";
import type { Writer } from "./fan-out.ts";
import type { CallbackGraph } from "./graph.ts";
import type { Logger } from "./log.ts";
import { parseMessage } from "./message.ts";
import type { Reporter } from "./report.ts";
import type { Change, StoreOwner } from "./stores.ts";
import { HEADER } from "./wire.ts";

/** Asked before a tab's control change is applied; an error refuses it (roles, leases). */
export type InputGuard = (client: Client, id: string, keys: readonly string[]) => DashDevicesError | undefined;
/** Told of every control change a tab made (after it is applied): the audit log listens. */
export type InputListener = (client: Client, id: string, changed: Props, shared: boolean) => void;

/** What the inbox needs from the other parts. */
export interface InboxDeps {
  readonly components: ComponentLookup;
  readonly graph: Pick<CallbackGraph, "sharedKeys" | "triggeredBy">;
  currentProps(id: string, client: StoreOwner): Props;
  readonly writer: Writer;
  /** Runs the shared callbacks a shared write triggered; their first calls are queued before it returns. */
  sharedChain(keys: string[], origin: Client): Promise<void>;
  /** Runs the tab's own callbacks a write triggered. */
  clientChain(client: Client, keys: string[]): Promise<void>;
  closeOverBudget(client: Client, kind: BudgetKind): void;
  readonly reporter: Reporter;
  readonly budgets: Budgets;
  readonly log: Logger;
  /** Largest accepted message in bytes. */
  readonly maxMessageBytes: number;
  /** Messages one tab may have in flight before further ones are refused with DD_FLOOD. */
  readonly maxInflight: number;
}

export class Inbox {
  readonly inputGuards: InputGuard[] = [];
  readonly inputListeners: InputListener[] = [];

  constructor(private readonly d: InboxDeps) {}

  get maxMessageBytes(): number {
    return this.d.maxMessageBytes;
  }

  handle(client: Client, raw: unknown): void {
    if (!client.connected) return;
    const d = this.d;
    client.messagesIn++;
    // Every message, good or refused, waits in the tab's queue for its ack: a tab that sends
    // faster than it is served (and keeps going past the DD_FLOOD refusals) is closed.
    if (client.queue.waiting >= d.budgets.maxQueued) return d.closeOverBudget(client, "queued");
    const parsed = parseMessage(raw, d.maxMessageBytes);
    if ("error" in parsed) return this.refuse(client, parsed.error, parsed.seq);
    const { id, values, seq } = parsed;
    const comp = d.components.get(id);
    if (!comp?.spec.input) {
      const what = comp
        ? `${comp.spec.type} "${id}" does not send values.`
        : `a message named the component "${id}", which does not exist.`;
      const fix = "reload the page: it may be older than the server's layout";
      return this.refuse(
        client,
        new DashDevicesError(comp ? "DD_BAD_MESSAGE" : "DD_UNKNOWN_ID", {
          what,
          expected: `${HEADER.source} naming a control of this page`,
          found: describe(id),
          fix,
        }),
        seq,
      );
    }
    const current = d.currentProps(id, client);
    if (current.disabled) {
      return this.refuse(
        client,
        new DashDevicesError("DD_DISABLED", {
          what: `"${id}" is disabled.`,
          expected: "changes to enabled controls only",
          found: describe(values),
          fix: "enable the control first",
        }),
        seq,
      );
    }
    if (client.inflight >= d.maxInflight) {
      // Not an invalid message: a fast tab recovers once its backlog is served (maxQueued bounds it).
      return this.refuse(
        client,
        new DashDevicesError("DD_FLOOD", {
          what: "too many messages are waiting for this tab.",
          expected: `at most ${d.maxInflight} unanswered messages`,
          found: `${client.inflight}`,
          fix: "slow down; the message was dropped",
        }),
        seq,
        false,
      );
    }
    let changed: Props;
    try {
      changed = comp.spec.input.read(values, current);
    } catch (e) {
      return this.refuse(client, e, seq);
    }
    if (this.inputGuards.length) {
      const keys = Object.keys(changed).map((prop) => `${id}.${prop}`);
      for (const guard of this.inputGuards) {
        const refused = guard(client, id, keys);
        if (refused) {
          d.writer.send(client, id); // the control snaps back to the value the server has
          // Not counted as invalid: a viewer dragging a control it may not drive sends many.
          return this.refuse(client, refused, seq, false);
        }
      }
    }
    this.apply(client, id, changed, seq);
  }

  /** Writes an accepted change: shared keys now (their chain queued in order), the tab's own in its queue. */
  private apply(client: Client, id: string, changed: Props, seq: number): void {
    const d = this.d;
    const sharedCh: Change[] = [];
    const ownCh: Change[] = [];
    for (const prop of Object.keys(changed)) {
      (d.graph.sharedKeys.has(`${id}.${prop}`) ? sharedCh : ownCh).push({ id, prop, value: changed[prop] });
    }
    client.inflight++;
    if (seq && d.components.hasType("dcc.Loading")) this.announceLoading(client, id, Object.keys(changed), seq);
    // Shared changes are echoed to the sender too: if another tab's change crossed this one on the
    // wire, the sender must end up showing what the server ended with (its glue ignores the echo
    // while the user is still dragging or typing, and settles afterwards).
    const sharedDone = sharedCh.length ? d.sharedChain(d.writer.write(sharedCh, undefined), client) : undefined;
    const own = ownCh.length ? d.writer.write(ownCh, client, client) : undefined;
    for (const l of this.inputListeners) {
      try {
        l(client, id, changed, sharedCh.length > 0);
      } catch (e) {
        d.log.error("listener.error", { error: e as Error });
      }
    }
    client.queue.push(async () => {
      try {
        if (sharedDone) await sharedDone;
        if (own) await d.clientChain(client, own);
      } finally {
        client.inflight--;
        if (seq) client.outbox.putAck(seq);
      }
    });
  }

  /**
   * For dcc.Loading: tells the tab which outputs this message will recompute, so a spinner around
   * them shows until the ack (the glue marks them pending with the message's number).
   */
  private announceLoading(client: Client, id: string, props: string[], seq: number): void {
    const ids = new Set<string>();
    for (const p of props) for (const cb of this.d.graph.triggeredBy(`${id}.${p}`)) for (const o of cb.outputs) ids.add(o.id);
    if (ids.size) client.outbox.putField("loading", { ids: [...ids], seq });
  }

  /**
   * Tells the tab what was wrong with its message; acks it in order so its control stops pending.
   * A message no correct page sends (`invalid`) spends a token of the tab's budget: past it the
   * tab is closed instead.
   */
  private refuse(client: Client, e: unknown, seq: number, invalid = true): void {
    if (invalid && !takeInvalidToken(client, this.d.budgets, performance.now())) return this.d.closeOverBudget(client, "invalid");
    this.d.reporter.reportError(e, client);
    if (seq) client.queue.push(() => client.outbox.putAck(seq));
  }
}
