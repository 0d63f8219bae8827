/**
 * @module invoke
 * Calling one user callback: builds its context, runs it (sync or async, under its lock when
 * serialized, collapsing a backlog when "most recent" or longer than its cap), and turns what it
 * returned into a list of property changes, checking the shape (output count, alternate outputs)
 * with clear errors. It also times the part of each call that holds the event loop (a sync
 * callback's whole run, an async one's run up to its first await) for the blocking-callback warning.
 */

import { DashDevicesError, describe } from "./errors.ts";
import { isAlternateOutputs, isPreventUpdate, noUpdate, type OutputDep } from "./dependencies.ts";
import type { CallbackDef } from "./graph.ts";
import type { Client } from "./client.ts";
import { SerialQueue } from "./serial.ts";
import type { Change } from "./stores.ts";

export type { Change };

export interface Triggered {
  /** "id.prop" */
  prop_id: string;
  value: unknown;
}

/** What a callback receives as its last argument. */
export interface CallbackContext {
  /** The inputs that changed and caused this call ("." for the initial call, as in Dash). */
  readonly triggered: readonly Triggered[];
  /** Id of the first triggering component, or undefined on the initial call. */
  readonly triggeredId: string | undefined;
  /** Every Input's value, keyed "id.prop". */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Every State's value, keyed "id.prop". */
  readonly states: Readonly<Record<string, unknown>>;
  /** The client (browser tab) whose action caused this call; undefined at server start or for pushes. */
  readonly client: Client | undefined;
  /** The outputs this callback declared. */
  readonly outputs: readonly OutputDep[];
}

export type Outcome =
  | { kind: "changes"; changes: Change[] }
  | { kind: "prevented" }
  | { kind: "superseded" }
  | { kind: "error"; error: unknown };

export interface Call {
  args: unknown[];
  ctx: CallbackContext;
}

/**
 * Told when a call held the event loop for `thresholdMs` or longer (every tab waits meanwhile).
 * The runtime's logs once per callback.
 */
export interface BlockingWatch {
  readonly thresholdMs: number;
  blocked(cb: CallbackDef, ms: number): void;
}

/** A call waiting in a capped lock; the newest one may still be given a newer call. */
interface Waiting {
  call: Call;
  resolve: (o: Outcome) => void;
}

/**
 * Runs calls of one callback according to its service: concurrent, or serialized under a lock.
 * A serialized callback keeps at most `cap` calls waiting: "most recent" keeps one, a shared
 * callback `maxWaiting` (default: the app's budgets.maxWaitingCalls). Past the cap the newest
 * waiting call is superseded by the new one, which keeps its place at the end of the line: calls
 * still run in the order they were requested, the last one requested always runs (the device
 * ends at the last value received), and whoever sends next waits behind at most `cap` calls.
 * Per-tab views serialized across tabs (S2) are never collapsed: each call has its own tab.
 */
export class CallbackRunner {
  private readonly lock: SerialQueue | undefined;
  /** Calls allowed to wait (not counting the one running); Infinity: every call runs. */
  readonly cap: number;
  private waiting = 0;
  private newest: Waiting | undefined;

  constructor(
    readonly cb: CallbackDef,
    maxWaiting = Infinity,
    private readonly watch?: BlockingWatch,
  ) {
    if (cb.service.serialized) this.lock = new SerialQueue();
    const own = cb.service.maxWaiting;
    this.cap = cb.service.mostRecent ? 1 : cb.service.shared ? Math.max(1, own ?? maxWaiting) : Infinity;
  }

  /** Calls waiting for the lock (not counting the one running). */
  get backlog(): number {
    return this.waiting;
  }

  /**
   * Queues a call. The call's arguments are fixed now, so serialized calls run in the order they
   * were requested with the values of that moment.
   */
  call(call: Call): Promise<Outcome> {
    if (!this.lock) return invoke(this.cb, call, this.watch);
    if (this.cap === Infinity) return this.lock.run(() => invoke(this.cb, call, this.watch));
    return new Promise<Outcome>((resolve) => {
      const last = this.newest;
      if (last && this.waiting >= this.cap) {
        // The line is full: the newest waiting call is superseded by this newer one.
        last.resolve({ kind: "superseded" });
        last.call = call;
        last.resolve = resolve;
        return;
      }
      const entry: Waiting = { call, resolve };
      this.newest = entry;
      this.waiting++;
      this.lock!.push(() => {
        this.waiting--;
        if (this.newest === entry) this.newest = undefined;
        return invoke(this.cb, entry.call, this.watch).then(entry.resolve);
      });
    });
  }
}

/**
 * Runs the callback once and normalizes its result. Never throws. With a `watch`, the synchronous
 * part of the call (until it returns, or an async callback's first await) is timed: two clock reads.
 */
export async function invoke(cb: CallbackDef, { args, ctx }: Call, watch?: BlockingWatch): Promise<Outcome> {
  let result: unknown;
  try {
    const start = watch ? performance.now() : 0;
    try {
      result = cb.fn(...args, ctx);
    } finally {
      if (watch) {
        const ms = performance.now() - start;
        if (ms >= watch.thresholdMs) watch.blocked(cb, ms);
      }
    }
    if (result && typeof (result as Promise<unknown>).then === "function") result = await result;
  } catch (e) {
    return isPreventUpdate(e) ? { kind: "prevented" } : { kind: "error", error: e };
  }
  try {
    return { kind: "changes", changes: toChanges(cb, result) };
  } catch (e) {
    return { kind: "error", error: e };
  }
}

/** Maps a callback's return value to property changes. */
export function toChanges(cb: CallbackDef, result: unknown): Change[] {
  if (isAlternateOutputs(result)) {
    const list = Array.isArray(result) ? result : [result];
    return list.filter((o) => o.value !== noUpdate).map((o) => ({ id: o.id, prop: o.prop, value: o.value }));
  }
  if (!cb.outputs.length) return [];
  if (result === noUpdate) return [];
  if (!cb.multi) {
    const o = cb.outputs[0]!;
    return [{ id: o.id, prop: o.prop, value: result === undefined ? null : result }];
  }
  if (!Array.isArray(result) || result.length !== cb.outputs.length) {
    throw new DashDevicesError("DD_OUTPUT_COUNT", {
      what: `callback "${cb.name}" returned the wrong number of outputs.`,
      expected: `an array of ${cb.outputs.length} values, one per Output (${cb.outputs.map(String).join(", ")}), or noUpdate`,
      found: Array.isArray(result) ? `an array of ${result.length}` : describe(result),
      fix: "return one value per declared Output, in order; use noUpdate for outputs to leave alone",
    });
  }
  const out: Change[] = [];
  for (let i = 0; i < result.length; i++) {
    if (result[i] === noUpdate) continue;
    const o = cb.outputs[i]!;
    out.push({ id: o.id, prop: o.prop, value: result[i] === undefined ? null : result[i] });
  }
  return out;
}
