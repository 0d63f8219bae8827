// The start-up fast path of the migrations: an up-to-date database is recognised by its
// user_version stamp (and its migrations table) without a write transaction; anything else takes
// the full path with all its checks.
import { afterEach, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { applyMigrations, embeddedMigrations, migrationsStamp, MIGRATIONS_TABLE } from "../../src/db/migrate.ts";
import { openDatabase } from "../../src/db/open.ts";
import { tempDir } from "./temp-db.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fresh(): string {
  const dir = tempDir("dd-stamp-");
  dirs.push(dir);
  const h = openDatabase({ path: join(dir, "dash-devices.sqlite") });
  h.close();
  return h.path;
}

const version = (db: Database) => (db.query("PRAGMA user_version").get() as { user_version: number }).user_version;

test("a migrated database is stamped, and opening it again needs no write lock", () => {
  const path = fresh();
  const writer = new Database(path);
  const db = new Database(path);
  try {
    expect(version(db)).toBe(migrationsStamp(embeddedMigrations()));
    writer.run("BEGIN IMMEDIATE"); // another process in the middle of a write
    db.run("PRAGMA busy_timeout = 0");
    expect(applyMigrations(db)).toEqual([]); // the full path would need BEGIN IMMEDIATE: "database is locked"
    // the same database unstamped takes the full path, which does lock
    writer.run("PRAGMA user_version = 0");
    writer.run("COMMIT");
    writer.run("BEGIN IMMEDIATE");
    expect(() => applyMigrations(db)).toThrow(/locked/);
    writer.run("ROLLBACK");
  } finally {
    writer.close();
    db.close();
  }
});

test("a database migrated before the stamp existed is stamped at its next start", () => {
  const path = fresh();
  const db = new Database(path);
  db.run("PRAGMA user_version = 0");
  expect(applyMigrations(db)).toEqual([]);
  expect(version(db)).toBe(migrationsStamp(embeddedMigrations()));
  db.close();
});

test("a stamp does not hide a migration recorded by a newer program", () => {
  const path = fresh();
  const db = new Database(path);
  db.run(`INSERT INTO "${MIGRATIONS_TABLE}" (hash, created_at) VALUES ('feed', ${Date.now() + 1e9})`);
  expect(() => applyMigrations(db)).toThrow(/DD_DB_MIGRATION.*newer version/);
  db.close();
});

test("another set of migrations has another stamp", () => {
  const all = embeddedMigrations();
  const changed = all.map((m, i) => (i === all.length - 1 ? { ...m, hash: "0".repeat(64) } : m));
  expect(migrationsStamp(changed)).not.toBe(migrationsStamp(all));
  expect(migrationsStamp(all)).toBeGreaterThan(0);
});
