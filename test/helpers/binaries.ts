/**
 * Test helpers: compile an app to a real executable (about a second and 110 MB each), once for
 * all the tests of a file, or of a run when the files run in one process. `removeCompiled()` in
 * a file's afterAll deletes them (a later file compiles again if it needs them).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildApp } from "../../src/cli/build.ts";

const built = new Map<string, string>();
let dir: string | undefined;

/** The host-architecture executable of `entry` (a path from the repository root). */
export function compiled(entry: string, name = entry.split("/").pop()!.replace(/\.ts$/, "")): string {
  const key = `${entry}\0${name}`;
  const hit = built.get(key);
  if (hit && existsSync(hit)) return hit;
  if (!dir || !existsSync(dir)) dir = mkdtempSync(join(tmpdir(), "dd-bin-"));
  const arch = process.arch === "arm64" ? "arm64" : "x64";
  const [bin] = buildApp({ entry: resolve(import.meta.dir, "../..", entry), targets: [arch], outdir: dir, name, say: () => {} });
  built.set(key, bin!.path);
  return bin!.path;
}

/** Deletes the compiled executables (bun test does not run exit handlers: call it from afterAll). */
export function removeCompiled(): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
  built.clear();
}
