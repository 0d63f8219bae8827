/**
 * @module db/migrate
 * Applies the embedded migrations (src/db/migrations.ts) at start-up. Drizzle's own
 * `migrate({ migrationsFolder })` reads files from disk and so fails in a compiled binary; this loop
 * does the same work from the embedded text, against the same `__drizzle_migrations` table (same
 * columns, same hash = SHA-256 of the file, same `created_at` = the journal's `when`), so drizzle-kit
 * and drizzle's migrator still understand a database it migrated.
 *
 * All pending migrations run in one IMMEDIATE transaction (two processes starting at once take turns;
 * a failure leaves the database as it was), with foreign keys off and checked before commit, as
 * SQLite's documentation prescribes for schema changes. Running it again is a no-op.
 *
 * Start-up fast path: the transaction that applies (or checks) the migrations also stamps
 * `PRAGMA user_version` with a fingerprint of the embedded set (their dates and hashes). When the
 * stamp and the migrations table's count and newest date match, the database is up to date and
 * nothing else is read or locked: one PRAGMA and one small query instead of a write transaction.
 * A different program (older, newer, a changed migration) has another fingerprint and takes the
 * full path with all its checks.
 */

import type { Database } from "bun:sqlite";
import { DashDevicesError } from "../core/errors.ts";
import { embeddedSql, journal } from "./migrations.ts";

export const MIGRATIONS_TABLE = "__drizzle_migrations";
const BREAKPOINT = "--> statement-breakpoint";

export interface Migration {
  tag: string;
  /** The journal's `when`: recorded as `created_at`, orders and identifies the migration. */
  when: number;
  /** SHA-256 (hex) of the SQL file, as drizzle computes it. */
  hash: string;
  statements: string[];
}

interface JournalEntry {
  tag: string;
  when: number;
  breakpoints?: boolean;
}

function migrationError(what: string, found: string, fix: string, expected?: string): DashDevicesError {
  return new DashDevicesError("DD_DB_MIGRATION", { what, expected, found, fix });
}

/** Turns SQL text and its journal entry into a migration (statements split at breakpoints). */
export function toMigration(entry: JournalEntry, sqlText: string): Migration {
  return {
    tag: entry.tag,
    when: entry.when,
    hash: new Bun.CryptoHasher("sha256").update(sqlText).digest("hex"),
    statements: sqlText
      .split(BREAKPOINT)
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  };
}

/** The migrations compiled into this program, in journal order. */
export function embeddedMigrations(): Migration[] {
  const byTag = new Map(embeddedSql.map((m) => [m.tag, m.sql]));
  return (journal.entries as JournalEntry[]).map((entry) => {
    const text = byTag.get(entry.tag);
    if (text === undefined) {
      throw migrationError(
        `migration ${entry.tag} is in db/migrations/meta/_journal.json but not embedded in the program.`,
        `src/db/migrations.ts lists ${embeddedSql.map((m) => m.tag).join(", ") || "nothing"}`,
        "run `bun run scripts/db-generate.ts --embed-only` and commit src/db/migrations.ts",
        "every journal entry imported in src/db/migrations.ts",
      );
    }
    return toMigration(entry, text);
  });
}

/** Applied migrations recorded in the database: created_at → hash. */
function recorded(sqlite: Database): Map<number, string> {
  const rows = sqlite.query(`SELECT hash, created_at FROM "${MIGRATIONS_TABLE}"`).all() as { hash: string; created_at: number | string }[];
  return new Map(rows.map((r) => [Number(r.created_at), r.hash]));
}

/**
 * Applies every migration not yet recorded; returns the tags it applied (empty when up to date).
 * @example
 * const applied = applyMigrations(sqlite); // ["0000_init"] on a new file, [] afterwards
 */
/** The `user_version` stamp of a set of migrations: 31 bits of a hash of their dates and hashes, never 0. */
export function migrationsStamp(migrations: readonly Migration[]): number {
  return Number(BigInt.asUintN(31, BigInt(Bun.hash(migrations.map((m) => `${m.when}:${m.hash}`).join("\n"))))) || 1;
}

/** True when the database is stamped by exactly this set and its table agrees (see the module's header). */
function upToDate(sqlite: Database, migrations: readonly Migration[]): boolean {
  try {
    const v = (sqlite.query("PRAGMA user_version").get() as { user_version: number }).user_version;
    if (v !== migrationsStamp(migrations)) return false;
    const t = sqlite.query(`SELECT count(*) AS n, max(created_at) AS newest FROM "${MIGRATIONS_TABLE}"`).get() as {
      n: number;
      newest: number | string | null;
    };
    return t.n === migrations.length && Number(t.newest ?? 0) === Math.max(0, ...migrations.map((m) => m.when));
  } catch {
    return false; // no migrations table yet
  }
}

export function applyMigrations(sqlite: Database, migrations: Migration[] = embeddedMigrations()): string[] {
  if (upToDate(sqlite, migrations)) return [];
  // Same DDL as drizzle's migrator, so both can share the table.
  sqlite.run(`CREATE TABLE IF NOT EXISTS "${MIGRATIONS_TABLE}" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)`);
  const fkWasOn = (sqlite.query("PRAGMA foreign_keys").get() as { foreign_keys: number }).foreign_keys === 1;
  // PRAGMA foreign_keys is a no-op inside a transaction: switch it off before BEGIN.
  if (fkWasOn) sqlite.run("PRAGMA foreign_keys = OFF");
  const applied: string[] = [];
  try {
    sqlite.run("BEGIN IMMEDIATE");
    try {
      const done = recorded(sqlite);
      const known = new Set(migrations.map((m) => m.when));
      const newest = Math.max(0, ...migrations.map((m) => m.when));
      const unknownNewer = [...done.keys()].filter((w) => !known.has(w) && w > newest);
      if (unknownNewer.length > 0) {
        throw migrationError(
          "the database was migrated by a newer version of this program.",
          `${unknownNewer.length} applied migration(s) this program does not know (newest ${new Date(Math.max(...unknownNewer)).toISOString()})`,
          "run the newer version, or restore a backup of the data directory made for this version",
          `at most the ${migrations.length} migration(s) embedded here`,
        );
      }
      for (const m of migrations) {
        const hash = done.get(m.when);
        if (hash !== undefined) {
          if (hash !== m.hash) {
            throw migrationError(
              `migration ${m.tag} was changed after it was applied to this database.`,
              `hash ${m.hash.slice(0, 12)}… in the program, ${hash.slice(0, 12)}… recorded`,
              "never edit a generated migration: restore it from version control and generate a new one with `bun run scripts/db-generate.ts`",
              "the migration text applied earlier",
            );
          }
          continue;
        }
        for (const statement of m.statements) {
          try {
            sqlite.run(statement);
          } catch (e) {
            throw migrationError(
              `migration ${m.tag} failed; nothing was changed.`,
              `${(e as Error).message} in: ${statement.slice(0, 120)}`,
              "check the data directory is the one of this application, or restore a backup",
              "every statement to apply",
            );
          }
        }
        sqlite.run(`INSERT INTO "${MIGRATIONS_TABLE}" ("hash", "created_at") VALUES (?, ?)`, [m.hash, m.when]);
        applied.push(m.tag);
      }
      if (applied.length > 0) {
        const violations = sqlite.query("PRAGMA foreign_key_check").all();
        if (violations.length > 0) {
          throw migrationError(
            `migrations ${applied.join(", ")} left rows that break foreign keys; nothing was changed.`,
            `${violations.length} violation(s), first: ${JSON.stringify(violations[0])}`,
            "fix the migration (generated from src/db/schema.ts) so existing rows stay consistent",
            "no foreign key violations",
          );
        }
      }
      sqlite.run(`PRAGMA user_version = ${migrationsStamp(migrations)}`); // in the transaction: set only with them
      sqlite.run("COMMIT");
    } catch (e) {
      if (sqlite.inTransaction) sqlite.run("ROLLBACK");
      throw e;
    }
  } finally {
    if (fkWasOn) sqlite.run("PRAGMA foreign_keys = ON");
  }
  return applied;
}
