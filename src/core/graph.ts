/**
 * @module graph
 * The callback graph: parses `callback(...)` arguments, validates them at registration (order of
 * dependencies, argument count, duplicate outputs, cycles) and at start-up (unknown ids and props),
 * and orders callbacks so a chain runs each callback once, after everything it depends on.
 */

import { hasProp, type ComponentSpec } from "./component.ts";
import { InputDep, OutputDep, StateDep, type AnyDep } from "./dependencies.ts";
import { DashDevicesError, describe } from "./errors.ts";
import { Services, type Service } from "./services.ts";
import { isRole, roleRank, ROLES } from "./roles.ts";

// biome-ignore lint: user callbacks take any arguments.
export type CallbackFn = (...args: any[]) => unknown;

type Dep = InputDep | OutputDep | StateDep;
/** One dependency, a list of them, or null (first: "no output"). */
export type DepArg = Dep | readonly Dep[] | null;
/** `(outputs, inputs, states?, fn, options?)`, or Dash's flat form `(Output, Input, Input, fn)`. */
export type CallbackArgs = [...deps: DepArg[], fn: CallbackFn] | [...deps: DepArg[], fn: CallbackFn, options: CallbackOptions | undefined];

export interface CallbackOptions {
  /** A preset from `Services` or any combination of its fields. */
  service?: Partial<Service>;
  /** Skip the first call (at server start for shared, per client for regular). */
  preventInitialCall?: boolean;
  /** Shown in logs and errors; defaults to the function's name. */
  name?: string;
  /** Role a tab needs for its changes to trigger this callback ("viewer", "operator", "admin"). */
  role?: string;
}

export interface CallbackDef {
  readonly index: number;
  readonly name: string;
  readonly outputs: readonly OutputDep[];
  /** Outputs were declared as an array: the callback returns an array. */
  readonly multi: boolean;
  readonly inputs: readonly InputDep[];
  readonly states: readonly StateDep[];
  readonly fn: CallbackFn;
  readonly service: Service;
  readonly preventInitialCall: boolean;
  /** Role needed to trigger it from a tab (checked by the server's access rules). */
  readonly role: string | undefined;
  /** Topological rank: a callback runs after every callback with a lower rank it depends on. */
  rank: number;
}

const ORDER = { Output: 0, Input: 1, State: 2 } as const;

/** Where a value written by a tab can go (see {@link CallbackGraph.reach}). */
export interface Reach {
  /** The highest role asked for by a callback the value reaches; undefined when none asks. */
  role: string | undefined;
  /** The callback that asks for `role` (for error messages). */
  roleBy: string | undefined;
  /** The value reaches a shared callback or a shared value: it can change what every tab sees or the device does. */
  shared: boolean;
}

/**
 * Parses `(outputs, inputs, states?, fn, options?)`. Any of the dependency arguments may be one
 * dependency or an array; `null` first means "no output". Dash's flat form
 * `(Output, Input, Input, fn)` works too.
 */
export function parseCallbackArgs(args: unknown[], index: number, defaultService: Service): CallbackDef {
  const fnAt = args.findIndex((a) => typeof a === "function");
  if (fnAt < 0) {
    throw new DashDevicesError("DD_BAD_DEPENDENCY", {
      what: "callback was registered without a function.",
      expected: "callback(Output(...), Input(...), [State(...)], (value, ctx) => ...)",
      found: `${args.length} arguments: ${args.map((a) => describe(a, 40)).join(", ")}`,
      fix: "pass the callback function after the dependencies",
    });
  }
  const fn = args[fnAt] as CallbackFn;
  const rest = args.slice(fnAt + 1).filter((a) => a !== undefined);
  if (rest.length > 1 || (rest.length === 1 && (typeof rest[0] !== "object" || rest[0] === null || Array.isArray(rest[0])))) {
    throw new DashDevicesError("DD_BAD_OPTION", {
      what: `callback ${fn.name || `#${index}`} has unexpected arguments after the function.`,
      expected: "at most one options object, e.g. { preventInitialCall: true }",
      found: rest.map((a) => describe(a, 40)).join(", "),
      fix: "put dependencies before the function and options after it",
    });
  }
  const options = (rest[0] ?? {}) as CallbackOptions;
  const name = options.name ?? (fn.name || `callback #${index}`);

  const head = args.slice(0, fnAt);
  const noOutput = head[0] === null;
  const multi = Array.isArray(head[0]) && (head[0] as unknown[]).every((d) => d instanceof OutputDep);
  const deps: AnyDep[] = [];
  for (const a of noOutput ? head.slice(1) : head) {
    for (const d of Array.isArray(a) ? a : [a]) {
      if (!(d instanceof InputDep || d instanceof StateDep || d instanceof OutputDep)) {
        throw new DashDevicesError("DD_BAD_DEPENDENCY", {
          what: `callback "${name}" has an argument that is not an Input, Output or State.`,
          expected: 'Output("id", "prop"), Input("id", "prop") or State("id", "prop")',
          found: describe(d),
          fix: 'wrap ids in Input/Output/State, e.g. Input("slider", "value")',
        });
      }
      if (d instanceof OutputDep && d.hasValue) {
        throw new DashDevicesError("DD_BAD_DEPENDENCY", {
          what: `callback "${name}" declares an Output with a value.`,
          expected: 'Output("id", "prop") when declaring; Output("id", "prop", value) only when returning',
          found: d.toString(),
          fix: "drop the third argument in the declaration",
        });
      }
      if (typeof d.id !== "string" || !d.id || typeof d.prop !== "string" || !d.prop) {
        throw new DashDevicesError("DD_BAD_DEPENDENCY", {
          what: `callback "${name}" has a dependency without a string id and prop.`,
          expected: 'Input("slider", "value")',
          found: `${d.kind}(${describe(d.id)}, ${describe(d.prop)})`,
          fix: "give both the component id and the property name as strings",
        });
      }
      deps.push(d);
    }
  }
  for (let i = 1; i < deps.length; i++) {
    const prev = deps[i - 1]!, cur = deps[i]!;
    if (ORDER[cur.kind] < ORDER[prev.kind]) {
      throw new DashDevicesError("DD_ARG_ORDER", {
        what: `callback "${name}" mixes the order of its dependencies.`,
        expected: "all Outputs first, then all Inputs, then all States",
        found: `after ${prev} came ${cur}`,
        fix: "reorder the arguments: outputs, inputs, states, function",
      });
    }
  }
  if (noOutput && deps.some((d) => d instanceof OutputDep)) {
    throw new DashDevicesError("DD_ARG_ORDER", {
      what: `callback "${name}" passes null for "no output" and then an Output.`,
      expected: "either null (no output) or Outputs, not both",
      found: deps.filter((d) => d instanceof OutputDep).map(String).join(", "),
      fix: "remove null or remove the Outputs",
    });
  }
  const outputs = deps.filter((d): d is OutputDep => d instanceof OutputDep);
  const inputs = deps.filter((d): d is InputDep => d instanceof InputDep);
  const states = deps.filter((d): d is StateDep => d instanceof StateDep);
  if (!inputs.length) {
    throw new DashDevicesError("DD_BAD_DEPENDENCY", {
      what: `callback "${name}" has no Input.`,
      expected: "at least one Input that triggers it",
      found: deps.length ? deps.map(String).join(", ") : "no dependencies",
      fix: 'add an Input, e.g. Input("slider", "value"); for timers use dcc.Interval',
    });
  }
  if (!noOutput && !outputs.length) {
    throw new DashDevicesError("DD_BAD_DEPENDENCY", {
      what: `callback "${name}" has no Output.`,
      expected: "one or more Outputs, or null first for a callback without output",
      found: deps.map(String).join(", "),
      fix: "add Output(...) first, or pass null as the first argument",
    });
  }
  const nArgs = inputs.length + states.length;
  if (fn.length > nArgs + 1) {
    throw new DashDevicesError("DD_ARITY", {
      what: `callback "${name}" takes more arguments than it will be given.`,
      expected: `${nArgs} argument(s) (one per Input and State, in order), plus an optional context`,
      found: `a function of ${fn.length} parameters`,
      fix: "add the missing Input/State, or remove parameters",
    });
  }
  const seen = new Set<string>();
  for (const o of outputs) {
    if (seen.has(o.key)) {
      throw new DashDevicesError("DD_DUPLICATE_OUTPUT", {
        what: `callback "${name}" lists the output ${o} twice.`,
        expected: "each output once",
        found: outputs.map(String).join(", "),
        fix: "remove the repeated Output",
      });
    }
    seen.add(o.key);
  }
  for (const i of inputs) {
    if (seen.has(i.key)) {
      throw new DashDevicesError("DD_CYCLE", {
        what: `callback "${name}" has ${i.key} as both Input and Output: it would trigger itself forever.`,
        expected: "an output that is not one of the callback's own inputs",
        found: `Input and Output ${i.key}`,
        fix: "use State for the value you read, or return Output(...) alternate outputs",
      });
    }
  }
  const service = { ...defaultService, ...(options.service ?? {}) } as Service;
  if (service.mostRecent && !service.serialized) {
    throw new DashDevicesError("DD_BAD_OPTION", {
      what: `callback "${name}" asks for mostRecent without serialized.`,
      expected: "mostRecent only together with serialized: true",
      found: JSON.stringify(service),
      fix: "use Services.SHARED_MOST_RECENT or set serialized: true",
    });
  }
  const preventInitialCall = !!options.preventInitialCall || noOutput || service.initialCall === "none";
  if (options.role !== undefined && !isRole(options.role)) {
    throw new DashDevicesError("DD_BAD_OPTION", {
      what: `callback "${name}" asks for an unknown role.`,
      expected: ROLES.map((r) => JSON.stringify(r)).join(", "),
      found: JSON.stringify(options.role),
      fix: 'e.g. { role: "operator" }',
    });
  }
  return { index, name, outputs, multi, inputs, states, fn, service, preventInitialCall, role: options.role, rank: 0 };
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
