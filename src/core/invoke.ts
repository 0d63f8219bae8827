/**
 * @module invoke
 * Calling one user callback: builds its context, runs it (sync or async, under its lock when
 * serialized, collapsing a backlog when "most recent"), and turns what it returned into a list
 * of property changes, checking the shape (output count, alternate outputs) with clear errors.
 */

import { DashDevicesError, describe } from "./errors.ts";
import { isAlternateOutputs, isPreventUpdate, noUpdate, type OutputDep } from "./dependencies.ts";
import type { CallbackDef } from "./graph.ts";
import type { Client } from "./client.ts";
import { SerialQueue } from "./serial.ts";

export interface Change {
  id: string;
  prop: string;
  value: unknown;
}

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

/** Runs calls of one callback according to its service (concurrent, serialized, most recent). */
export class CallbackRunner {
  private readonly lock: SerialQueue | undefined;
  private latest: { call: Call; waiters: ((o: Outcome) => void)[] } | undefined;

  constructor(readonly cb: CallbackDef) {
    if (cb.service.serialized) this.lock = new SerialQueue();
  }

  /**
   * Queues a call. The call's arguments are fixed now, so serialized calls run in the order they
   * were requested with the values of that moment.
   */
  call(call: Call): Promise<Outcome> {
    if (!this.lock) return invoke(this.cb, call);
    if (!this.cb.service.mostRecent) return this.lock.run(() => invoke(this.cb, call));
    return new Promise<Outcome>((resolve) => {
      if (this.latest) {
        // A call is already waiting: it is superseded by this newer one.
        for (const w of this.latest.waiters) w({ kind: "superseded" });
        this.latest = { call, waiters: [resolve] };
        return;
      }
      this.latest = { call, waiters: [resolve] };
      this.lock!.push(async () => {
        const next = this.latest!;
        this.latest = undefined;
        const outcome = await invoke(this.cb, next.call);
        for (const w of next.waiters) w(outcome);
      });
    });
  }
}

/** Runs the callback once and normalizes its result. Never throws. */
export async function invoke(cb: CallbackDef, { args, ctx }: Call): Promise<Outcome> {
  let result: unknown;
  try {
    result = cb.fn(...args, ctx);
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
