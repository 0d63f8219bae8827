/**
 * @module chains
 * The scheduler of callbacks: which ones a change triggers, in what order (rank by rank, so each
 * runs once, after everything it depends on), with which arguments and context, and where their
 * outputs go. Shared chains run on the server and reach every tab; a tab's own chain runs in its
 * queue. It is given small interfaces (ChainDeps: the graph and runners, values, a writer, a
 * reporter, the tabs), never the runtime, and none of them calls back into it.
 */

import { DashDevicesError } from "./errors.ts";
import type { CallbackDef } from "./graph.ts";
import type { Call, Outcome } from "./invoke.ts";
import type { Client } from "./client.ts";
import type { ComponentLookup } from "./component-index.ts";
import type { Callbacks } from "./registry.ts";
import type { Change, ValueLookup } from "./stores.ts";
import type { Scoped, Writer } from "./fan-out.ts";
import type { Reporter } from "./report.ts";

/** What the chains need, each from the part that owns it; none of them calls back into the chains. */
export interface ChainDeps {
  /** The graph (which callbacks a key triggers) and each callback's runner (its lock). */
  readonly callbacks: Callbacks;
  /** Arguments: values as the tab (or the shared state) sees them. */
  readonly values: ValueLookup;
  /** Alternate outputs must name components that exist. */
  readonly components: ComponentLookup;
  /** Where outputs go: the stores, then whoever sees them. */
  readonly writer: Writer;
  readonly reporter: Reporter;
  /** The connected tabs: regular callbacks fed by a shared key run for each. */
  readonly clients: Iterable<Client>;
}

export class Chains {
  private readonly graph: Callbacks["graph"];

  constructor(private readonly d: ChainDeps) {
    this.graph = d.callbacks.graph;
  }

  makeCall(cb: CallbackDef, client: Client | undefined, changed: ReadonlySet<string> | undefined): Call {
    const inputs: Record<string, unknown> = {};
    const states: Record<string, unknown> = {};
    const args: unknown[] = [];
    const triggered = [];
    for (const d of cb.inputs) {
      const v = this.d.values.value(d.id, d.prop, client);
      inputs[d.key] = v;
      args.push(v);
      if (changed?.has(d.key)) triggered.push({ prop_id: d.key, value: v });
    }
    for (const d of cb.states) {
      const v = this.d.values.value(d.id, d.prop, client);
      states[d.key] = v;
      args.push(v);
    }
    const ctx = {
      triggered: triggered.length ? triggered : [{ prop_id: ".", value: null }],
      triggeredId: triggered.length ? triggered[0]!.prop_id.slice(0, triggered[0]!.prop_id.lastIndexOf(".")) : undefined,
      inputs,
      states,
      client,
      outputs: cb.outputs,
    };
    return { args, ctx };
  }

  /** Checks alternate outputs name real components and props before anything is written. */
  private checkChanges(cb: CallbackDef, changes: Change[]): void {
    for (const ch of changes) {
      const comp = this.d.components.get(ch.id);
      if (!comp) {
        throw new DashDevicesError("DD_UNKNOWN_ID", {
          what: `callback "${cb.name}" returned an output for "${ch.id}", which is not a component.`,
          expected: "an id from the layout",
          found: `Output(${JSON.stringify(ch.id)}, ${JSON.stringify(ch.prop)}, ...)`,
          fix: "check the id of the returned Output",
        });
      }
    }
  }

  settle(cb: CallbackDef, outcome: Outcome, client: Client | undefined): Scoped {
    if (outcome.kind === "changes") {
      try {
        this.checkChanges(cb, outcome.changes);
        return this.d.writer.scoped(cb, outcome.changes, client);
      } catch (e) {
        this.d.reporter.reportError(e, client, cb);
      }
    } else if (outcome.kind === "error") this.d.reporter.reportError(outcome.error, client, cb);
    return { shared: [], own: [] };
  }

  /**
   * Runs the shared callbacks triggered by changed shared keys, in rank order, on the server; their
   * outputs go to everyone. The first round enters the callbacks' locks before this returns.
   */
  shared(keys: string[], origin: Client | undefined): Promise<void> {
    this.fanOutRegular(keys);
    const pending = new Set<CallbackDef>();
    const changed = new Set<string>(keys);
    for (const k of keys) for (const cb of this.graph.triggeredBy(k)) if (cb.service.shared) pending.add(cb);
    if (!pending.size) return Promise.resolve();
    const round = (): Promise<void> => {
      if (!pending.size) return Promise.resolve();
      const batch = takeLowestRank(pending);
      const now = new Set(changed);
      const runs = batch.map((cb) =>
        this.d.callbacks
          .runner(cb)
          .call(this.makeCall(cb, origin, now))
          .then((o) => ({ cb, o })),
      );
      return Promise.all(runs).then(async (results) => {
        for (const { cb, o } of results) {
          const { shared, own } = this.settle(cb, o, origin);
          for (const k of shared) {
            changed.add(k);
            for (const next of this.graph.triggeredBy(k)) if (next.service.shared) pending.add(next);
          }
          this.fanOutRegular(shared);
          if (own.length && origin) await this.client(origin, own);
        }
        return round();
      });
    };
    return round();
  }

  /** Regular callbacks listening to shared keys run for every tab, in that tab's queue. */
  fanOutRegular(keys: string[]): void {
    if (!keys.some((k) => this.graph.triggeredBy(k).some((cb) => !cb.service.shared))) return;
    for (const c of this.d.clients) c.queue.push(() => this.client(c, keys));
  }

  /**
   * Runs the per-tab callbacks triggered by `keys` for one tab, in rank order. With `initial`,
   * runs every callback that has a first call per client instead.
   */
  async client(client: Client, keys: string[], initial = false): Promise<void> {
    const pending = new Set<CallbackDef>();
    const changed = new Set<string>(keys);
    if (initial) {
      for (const cb of this.graph.callbacks) if (cb.service.initialCall === "client" && !cb.preventInitialCall) pending.add(cb);
    } else {
      for (const k of keys) for (const cb of this.graph.triggeredBy(k)) if (!cb.service.shared) pending.add(cb);
    }
    while (pending.size && client.connected) {
      const batch = takeLowestRank(pending);
      const now = new Set(changed);
      const results = await Promise.all(
        batch.map((cb) =>
          this.d.callbacks
            .runner(cb)
            .call(this.makeCall(cb, client, initial ? undefined : now))
            .then((o) => ({ cb, o })),
        ),
      );
      for (const { cb, o } of results) {
        const { shared, own } = this.settle(cb, o, client);
        for (const k of own) {
          changed.add(k);
          for (const next of this.graph.triggeredBy(k)) if (!next.service.shared) pending.add(next);
        }
        if (shared.length) await this.shared(shared, client);
      }
    }
  }

  /** First calls of shared callbacks, once, at server start, in rank order. */
  async initialShared(): Promise<void> {
    const pending = new Set(
      this.graph.callbacks.filter((cb) => cb.service.shared && cb.service.initialCall === "server" && !cb.preventInitialCall),
    );
    while (pending.size) {
      const batch = takeLowestRank(pending);
      const results = await Promise.all(
        batch.map((cb) =>
          this.d.callbacks
            .runner(cb)
            .call(this.makeCall(cb, undefined, undefined))
            .then((o) => ({ cb, o })),
        ),
      );
      for (const { cb, o } of results) this.settle(cb, o, undefined);
    }
  }
}

function takeLowestRank(pending: Set<CallbackDef>): CallbackDef[] {
  let min = Infinity;
  for (const cb of pending) if (cb.rank < min) min = cb.rank;
  const batch: CallbackDef[] = [];
  for (const cb of pending) if (cb.rank === min) batch.push(cb);
  for (const cb of batch) pending.delete(cb);
  return batch.sort((a, b) => a.index - b.index);
}
