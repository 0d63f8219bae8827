import { afterAll, expect, test } from "bun:test";
import { existsSync, realpathSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { embeddedMigrations } from "../../src/db/migrate.ts";
import { tempDir } from "./temp-db.ts";

// DESIGN.md section 7: drizzle's migrate({ migrationsFolder }) fails in a compiled binary. Ours
// must not: the binary runs in an empty directory, from another working directory, with no
// db/migrations anywhere near it, and keeps its data beside itself.
const dir = realpathSync(tempDir("dd-bin-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a `bun build --compile` binary migrates from embedded files and keeps data/ beside itself", () => {
  const exe = join(dir, "app");
  const build = Bun.spawnSync(["bun", "build", "--compile", resolve(import.meta.dir, "fixtures/compiled-entry.ts"), "--outfile", exe], {
    stdout: "pipe",
    stderr: "pipe",
  });
  expect(build.exitCode, build.stderr.toString()).toBe(0);
  const elsewhere = tempDir("dd-cwd-");
  try {
    const run = () => {
      const r = Bun.spawnSync([exe], { cwd: elsewhere, stdout: "pipe", stderr: "pipe" });
      expect(r.exitCode, r.stderr.toString()).toBe(0);
      return JSON.parse(r.stdout.toString());
    };
    const first = run();
    expect(first.compiled).toBe(true);
    expect(first.path).toBe(join(dir, "data", "dash-devices.sqlite"));
    expect(first.migrated).toEqual(embeddedMigrations().map((m) => m.tag));
    expect(existsSync(first.path)).toBe(true);
    expect(existsSync(join(elsewhere, "data"))).toBe(false);
    const second = run();
    expect(second.migrated).toEqual([]);
    expect(second.found).toBe(2); // the first run's row survived
  } finally {
    rmSync(elsewhere, { recursive: true, force: true });
  }
}, 60_000);
