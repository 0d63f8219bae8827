// The layering rules: the core stays hardware-free, and the device layer uses only the core's
// errors and log modules.
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";

const src = join(import.meta.dir, "../../src");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:import|export)[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? m[2]!);
}

test("nothing in src/core imports src/devices", () => {
  const offenders = files(join(src, "core")).flatMap((f) =>
    imports(f)
      .filter((i) => i.startsWith(".") && resolve(dirname(f), i).startsWith(join(src, "devices")))
      .map((i) => `${relative(src, f)} → ${i}`),
  );
  expect(offenders).toEqual([]);
});

test("src/devices imports from src/core only errors.ts and log.ts", () => {
  const allowed = new Set([join(src, "core", "errors.ts"), join(src, "core", "log.ts")]);
  const offenders = files(join(src, "devices")).flatMap((f) =>
    imports(f)
      .filter((i) => i.startsWith("."))
      .map((i) => resolve(dirname(f), i))
      .filter((p) => !p.startsWith(join(src, "devices")) && !allowed.has(p))
      .map((p) => `${relative(src, f)} → ${relative(src, p)}`),
  );
  expect(offenders).toEqual([]);
});

test("the check sees imports (it would catch a violation)", () => {
  const sample = files(join(src, "devices")).find((f) => f.endsWith("libc.ts"))!;
  expect(imports(sample)).toContain("bun:ffi");
});
