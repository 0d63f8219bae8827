// `bun run lint` (Biome's recommended rules, configured in biome.jsonc) exits 0, so a lint error
// fails `npm test` and is counted in CI's pass/fail line. About half a second for the whole tree.
import { expect, test } from "bun:test";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "..");

test("bun run lint finds no errors", () => {
  const run = Bun.spawnSync([process.execPath, "run", "lint"], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const output = `${run.stdout.toString()}${run.stderr.toString()}`;
  // On failure the diagnostics are in the diff, so the failing line and the rule are in the CI log.
  expect({ exitCode: run.exitCode, output: run.exitCode === 0 ? "" : output }).toEqual({ exitCode: 0, output: "" });
});
