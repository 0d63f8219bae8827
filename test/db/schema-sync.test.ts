import { afterAll, expect, test } from "bun:test";
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { tempDir } from "./temp-db.ts";

// drizzle-kit generate run against a copy of db/migrations: when src/db/schema.ts changed without a
// new migration, it writes one, and this test fails with the fix.
const root = resolve(import.meta.dir, "../..");
const kit = join(root, "node_modules/.bin/drizzle-kit");
const dir = tempDir("dd-kit-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function generateInto(out: string): string[] {
  writeFileSync(
    join(dir, "drizzle.config.ts"),
    `export default { dialect: "sqlite", schema: ${JSON.stringify(join(root, "src/db/schema.ts"))}, out: "./${out}" };\n`,
  );
  const r = Bun.spawnSync([kit, "generate"], { cwd: dir, stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1" } });
  const text = r.stdout.toString() + r.stderr.toString();
  if (r.exitCode !== 0 || /Error/.test(text)) throw new Error(`drizzle-kit generate failed: ${text}`);
  return readdirSync(join(dir, out))
    .filter((f) => f.endsWith(".sql"))
    .sort();
}

test("db/migrations is up to date with src/db/schema.ts", () => {
  cpSync(join(root, "db/migrations"), join(dir, "copy"), { recursive: true });
  const before = readdirSync(join(dir, "copy"))
    .filter((f) => f.endsWith(".sql"))
    .sort();
  expect(generateInto("copy"), "src/db/schema.ts changed: run `bun run scripts/db-generate.ts --name what_changed`").toEqual(before);
}, 60_000);

test("the check above can fail: from an empty folder drizzle-kit writes a migration", () => {
  mkdirSync(join(dir, "empty"));
  expect(generateInto("empty").length).toBe(1);
}, 60_000);
