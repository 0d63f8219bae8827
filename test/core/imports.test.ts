// The shape of src/: no import circles (scripts/check-cycles.ts), and a core that imports nothing
// from the server, transports, database, hardware or admin layers, nor from Elysia or SQLite.
import { expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { checkCycles, importsOf } from "../../scripts/check-cycles.ts";

const src = resolve(import.meta.dir, "../../src");

test("src/ has no import circles: none at run time, none through import(), none through type-only imports", () => {
  expect(checkCycles(src)).toEqual({ runtime: [], dynamic: [], typeOnly: [] });
});

test("the circle check finds each kind of circle (a fixture with one of each)", () => {
  const dir = mkdtempSync(join(tmpdir(), "dd-cycles-"));
  try {
    const put = (name: string, code: string) => writeFileSync(join(dir, name), code);
    put("a.ts", 'import { b } from "./b.ts";\nexport const a = () => b;\n');
    put("b.ts", 'import { a } from "./a.ts";\nexport const b = () => a;\n');
    put("c.ts", 'export const c = () => import("./d.ts");\n');
    put("d.ts", 'import { c } from "./c.ts";\nexport const d = c;\n');
    put("e.ts", 'import type { F } from "./f.ts";\nexport interface E { f?: F }\n');
    put("f.ts", 'import { type E } from "./e.ts";\nexport interface F { e?: E }\nexport const f = 1;\n');
    put("g.ts", 'import { a } from "./a.ts";\nexport const g = a;\n'); // leads into a circle, is not in one
    const r = checkCycles(dir);
    const files = (list: string[][]) => list.map((c) => [...new Set(c)].sort());
    expect(files(r.runtime)).toEqual([["a.ts", "b.ts"]]);
    expect(files(r.dynamic)).toEqual([["c.ts", "d.ts"]]);
    expect(files(r.typeOnly)).toEqual([["e.ts", "f.ts"]]);
    expect(r.runtime[0]![0]).toBe(r.runtime[0]!.at(-1)!); // shown as a closed path
    expect(importsOf(dir, "f.ts")).toEqual([{ to: "e.ts", kind: "type" }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("src/core imports nothing from the layers around it, nor Elysia, SQLite, Drizzle or bun:ffi", () => {
  const core = join(src, "core");
  const files = readdirSync(core, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
  const bad: string[] = [];
  for (const f of files) {
    const file = join("core", f);
    for (const { to } of importsOf(src, file)) if (!to.startsWith("core/")) bad.push(`${file} -> ${to}`);
    const code = readFileSync(join(src, file), "utf8");
    for (const m of code.matchAll(/from\s+["']([^."'][^"']*)["']/g))
      if (/^(elysia|bun:sqlite|bun:ffi|drizzle)/.test(m[1]!)) bad.push(`${file} -> ${m[1]}`);
  }
  expect(bad).toEqual([]);
});

test("no part of the core imports the runtime: it composes them, they never call back into it", () => {
  const parts = ["component-index", "registry", "stores", "fan-out", "chains", "tabs", "inbox", "report", "invoke", "outbox", "client"];
  const back = parts.flatMap((p) =>
    importsOf(src, `core/${p}.ts`)
      .filter((e) => e.to === "core/runtime.ts")
      .map(() => p),
  );
  expect(back).toEqual([]);
});

/** The files one shared slider change is read through (README: "One slider change, through the files"). */
const ONE_CHANGE = [
  "transports/websocket.ts",
  "core/runtime.ts",
  "core/inbox.ts",
  "core/chains.ts",
  "core/invoke.ts",
  "core/fan-out.ts",
  "core/stores.ts",
  "core/outbox.ts",
];

test("one change's walk goes one way: no file of it reaches, through any chain of imports, a file before it", () => {
  const reach = (from: string): Set<string> => {
    const seen = new Set<string>();
    const todo = [from];
    while (todo.length) {
      for (const { to } of importsOf(src, todo.pop()!)) {
        if (seen.has(to) || !to.endsWith(".ts") || to.startsWith("..")) continue; // our own sources only (not embedded assets)
        seen.add(to);
        todo.push(to);
      }
    }
    return seen;
  };
  const back: string[] = [];
  ONE_CHANGE.forEach((file, i) => {
    const r = reach(file);
    for (const earlier of ONE_CHANGE.slice(0, i)) if (r.has(earlier)) back.push(`${file} -> ${earlier}`);
  });
  expect(ONE_CHANGE.length).toBeLessThanOrEqual(8);
  expect(back).toEqual([]);
});
