/**
 * @module clientside
 * Clientside callbacks (Dash's `clientside_callback`): a small JavaScript function that runs in
 * the browser, for updates that need no server round trip (e.g. a label echoing a slider). The
 * function is sent as source text, so it must be self-contained (no variables from around it).
 */

import type { ComponentAssets } from "./component.ts";
import type { InputDep, OutputDep, StateDep } from "./dependencies.ts";
import { DashDevicesError, describe } from "./errors.ts";
import { parseCallbackArgs } from "./graph.ts";
import { Services } from "./services.ts";

export interface ClientsideDef {
  readonly outputs: readonly OutputDep[];
  readonly inputs: readonly InputDep[];
  readonly states: readonly StateDep[];
  readonly multi: boolean;
  readonly source: string;
}

/** `(fn, ...dependencies)` as Dash, or `(...dependencies, fn)`. `fn` is a function or its source. */
export function parseClientside(args: unknown[]): ClientsideDef {
  const at = args.findIndex((a) => typeof a === "function" || typeof a === "string");
  if (at < 0) {
    throw new DashDevicesError("DD_BAD_DEPENDENCY", {
      what: "clientsideCallback was registered without a function.",
      expected: "clientsideCallback(\"(value) => value + ' °F'\", Output(...), Input(...))",
      found: args.map((a) => describe(a, 40)).join(", "),
      fix: "pass the function (or its source text) first",
    });
  }
  const fn = args[at];
  const source = typeof fn === "function" ? fn.toString() : String(fn).trim();
  if (!/^(async\s+)?(function\b|\(|[A-Za-z_$][\w$]*\s*=>)/.test(source)) {
    throw new DashDevicesError("DD_BAD_DEPENDENCY", {
      what: "the clientside callback's source is not a function expression.",
      expected: '"function (v) { return v; }" or "(v) => v"',
      found: describe(source, 60),
      fix: "pass a function, or the text of one",
    });
  }
  const deps = args.filter((_, i) => i !== at);
  // Reuse the server callbacks' argument checks (order, duplicates, self-loops).
  const def = parseCallbackArgs([...deps, (..._: unknown[]) => undefined], 0, Services.REGULAR);
  return { outputs: def.outputs, inputs: def.inputs, states: def.states, multi: def.multi, source };
}

/** What a page with clientside callbacks loads (public/clientside.js reads the JSON block below). */
export const CLIENTSIDE_ASSETS: ComponentAssets = { scripts: ["clientside.js"] };

/** The definitions as JSON safe to place inside <script type="application/json">. */
export function clientsideJson(defs: readonly ClientsideDef[]): string {
  const plain = defs.map((d) => ({
    o: d.outputs.map((x) => [x.id, x.prop]),
    i: d.inputs.map((x) => [x.id, x.prop]),
    s: d.states.map((x) => [x.id, x.prop]),
    m: d.multi,
    f: d.source,
  }));
  return JSON.stringify(plain)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
