/**
 * Test helpers: compile an app to a real executable (one to several seconds and 110 MB each),
 * once per run: every test file that asks for the same entry gets the same file, and
 * test/preload.ts deletes them all after the last file (bun test runs every file in one process).
 * A test must not change a compiled file in place: copy it first.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const built = new Map<string, string>();
let dir: string | undefined;

/** The host-architecture executable of `entry` (a path from the repository root). */
export function compiled(entry: string, name = entry.split("/").pop()!.replace(/\.ts$/, "")): string {
  const key = `${entry}\0${name}`;
  const hit = built.get(key);
  if (hit && existsSync(hit)) return hit;
  if (!dir || !existsSync(dir)) dir = mkdtempSync(join(tmpdir(), "dd-bin-"));
  const arch = process.arch === "arm64" ? "arm64" : "x64";
  // Loaded here, not at the top: test/preload.ts imports this file for every test file.
  const { buildApp } = require("../../src/cli/build.ts") as typeof import("../../src/cli/build.ts");
  const [bin] = buildApp({ entry: resolve(import.meta.dir, "../..", entry), targets: [arch], outdir: dir, name, say: () => {} });
  built.set(key, bin!.path);
  return bin!.path;
}

/** Deletes the compiled executables: test/preload.ts, after the run's last file. */
export function removeCompiledForRun(): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
  built.clear();
}
