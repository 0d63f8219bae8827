/**
 * @module graph
 * The callback graph: the registered callbacks of one app (each parsed by callback-def.ts),
 * validated against each other at registration (one output per callback, no cycles) and at
 * start-up (unknown ids and props), ranked so a chain runs each callback once, after everything it
 * depends on, and asked where a tab's value can reach (roles, shared state).
 */

import { hasProp, type ComponentSpec } from "./component.ts";
import type { OutputDep } from "./dependencies.ts";
import { DashDevicesError } from "./errors.ts";
import { Services } from "./services.ts";
import { roleRank } from "./roles.ts";
import type { CallbackDef } from "./callback-def.ts";

export {
  parseCallbackArgs,
  type CallbackArgs,
  type CallbackDef,
  type CallbackFn,
  type CallbackOptions,
  type DepArg,
} from "./callback-def.ts";

/** Where a value written by a tab can go (see {@link CallbackGraph.reach}). */
export interface Reach {
  /** The highest role asked for by a callback the value reaches; undefined when none asks. */
  role: string | undefined;
  /** The callback that asks for `role` (for error messages). */
  roleBy: string | undefined;
  /** The value reaches a shared callback or a shared value: it can change what every tab sees or the device does. */
  shared: boolean;
}

/** The registered callbacks of one app, indexed by the properties they read and write. */
export class CallbackGraph {
  readonly callbacks: CallbackDef[] = [];
  private readonly byInput = new Map<string, CallbackDef[]>();
  private readonly byOutput = new Map<string, CallbackDef>();
  /** Callbacks reading a key as Input or State. */
  private readonly byReader = new Map<string, CallbackDef[]>();
  /** reach() per key, computed on first use; cleared when a callback is added. */
  private readonly reaches = new Map<string, Reach>();
  /** Keys ("id.prop") that belong to the shared state. */
  readonly sharedKeys = new Set<string>();
  private static readonly none: readonly CallbackDef[] = [];

  add(def: CallbackDef): void {
    for (const o of def.outputs) {
      const other = this.byOutput.get(o.key);
      if (other) {
        throw new DashDevicesError("DD_DUPLICATE_OUTPUT", {
          what: `the output ${o.key} is set by two callbacks.`,
          expected: "each output set by one callback",
          found: `"${other.name}" and "${def.name}"`,
          fix: `merge them into one callback, or have one of them return Output("${o.id}", "${o.prop}", value) as an alternate output`,
        });
      }
    }
    const path = this.findCycle(def);
    if (path) {
      throw new DashDevicesError("DD_CYCLE", {
        what: `callback "${def.name}" closes a loop: its outputs feed back into its inputs.`,
        expected: "callbacks that form a chain without loops",
        found: path.join(" -> "),
        fix: "break the loop: read one of the values as State instead of Input",
      });
    }
    this.callbacks.push(def);
    for (const o of def.outputs) this.byOutput.set(o.key, def);
    for (const i of def.inputs) {
      const list = this.byInput.get(i.key);
      if (list) list.push(def);
      else this.byInput.set(i.key, [def]);
    }
    for (const d of [...def.inputs, ...def.states]) {
      const list = this.byReader.get(d.key);
      if (!list) this.byReader.set(d.key, [def]);
      else if (!list.includes(def)) list.push(def);
    }
    this.reaches.clear();
    if (def.service.shared) for (const d of [...def.inputs, ...def.outputs]) this.sharedKeys.add(d.key);
    this.rank();
  }

  triggeredBy(key: string): readonly CallbackDef[] {
    return this.byInput.get(key) ?? CallbackGraph.none;
  }

  outputOf(key: string): CallbackDef | undefined {
    return this.byOutput.get(key);
  }

  /**
   * Where a value a tab writes can go: every callback that reads it, as Input or as State, and,
   * through their outputs, every callback downstream of those. A value read only as State still
   * decides what its callback does the next time anyone triggers it, so a value that reaches a
   * callback with `{ role }` needs that role to be written (the server's access rules), and one that
   * reaches a shared callback or value is a control of the device (the control lease). Computed
   * once per key and cached, not walked per message.
   */
  reach(key: string): Reach {
    let r = this.reaches.get(key);
    if (r) return r;
    r = { role: undefined, roleBy: undefined, shared: this.sharedKeys.has(key) && this.byReader.has(key) };
    const seenKeys = new Set<string>([key]);
    const seenCbs = new Set<CallbackDef>();
    const todo = [key];
    while (todo.length) {
      for (const cb of this.byReader.get(todo.pop()!) ?? []) {
        if (seenCbs.has(cb)) continue;
        seenCbs.add(cb);
        if (cb.service.shared) r.shared = true;
        if (cb.role && roleRank(cb.role) > roleRank(r.role)) {
          r.role = cb.role;
          r.roleBy = cb.name;
        }
        for (const o of cb.outputs) {
          if (this.sharedKeys.has(o.key)) r.shared = true;
          if (!seenKeys.has(o.key)) {
            seenKeys.add(o.key);
            todo.push(o.key);
          }
        }
      }
    }
    this.reaches.set(key, r);
    return r;
  }

  /** The role a tab needs to write this key (see {@link reach}); undefined when none. */
  neededRole(key: string): string | undefined {
    return this.reach(key).role;
  }

  /** Keys some callback reads (as Input or State). */
  readKeys(): IterableIterator<string> {
    return this.byReader.keys();
  }

  /** True if some callback listens to this key. */
  isInput(key: string): boolean {
    return this.byInput.has(key);
  }

  /** Every id.prop the callbacks use must exist; called when the layout is known. */
  validateIds(lookup: (id: string) => ComponentSpec | undefined): void {
    for (const cb of this.callbacks) {
      for (const d of [...cb.outputs, ...cb.inputs, ...cb.states]) {
        const spec = lookup(d.id);
        if (!spec) {
          throw new DashDevicesError("DD_UNKNOWN_ID", {
            what: `callback "${cb.name}" uses ${d}, but no component has the id "${d.id}".`,
            expected: "an id that appears in app.layout",
            found: `"${d.id}"${nearest(d.id, lookup) ?? ""}`,
            fix: "check the spelling; if a callback creates the component later, add it to app.validationLayout (or set suppressCallbackExceptions: true)",
          });
        }
        if (!hasProp(spec, d.prop)) {
          throw new DashDevicesError("DD_UNKNOWN_PROP", {
            what: `callback "${cb.name}" uses ${d}, but ${spec.type} has no prop "${d.prop}".`,
            expected: `one of: ${spec.props.join(", ")}, children, style, className, disabled, hidden`,
            found: d.prop,
            fix: "check the property name",
          });
        }
      }
    }
  }

  /** Depth-first search from def's outputs back to def's inputs. Returns the loop or null. */
  private findCycle(def: CallbackDef): string[] | null {
    const targets = new Set(def.inputs.map((i) => i.key));
    const visit = (keys: readonly OutputDep[], path: string[], seen: Set<CallbackDef>): string[] | null => {
      for (const o of keys) {
        if (targets.has(o.key)) return [...path, o.key];
        for (const next of this.triggeredBy(o.key)) {
          if (seen.has(next)) continue;
          seen.add(next);
          const found = visit(next.outputs, [...path, o.key, `"${next.name}"`], seen);
          if (found) return found;
        }
      }
      return null;
    };
    return visit(def.outputs, [`"${def.name}"`], new Set());
  }

  /** Longest-path ranks: a callback's rank is 1 + the highest rank of the callbacks feeding it. */
  private rank(): void {
    const memo = new Map<CallbackDef, number>();
    const rankOf = (cb: CallbackDef): number => {
      const known = memo.get(cb);
      if (known !== undefined) return known;
      memo.set(cb, 0);
      let r = 0;
      for (const i of cb.inputs) {
        const src = this.byOutput.get(i.key);
        if (src) r = Math.max(r, rankOf(src) + 1);
      }
      memo.set(cb, r);
      return r;
    };
    for (const cb of this.callbacks) cb.rank = rankOf(cb);
  }
}

function nearest(id: string, lookup: (id: string) => ComponentSpec | undefined): string | undefined {
  // Cheap hint for the common typo: a different case or separator.
  const variants = [id.toLowerCase(), id.replace(/-/g, "_"), id.replace(/_/g, "-")];
  for (const v of variants) if (v !== id && lookup(v)) return ` (did you mean "${v}"?)`;
  return undefined;
}

export { Services };
