import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { embeddedSql, journal } from "../../src/db/migrations.ts";
import { embeddedMigrations } from "../../src/db/migrate.ts";

const folder = resolve(import.meta.dir, "../../db/migrations");

test("every .sql file in db/migrations is embedded, with the same text, in journal order", () => {
  const files = readdirSync(folder)
    .filter((f) => f.endsWith(".sql"))
    .sort();
  expect(files.length).toBeGreaterThan(0);
  const fix = "run `bun run scripts/db-generate.ts --embed-only`";
  expect(
    embeddedSql.map((m) => `${m.tag}.sql`),
    fix,
  ).toEqual(files);
  for (const m of embeddedSql)
    expect(m.sql, `${m.tag}.sql differs from the embedded text: ${fix}`).toBe(readFileSync(join(folder, `${m.tag}.sql`), "utf8"));
});

test("the embedded journal is the one on disk, and each entry has its SQL", () => {
  const onDisk = JSON.parse(readFileSync(join(folder, "meta/_journal.json"), "utf8"));
  expect(journal).toEqual(onDisk);
  expect(embeddedMigrations().map((m) => m.tag)).toEqual(onDisk.entries.map((e: { tag: string }) => e.tag));
});
