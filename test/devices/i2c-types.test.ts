// Compile-time check that our buses satisfy @types/i2c-bus (PromisifiedBus, I2CBus), by running tsc
// on fixtures/types-ok.ts; the second test removes the fixture's @ts-expect-error line to show the
// compiler really rejects a bus that lacks a method (so the first test can fail).
import { expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "../..");
const TSC = [
  "bunx",
  "tsc",
  "--ignoreConfig",
  "--noEmit",
  "--strict",
  "--target",
  "esnext",
  "--module",
  "preserve",
  "--moduleResolution",
  "bundler",
  "--types",
  "bun",
  "--allowImportingTsExtensions",
  "--skipLibCheck",
  "--verbatimModuleSyntax",
  "--noUncheckedIndexedAccess",
  "--lib",
  "esnext,dom",
];
const fixture = join(import.meta.dir, "fixtures", "types-ok.ts");

function tsc(file: string) {
  const r = Bun.spawnSync([...TSC, file], { cwd: root });
  return { code: r.exitCode, out: r.stdout.toString() + r.stderr.toString() };
}

test("SimI2CBus, LinuxI2CBus and bus() satisfy i2c-bus's PromisifiedBus / I2CBus types", () => {
  const r = tsc(fixture);
  expect(r.out).toBe("");
  expect(r.code).toBe(0);
}, 60_000);

test("the check can fail: without the expect-error directive, a bus missing readByte is rejected", () => {
  // Outside the repository's sources (node_modules/.cache), so `i2c-bus` still resolves to @types.
  const dir = join(root, "node_modules", ".cache", "dash-devices-types");
  mkdirSync(dir, { recursive: true });
  const src = readFileSync(fixture, "utf8")
    .replace(/^.*@ts-expect-error NEGATIVE-CONTROL.*$/m, "")
    .replaceAll("../../../src/", join(root, "src") + "/");
  const file = join(dir, "types-broken.ts");
  writeFileSync(file, src);
  const r = tsc(file);
  expect(r.code).not.toBe(0);
  expect(r.out).toContain("TS2741");
  expect(r.out).toContain("'readByte' is missing");
  expect(r.out).toContain("PromisifiedBus");
}, 60_000);
