/**
 * @module db/open
 * Opens (creating if needed) the SQLite file that holds users, sessions and the audit log, with the
 * settings a small device on a flaky power supply wants, and applies the embedded migrations.
 * Default location: `data/dash-devices.sqlite` beside the executable when running as a compiled
 * binary, else under the working directory. The file holds password hashes and the server secret:
 * its directory is made 0700 and the database files (the file, its -wal and -shm) 0600, whatever
 * modes they had before (a directory made by hand or unpacked from an archive is often 0755/0777).
 */

import { Database } from "bun:sqlite";
import { accessSync, chmodSync, closeSync, constants, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { drizzle } from "drizzle-orm/bun-sqlite";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import { DashDevicesError } from "../core/errors.ts";
import { applyMigrations } from "./migrate.ts";

/** The Drizzle database (or a transaction on it): what every function of src/db and src/auth takes. */
export type Db = BaseSQLiteDatabase<"sync", void>;

export const DATABASE_FILE = "dash-devices.sqlite";

export interface OpenOptions {
  /** The SQLite file; default {@link defaultDatabasePath}. ":memory:" for a throwaway database. */
  path?: string;
  /** Apply the embedded migrations (default true). */
  migrate?: boolean;
  /**
   * NORMAL (default) survives any crash of the program; FULL also survives a power cut in the
   * moment after a commit, at one fsync per commit.
   */
  synchronous?: "NORMAL" | "FULL";
  /** How long a write waits for another process's lock before failing (default 5000 ms). */
  busyTimeoutMs?: number;
}

export interface DatabaseHandle {
  db: Db;
  /** The underlying bun:sqlite connection (PRAGMAs, raw SQL in tests). */
  sqlite: Database;
  /** Absolute path of the file (or ":memory:"). */
  path: string;
  /** Migration tags applied by this open (empty when the file was up to date). */
  migrated: string[];
  close(): void;
}

/** True inside a `bun build --compile` binary, whose modules live in Bun's embedded filesystem. */
export function isCompiled(): boolean {
  return Bun.main.startsWith("/$bunfs/") || /^[A-Za-z]:[\\/]~BUN[\\/]/.test(Bun.main);
}

/** `<dir of the executable>/data/dash-devices.sqlite` when compiled, else `./data/dash-devices.sqlite`. */
export function defaultDatabasePath(): string {
  const base = isCompiled() ? dirname(process.execPath) : process.cwd();
  return join(base, "data", DATABASE_FILE);
}

/** The database file inside a data directory (as `--data-dir` gives it). */
export function databasePathIn(dataDir: string): string {
  return join(resolve(dataDir), DATABASE_FILE);
}

function openError(path: string, found: string, fix: string): DashDevicesError {
  return new DashDevicesError("DD_DB_OPEN", {
    what: `cannot open the database ${path}.`,
    expected: "a writable file in a writable directory (created if missing)",
    found,
    fix,
  });
}

/** The database file and the two SQLite writes beside it in WAL mode. */
function databaseFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`];
}

/**
 * Sets `mode` on a file or directory of ours. When that fails (another user owns it), refuses if
 * anyone beyond owner and group can get at it (`open`: the mode bits that must be clear).
 */
function restrict(path: string, dbPath: string, mode: number, open: number): void {
  const before = statSync(path).mode & 0o777;
  if (before === mode) return;
  try {
    chmodSync(path, mode);
  } catch (e) {
    if ((before & open) === 0) return;
    throw openError(
      dbPath,
      `${path} has mode ${before.toString(8).padStart(4, "0")} (others may read it) and it cannot be changed (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      `run as the owner of ${path}, or chmod ${mode.toString(8)} it, or choose a data directory of your own (--data-dir)`,
    );
  }
}

/** Data directory 0700; the database files 0600 (created empty with that mode, so SQLite's -wal and -shm inherit it). */
function restrictModes(path: string): void {
  restrict(dirname(path), path, 0o700, 0o007);
  if (!existsSync(path)) closeSync(openSync(path, "a", 0o600));
  for (const f of databaseFiles(path)) if (existsSync(f)) restrict(f, path, 0o600, 0o077);
}

function ensureWritable(path: string): void {
  const dir = dirname(path);
  try {
    // 0700: the file holds password hashes and the server secret (restrictModes fixes an existing one).
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw openError(
      path,
      `the directory ${dir} cannot be created (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      "choose another data directory (--data-dir) or create this one with write permission for this user",
    );
  }
  if (!statSync(dir).isDirectory()) throw openError(path, `${dir} is not a directory`, "choose another data directory");
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw openError(path, "a directory at that path", `name the database file inside it: ${join(path, DATABASE_FILE)}`);
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
    if (existsSync(path)) accessSync(path, constants.R_OK | constants.W_OK);
  } catch (e) {
    throw openError(
      path,
      `no write permission (${(e as NodeJS.ErrnoException).code ?? "EACCES"})`,
      `give this user write access to ${dir} and the files in it, or choose another data directory`,
    );
  }
}

/**
 * Opens the database, applies pragmas and migrations.
 * @example
 * const store = openDatabase({ path: "/var/lib/gadget/dash-devices.sqlite" });
 * // ... store.db is passed to src/auth and src/db functions
 * store.close();
 */
export function openDatabase(options: OpenOptions = {}): DatabaseHandle {
  const memory = options.path === ":memory:";
  const path = memory ? ":memory:" : resolve(options.path ?? defaultDatabasePath());
  if (!memory) {
    ensureWritable(path);
    restrictModes(path);
  }
  let sqlite: Database;
  try {
    sqlite = new Database(path, { create: true, readwrite: true, strict: true });
  } catch (e) {
    throw openError(path, (e as Error).message, "check the path names a file (not a directory) on a writable disk");
  }
  try {
    // busy_timeout first: every statement after it may meet another process's lock.
    sqlite.run(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    // WAL: readers never block the writer and a crash never corrupts the file.
    if (!memory) sqlite.run("PRAGMA journal_mode = WAL");
    // In WAL mode NORMAL stays consistent after any crash and loses no committed transaction when
    // the program dies (kill -9, panic): a commit reaches the OS before it returns. Only a power
    // cut may roll back the last commits, since the WAL is fsynced at checkpoints, not per commit.
    // FULL would fsync every commit: slow and wearing on a device's SD card.
    sqlite.run(`PRAGMA synchronous = ${options.synchronous === "FULL" ? "FULL" : "NORMAL"}`);
    sqlite.run("PRAGMA foreign_keys = ON");
    // SQLite gives -wal and -shm the file's mode; set it again in case they predate this open.
    if (!memory) for (const f of databaseFiles(path).slice(1)) if (existsSync(f)) restrict(f, path, 0o600, 0o077);
    const migrated = options.migrate === false ? [] : applyMigrations(sqlite);
    const db = drizzle({ client: sqlite }) as Db;
    let closed = false;
    return {
      db,
      sqlite,
      path,
      migrated,
      close() {
        if (closed) return;
        closed = true;
        try {
          sqlite.run("PRAGMA optimize");
        } finally {
          // close(true) finalizes Drizzle's prepared statements and really closes; close(false)
          // would leave SQLite holding the file (and its locks) until they are garbage-collected,
          // so a restore in the same process would still see the database in use.
          try {
            sqlite.close(true);
          } catch {
            sqlite.close(false);
          }
        }
      },
    };
  } catch (e) {
    sqlite.close(false);
    if (e instanceof DashDevicesError) throw e;
    throw openError(path, (e as Error).message, "check the file is a dash-devices database on a writable disk, not another program's file");
  }
}
