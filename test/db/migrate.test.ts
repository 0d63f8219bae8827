import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { migrate as drizzleMigrate } from "drizzle-orm/bun-sqlite/migrator";
import { applyMigrations, embeddedMigrations, MIGRATIONS_TABLE, toMigration } from "../../src/db/migrate.ts";
import { openDatabase } from "../../src/db/open.ts";
import { tempDir } from "./temp-db.ts";
import { thrown } from "../helpers/errors.ts";

const dirs: string[] = [];
function freshPath(): string {
  const dir = tempDir();
  dirs.push(dir);
  return join(dir, "db.sqlite");
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const tables = (sqlite: Database) =>
  (sqlite.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);

describe("migrations", () => {
  test("apply on an empty file, creating every table of the schema", () => {
    const store = openDatabase({ path: freshPath() });
    expect(store.migrated).toEqual(embeddedMigrations().map((m) => m.tag));
    expect(store.migrated.length).toBeGreaterThan(0);
    expect(tables(store.sqlite)).toEqual(
      expect.arrayContaining(["users", "sessions", "audit_log", "setup_tokens", "login_failures", "secrets", MIGRATIONS_TABLE]),
    );
    store.close();
  });

  test("are idempotent: a second open and a second apply change nothing", () => {
    const path = freshPath();
    const first = openDatabase({ path });
    const schemaBefore = first.sqlite.query("SELECT sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all();
    expect(applyMigrations(first.sqlite)).toEqual([]);
    first.close();
    const second = openDatabase({ path });
    expect(second.migrated).toEqual([]);
    expect(second.sqlite.query("SELECT sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all()).toEqual(schemaBefore);
    const recorded = second.sqlite.query(`SELECT count(*) AS n FROM "${MIGRATIONS_TABLE}"`).get() as { n: number };
    expect(recorded.n).toBe(embeddedMigrations().length);
    second.close();
  });

  test("share drizzle's bookkeeping: drizzle's own migrator sees our database as up to date, and the reverse", () => {
    const folder = resolve(import.meta.dir, "../../db/migrations");
    const ours = openDatabase({ path: freshPath() });
    drizzleMigrate(drizzle({ client: ours.sqlite }), { migrationsFolder: folder }); // would fail on "table exists"
    expect((ours.sqlite.query(`SELECT count(*) AS n FROM "${MIGRATIONS_TABLE}"`).get() as { n: number }).n).toBe(
      embeddedMigrations().length,
    );
    ours.close();

    const path = freshPath();
    const raw = new Database(path);
    drizzleMigrate(drizzle({ client: raw }), { migrationsFolder: folder });
    raw.close();
    const theirs = openDatabase({ path });
    expect(theirs.migrated).toEqual([]);
    theirs.close();
  });

  test("a failing migration changes nothing and says which one failed", () => {
    const sqlite = new Database(freshPath());
    const bad = [
      toMigration({ tag: "0000_ok", when: 1 }, "CREATE TABLE a (x integer);"),
      toMigration({ tag: "0001_bad", when: 2 }, "CREATE TABLE b (x integer);\n--> statement-breakpoint\nCREATE TABLE a (y integer);"),
    ];
    const err = thrown(() => applyMigrations(sqlite, bad));
    expect(err.code).toBe("DD_DB_MIGRATION");
    expect(err.message).toContain("0001_bad");
    expect(tables(sqlite)).toEqual([MIGRATIONS_TABLE]);
    expect(sqlite.inTransaction).toBe(false);
    sqlite.close();
  });

  test("a migration edited after it was applied is refused", () => {
    const sqlite = new Database(freshPath());
    applyMigrations(sqlite, [toMigration({ tag: "0000_x", when: 1 }, "CREATE TABLE a (x integer);")]);
    expect(() => applyMigrations(sqlite, [toMigration({ tag: "0000_x", when: 1 }, "CREATE TABLE a (x text);")])).toThrow(
      /DD_DB_MIGRATION.*changed after it was applied/,
    );
    sqlite.close();
  });

  test("a database migrated by a newer program is refused, not damaged", () => {
    const sqlite = new Database(freshPath());
    const newer = [
      toMigration({ tag: "0000_x", when: 1 }, "CREATE TABLE a (x integer);"),
      toMigration({ tag: "0001_y", when: 2 }, "CREATE TABLE b (x integer);"),
    ];
    applyMigrations(sqlite, newer);
    expect(() => applyMigrations(sqlite, newer.slice(0, 1))).toThrow(/DD_DB_MIGRATION.*newer version/);
    sqlite.close();
  });

  test("leaves foreign keys on and the pragmas set", () => {
    const store = openDatabase({ path: freshPath() });
    const get = (p: string) => Object.values(store.sqlite.query(`PRAGMA ${p}`).get() as object)[0];
    expect(get("foreign_keys")).toBe(1);
    expect(get("journal_mode")).toBe("wal");
    expect(get("synchronous")).toBe(1); // NORMAL
    expect(get("busy_timeout")).toBe(5000);
    store.close();
  });
});
