/**
 * @module check-cycles
 * Finds import circles in src/: files that, following their imports, come back to themselves.
 * Runtime edges are what Bun's transpiler keeps (`import type` and `{ type X }` are erased, so they
 * never run); a circle made only with type-only imports is listed separately, and a circle closed
 * only by a dynamic `import()` (loaded later, on demand) too. Each circle is one strongly connected
 * group of files, shown as one path through it.
 *
 * @example bun scripts/check-cycles.ts        # exit 1 when src/ has a runtime import circle
 */

import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

export type EdgeKind = "static" | "dynamic" | "type";

export interface CycleReport {
  /** Circles through static imports: a module is evaluated before one it needs. */
  runtime: string[][];
  /** Circles that need a dynamic import() to close. */
  dynamic: string[][];
  /** Circles that need a type-only import to close (erased at build: harmless at run time, still coupling). */
  typeOnly: string[][];
}

const transpiler = new Bun.Transpiler({ loader: "ts" });
const ANY_IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?["']([^"']+)["']/g;

/** Every .ts file under `root`, relative to it. */
function sources(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"));
}

/** The imports of one file, each with its kind, resolved to files under `root` (others dropped). */
export function importsOf(root: string, file: string): { to: string; kind: EdgeKind }[] {
  const code = readFileSync(join(root, file), "utf8");
  const out = new Map<string, EdgeKind>();
  const add = (spec: string, kind: EdgeKind) => {
    if (!spec.startsWith(".")) return;
    const to = relative(root, resolve(root, dirname(file), spec));
    const rank = { static: 0, dynamic: 1, type: 2 };
    const had = out.get(to);
    if (!had || rank[kind] < rank[had]) out.set(to, kind);
  };
  for (const i of transpiler.scanImports(code)) add(i.path, i.kind === "dynamic-import" ? "dynamic" : "static");
  for (const m of code.matchAll(ANY_IMPORT)) add(m[1]!, "type"); // whatever the transpiler did not keep is type-only
  return [...out].map(([to, kind]) => ({ to, kind }));
}

/** Strongly connected groups of more than one file (or a file importing itself), Tarjan's way. */
function circles(nodes: string[], next: (n: string) => string[]): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    on.add(v);
    for (const w of next(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1 || next(v).includes(v)) found.push(pathThrough(group, next));
    }
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  return found;
}

/** One closed path through a group (a -> b -> ... -> a), found by breadth-first search from its first file. */
function pathThrough(group: string[], next: (n: string) => string[]): string[] {
  const inside = new Set(group);
  const start = [...group].sort()[0]!;
  const from = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of next(v)) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(from.get(path[0]!)!);
        return [...path, start];
      }
      if (!from.has(w)) {
        from.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/** The import circles of the files under `root` (default: src/). */
export function checkCycles(root = resolve(import.meta.dir, "../src")): CycleReport {
  const files = sources(root);
  const known = new Set(files);
  const edges = new Map(files.map((f) => [f, importsOf(root, f).filter((e) => known.has(e.to))]));
  const graph = (kinds: EdgeKind[]) => (n: string) =>
    edges
      .get(n)!
      .filter((e) => kinds.includes(e.kind))
      .map((e) => e.to);
  const key = (c: string[]) => [...new Set(c)].sort().join(" ");
  const runtime = circles(files, graph(["static"]));
  const seen = new Set(runtime.map(key));
  const dynamic = circles(files, graph(["static", "dynamic"])).filter((c) => !seen.has(key(c)));
  for (const c of dynamic) seen.add(key(c));
  const typeOnly = circles(files, graph(["static", "dynamic", "type"])).filter((c) => !seen.has(key(c)));
  return { runtime, dynamic, typeOnly };
}

if (import.meta.main) {
  const r = checkCycles();
  const show = (title: string, list: string[][]) => {
    console.log(`${title}: ${list.length}`);
    for (const c of list) console.log(`  ${c.join(" -> ")}`);
  };
  show("runtime import circles", r.runtime);
  show("circles closed by a dynamic import()", r.dynamic);
  show("circles closed by type-only imports", r.typeOnly);
  process.exit(r.runtime.length ? 1 : 0);
}
