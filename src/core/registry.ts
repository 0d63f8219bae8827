/**
 * @module registry
 * The callbacks of one app: the server callbacks (their graph and one runner each, which holds the
 * lock and the most-recent cap), the clientside callbacks, and the check, at start and at every
 * later registration, that they only use ids and props the layout has. It also owns the
 * blocking-callback warning: one log line per callback that held the event loop.
 */

import type { ComponentIndex } from "./component-index.ts";
import { DashDevicesError, describe } from "./errors.ts";
import { CallbackGraph, parseCallbackArgs, type CallbackDef } from "./graph.ts";
import { CallbackRunner, type BlockingWatch } from "./invoke.ts";
import type { Logger } from "./log.ts";
import { Services } from "./services.ts";
import { parseClientside, type ClientsideDef } from "./clientside.ts";

/** What the chains read of the registry: the graph and one runner per callback. */
export interface Callbacks {
  readonly graph: CallbackGraph;
  runner(cb: CallbackDef): CallbackRunner;
}

export class CallbackRegistry implements Callbacks {
  readonly graph = new CallbackGraph();
  /** Callbacks that run in the browser. */
  readonly clientside: ClientsideDef[] = [];
  /** One runner (lock, most-recent) per callback. */
  readonly runners = new Map<CallbackDef, CallbackRunner>();
  suppressCallbackExceptions = false;
  /** Set once the app runs: later registrations are validated right away. */
  started = false;
  /** Times each call's synchronous part; undefined when slowCallbackMs is 0. */
  private readonly blockingWatch: BlockingWatch | undefined;
  /** Callbacks already reported as blocking: one line each, not one per call. */
  private readonly blockingReported = new WeakSet<CallbackDef>();

  constructor(
    private readonly components: ComponentIndex,
    private readonly maxWaitingCalls: number,
    slowCallbackMs: number | undefined,
    private readonly log: () => Logger,
  ) {
    const slow = slowCallbackMs ?? 50;
    if (typeof slow !== "number" || !(slow >= 0) || slow === Infinity) {
      throw new DashDevicesError("DD_BAD_OPTION", {
        what: "slowCallbackMs must be a number of milliseconds.",
        expected: "a finite number >= 0 (default 50; 0 turns the blocking-callback warning off)",
        found: describe(slowCallbackMs),
        fix: "pass e.g. new App({ slowCallbackMs: 100 }), or leave it out",
      });
    }
    this.blockingWatch = slow > 0 ? { thresholdMs: slow, blocked: (cb, ms) => this.reportBlocking(cb, ms) } : undefined;
  }

  runner(cb: CallbackDef): CallbackRunner {
    return this.runners.get(cb)!;
  }

  add(args: unknown[], shared: boolean): CallbackDef {
    const def = parseCallbackArgs(args, this.graph.callbacks.length + 1, shared ? Services.SHARED : Services.REGULAR);
    this.graph.add(def);
    this.runners.set(def, new CallbackRunner(def, this.maxWaitingCalls, this.blockingWatch));
    if (this.started) this.validate();
    return def;
  }

  addClientside(args: unknown[]): ClientsideDef {
    const def = parseClientside(args);
    for (const o of def.outputs) {
      const server = this.graph.outputOf(o.key);
      const other = this.clientside.find((c) => c.outputs.some((x) => x.key === o.key));
      if (server || other) {
        throw new DashDevicesError("DD_DUPLICATE_OUTPUT", {
          what: `the output ${o.key} is set by a clientside callback and by ${server ? `the callback "${server.name}"` : "another clientside callback"}.`,
          expected: "each output set by one callback",
          found: `two callbacks setting ${o.key}`,
          fix: "keep one of them",
        });
      }
    }
    this.clientside.push(def);
    return def;
  }

  /** Indexes every component of the layout and checks that callbacks only use ids and props that exist. */
  validate(): void {
    const known = this.components.scan();
    // A shared dcc.Store is one copy for every tab, whichever callback writes it.
    for (const [id, c] of this.components.map)
      if (c.spec.type === "dcc.Store" && c.props.storage_type === "shared") this.graph.sharedKeys.add(`${id}.data`);
    if (this.suppressCallbackExceptions) return;
    const lookup = (id: string) => known.get(id) ?? this.components.get(id)?.spec;
    this.graph.validateIds(lookup);
    for (const d of this.clientside) {
      for (const dep of [...d.outputs, ...d.inputs, ...d.states]) {
        if (!lookup(dep.id)) {
          throw new DashDevicesError("DD_UNKNOWN_ID", {
            what: `a clientside callback uses ${dep}, but no component has the id "${dep.id}".`,
            expected: "an id that appears in app.layout",
            found: `"${dep.id}"`,
            fix: "check the spelling, or add the component to app.validationLayout",
          });
        }
      }
    }
  }

  /** A callback held the event loop (every tab and timer waited): say so once, with what to do. */
  private reportBlocking(cb: CallbackDef, ms: number): void {
    if (this.blockingReported.has(cb)) return;
    this.blockingReported.add(cb);
    this.log().warn("callback.blocking", {
      callback: cb.name,
      ms: Math.round(ms * 10) / 10,
      thresholdMs: this.blockingWatch!.thresholdMs,
      hint: "it held the event loop and every tab waited: make it async and await the device calls (bus.readByte, not readByteSync: they run on the device thread), move long work off the loop; logged once per callback",
    });
  }
}
