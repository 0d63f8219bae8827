/**
 * Test helpers: compile an app to a real executable once per test process (about a second and
 * 110 MB each), shared by every test file that asks for the same entry.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildApp } from "../../src/cli/build.ts";

const built = new Map<string, string>();
let dir: string | undefined;

/** The host-architecture executable of `entry` (a path from the repository root). */
export function compiled(entry: string, name = entry.split("/").pop()!.replace(/\.ts$/, "")): string {
  const key = `${entry}\0${name}`;
  const hit = built.get(key);
  if (hit) return hit;
  dir ??= mkdtempSync(join(tmpdir(), "dd-bin-"));
  const arch = process.arch === "arm64" ? "arm64" : "x64";
  const [bin] = buildApp({ entry: resolve(import.meta.dir, "../..", entry), targets: [arch], outdir: dir, name, say: () => {} });
  built.set(key, bin!.path);
  return bin!.path;
}
