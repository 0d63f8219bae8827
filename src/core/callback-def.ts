/**
 * @module callback-def
 * One callback, as registered: parses `callback(...)` arguments into a `CallbackDef` and checks
 * them on their own (order of dependencies, argument count, duplicate outputs, an output that is
 * its own input, options). The graph of all callbacks (graph.ts) checks what needs the others.
 */

import { InputDep, OutputDep, StateDep, type AnyDep } from "./dependencies.ts";
import { DashDevicesError, describe } from "./errors.ts";
import type { Service } from "./services.ts";
import { isRole, ROLES } from "./roles.ts";

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
    const prev = deps[i - 1]!,
      cur = deps[i]!;
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
      found: deps
        .filter((d) => d instanceof OutputDep)
        .map(String)
        .join(", "),
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
