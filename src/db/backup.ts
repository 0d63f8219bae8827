/**
 * @module db/backup
 * Consistent copies of the database while the app runs, and putting one back when it does not.
 *
 * A backup is SQLite's `VACUUM INTO`, run on a connection of its own: one read transaction, so in
 * WAL mode it copies the database as of one instant while the server keeps writing (writers are
 * never blocked; the copy holds no half-written transaction), and it writes a compact,
 * self-contained file (no -wal beside it) straight to disk without holding it in memory. The
 * backup API (sqlite3_backup_*) is not exposed by bun:sqlite, and a stepwise copy restarts when
 * another connection writes; `db.serialize()` would hold the whole file in memory, which a
 * device with an audit log of 200,000 rows (about 60 MB) should not have to. A server runs the
 * copy on a Worker thread so that it keeps serving meanwhile.
 *
 * A restore refuses while any process has the database open (a running server keeps it open:
 * SQLite's exclusive lock is then refused, so no lock file is needed and a server that died by
 * kill -9 leaves nothing stale), checks the file is SQLite, intact (`integrity_check`) and ours
 * (the migrations table and our tables; a backup of an older version is migrated, one of a newer
 * version refused), keeps the old database as `dash-devices.sqlite.before-restore`, then swaps by
 * rename in the data directory.
 */

import { Database } from "bun:sqlite";
import { chmodSync, closeSync, copyFileSync, existsSync, fsyncSync, openSync, readSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { getTableName } from "drizzle-orm";
import { DashDevicesError } from "../core/errors.ts";
import { applyMigrations, MIGRATIONS_TABLE } from "./migrate.ts";
import * as schema from "./schema.ts";

/** The first 16 bytes of every SQLite 3 database file. */
const SQLITE_HEADER = "SQLite format 3\0";
/** The tables a database of ours has (besides the migrations table). */
const TABLES = [schema.users, schema.sessions, schema.auditLog, schema.secrets].map((t) => getTableName(t));
export const BEFORE_RESTORE_SUFFIX = ".before-restore";

export interface BackupResult {
  /** Absolute path of the backup file. */
  path: string;
  bytes: number;
  ms: number;
}

/** Checks before a copy: `dest` is new, `source` exists. Returns where the copy is written first. */
function prepare(source: string, to: string): string {
  if (existsSync(to)) {
    throw new DashDevicesError("DD_BACKUP_FAILED", {
      what: `the backup file ${to} exists already.`,
      expected: "a new file name",
      found: `a ${statSync(to).isDirectory() ? "directory" : "file"} at that path`,
      fix: "choose another name, or delete the old file first",
    });
  }
  if (!existsSync(source)) {
    throw new DashDevicesError("DD_BACKUP_FAILED", {
      what: `there is no database to back up at ${source}.`,
      expected: "the data directory of an app that has run once",
      found: "no such file",
      fix: "pass the app's --data-dir (the default is data/ beside the executable)",
    });
  }
  const partial = join(dirname(to), `.${basename(to)}.partial-${process.pid}-${Date.now()}`);
  try {
    closeSync(openSync(partial, "w", 0o600)); // empty, 0600: VACUUM INTO writes into it with that mode
  } catch (e) {
    throw failed(source, to, e as Error);
  }
  return partial;
}

function failed(source: string, to: string, e: Error): DashDevicesError {
  if (e instanceof DashDevicesError) return e;
  return new DashDevicesError("DD_BACKUP_FAILED", {
    what: `the backup of ${source} to ${to} failed.`,
    expected: "a readable database and a writable directory with room for a copy",
    found: e.message,
    fix: "check the directory exists, is writable and has free space",
  });
}

/** After the copy: 0600, on disk, then under its name (a power cut leaves no half backup under it). */
function finish(partial: string, to: string, t0: number): BackupResult {
  chmodSync(partial, 0o600);
  const fd = openSync(partial, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(partial, to);
  return { path: to, bytes: statSync(to).size, ms: performance.now() - t0 };
}

/** The copy itself: one read transaction on a connection of its own. */
function vacuumInto(source: string, partial: string): void {
  const db = new Database(source, { readwrite: true, create: false });
  try {
    db.run("PRAGMA busy_timeout = 5000");
    db.run("VACUUM INTO ?", [partial]);
  } finally {
    db.close(false);
  }
}

/**
 * Copies the database at `source` (a file another connection may be writing) into `dest`, which
 * must not exist. The file appears under its name only when complete (written beside it, then
 * renamed) and is made 0600: it holds password hashes and the server's secrets. Runs on the
 * calling thread: for the command line. A server uses {@link backupDatabaseInWorker}.
 * @example
 * backupDatabase("/var/lib/dash-devices/gadget/dash-devices.sqlite", "/root/gadget-20261129.sqlite");
 */
export function backupDatabase(source: string, dest: string): BackupResult {
  const t0 = performance.now();
  const to = resolve(dest);
  const partial = prepare(source, to);
  try {
    vacuumInto(source, partial);
    return finish(partial, to, t0);
  } catch (e) {
    rmSync(partial, { force: true });
    throw failed(source, to, e as Error);
  }
}

/**
 * The Worker that runs the copy for a server. Its source is this fixed text, not a file: a
 * Worker's file would have to be one more entry point of every `bun build --compile` of every
 * app (as the device thread is); a Blob URL needs nothing. It only opens the file and runs the
 * one statement.
 */
const WORKER_SOURCE = `import { Database } from "bun:sqlite";
self.onmessage = (e) => {
  const { source, dest } = e.data;
  try {
    const db = new Database(source, { readwrite: true, create: false });
    try {
      db.run("PRAGMA busy_timeout = 5000");
      db.run("VACUUM INTO ?", [dest]);
    } finally {
      db.close(false);
    }
    postMessage({ ok: true });
  } catch (err) {
    postMessage({ ok: false, message: String((err && err.message) || err) });
  }
};`;
let workerUrl: string | undefined;

/**
 * `backupDatabase` with the copy on a Worker thread, so the server's event loop keeps serving
 * while it runs (about 0.13 s for 200,000 audit rows, a 62 MB file, on this VM; several times
 * that on a Raspberry Pi).
 */
export async function backupDatabaseInWorker(source: string, dest: string): Promise<BackupResult> {
  const t0 = performance.now();
  const to = resolve(dest);
  const partial = prepare(source, to);
  workerUrl ??= URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "application/javascript" }));
  const worker = new Worker(workerUrl);
  try {
    const r = await new Promise<{ ok: boolean; message?: string }>((done, fail) => {
      worker.onmessage = (e) => done(e.data as { ok: boolean; message?: string });
      worker.onerror = (e) => fail(new Error(e.message));
      worker.postMessage({ source, dest: partial });
    });
    if (!r.ok) throw new Error(r.message ?? "the copy failed");
    return finish(partial, to, t0);
  } catch (e) {
    rmSync(partial, { force: true });
    throw failed(source, to, e as Error);
  } finally {
    worker.terminate();
  }
}

/**
 * Whether another connection (a running server, `--create-admin`) has the database open. Asks
 * SQLite for an exclusive lock without waiting: any open connection in WAL mode holds a shared
 * lock on the wal-index for as long as it is open, so the request fails while one exists.
 */
export function databaseInUse(path: string): boolean {
  if (!existsSync(path)) return false;
  const db = new Database(path, { readwrite: true, create: false });
  try {
    db.run("PRAGMA busy_timeout = 0");
    db.run("PRAGMA locking_mode = EXCLUSIVE");
    db.run("BEGIN EXCLUSIVE");
    db.query("SELECT count(*) FROM sqlite_master").get();
    db.run("COMMIT");
    return false;
  } catch (e) {
    if (/locked|busy/i.test((e as Error).message)) return true;
    throw e;
  } finally {
    db.close(false);
  }
}

function notSqlite(file: string, found: string): DashDevicesError {
  return new DashDevicesError("DD_RESTORE_NOT_SQLITE", {
    what: `${file} is not a SQLite database.`,
    expected: "a backup made with --backup or the Backup button of /admin (a .sqlite file)",
    found,
    fix: "check the file name; a download that failed may have saved an error page instead",
  });
}

function wrongSchema(
  file: string,
  found: string,
  fix = "restore a backup of this app's database (dash-devices.sqlite), made with --backup or /admin",
): DashDevicesError {
  return new DashDevicesError("DD_RESTORE_SCHEMA", {
    what: `${file} is not a dash-devices database this version can use.`,
    expected: `the tables ${MIGRATIONS_TABLE}, ${TABLES.join(", ")} and a clean integrity check`,
    found,
    fix,
  });
}

/** Checks the first bytes of `file` (a clear answer for a text file, an HTML page, an empty file). */
function checkHeader(file: string): void {
  if (!existsSync(file)) throw notSqlite(file, "no such file");
  const st = statSync(file);
  if (!st.isFile()) throw notSqlite(file, "a directory");
  const fd = openSync(file, "r");
  const head = new Uint8Array(16);
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  const text = new TextDecoder("latin1").decode(head);
  if (st.size < 512 || text !== SQLITE_HEADER) {
    const shown = JSON.stringify(text.replace(/\0+$/, "")).slice(0, 40);
    throw notSqlite(file, `${st.size} bytes starting with ${shown}`);
  }
}

/** Row counts of our tables, e.g. to report what a backup or restore holds. */
export function tableCounts(db: Database): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = (db.query(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n;
  return out;
}

/**
 * Checks that `file` (a private copy: it may be migrated in place) is an intact database of ours,
 * and brings an older one up to this version's schema. Returns its row counts.
 */
export function checkRestorable(file: string, shown = file): Record<string, number> {
  checkHeader(file);
  let db: Database;
  try {
    db = new Database(file, { readwrite: true, create: false });
  } catch (e) {
    throw notSqlite(shown, (e as Error).message);
  }
  try {
    let result: string;
    try {
      const rows = db.query("PRAGMA integrity_check").all() as { integrity_check: string }[];
      result = rows.map((r) => r.integrity_check).join("; ");
    } catch (e) {
      throw notSqlite(shown, `SQLite cannot read it (${(e as Error).message})`);
    }
    if (result !== "ok")
      throw wrongSchema(shown, `integrity_check: ${result.slice(0, 300)}`, "the file is damaged: restore another backup");
    const have = new Set((db.query("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
    const missing = [MIGRATIONS_TABLE, ...TABLES].filter((t) => !have.has(t));
    if (missing.length) throw wrongSchema(shown, `no table ${missing.join(", ")} (tables: ${[...have].slice(0, 8).join(", ") || "none"})`);
    const applied = (db.query(`SELECT count(*) AS n FROM "${MIGRATIONS_TABLE}"`).get() as { n: number }).n;
    if (applied === 0) throw wrongSchema(shown, `an empty ${MIGRATIONS_TABLE} table`);
    try {
      applyMigrations(db); // an older backup is brought up to date; a newer one is refused
    } catch (e) {
      if (e instanceof DashDevicesError) throw wrongSchema(shown, `${e.detail.what} ${e.detail.found ?? ""}`.trim(), e.detail.fix);
      throw e;
    }
    return tableCounts(db);
  } finally {
    db.close(false);
  }
}

export interface RestoreResult {
  /** The database now in place. */
  path: string;
  /** Where the database it replaced was kept (undefined when there was none). */
  previous: string | undefined;
  counts: Record<string, number>;
}

/**
 * Puts the backup `file` in place of the database at `target`. Refuses (DD_DB_IN_USE) while any
 * process has the database open; checks the file first (DD_RESTORE_NOT_SQLITE,
 * DD_RESTORE_SCHEMA); keeps the replaced database as `target.before-restore` (replacing an older
 * one of that name). The file itself is never changed: a private copy is checked and moved in.
 * @example
 * restoreDatabase("/var/lib/dash-devices/gadget/dash-devices.sqlite", "gadget-20261129-101500.sqlite");
 */
export function restoreDatabase(target: string, file: string): RestoreResult {
  const dest = resolve(target);
  const from = resolve(file);
  if (from === dest) throw wrongSchema(from, "the database in use itself", "name a backup file, not the live database");
  checkHeader(from);
  if (databaseInUse(dest)) throw inUse(dest);
  const staged = `${dest}.restoring-${process.pid}`;
  try {
    copyFileSync(from, staged);
    chmodSync(staged, 0o600);
    const counts = checkRestorable(staged, from);
    // Checked again right before the swap: a server may have started while the copy was checked.
    if (databaseInUse(dest)) throw inUse(dest);
    let previous: string | undefined;
    if (existsSync(dest)) {
      // The last connection to close checkpoints the WAL into the file and deletes -wal/-shm: the
      // kept copy is whole, and no stale -wal can be replayed into the restored file.
      const old = new Database(dest, { readwrite: true, create: false });
      try {
        old.run("PRAGMA wal_checkpoint(TRUNCATE)");
      } finally {
        old.close(false);
      }
      previous = `${dest}${BEFORE_RESTORE_SUFFIX}`;
      renameSync(dest, previous);
      for (const ext of ["-wal", "-shm"]) if (existsSync(dest + ext)) renameSync(dest + ext, previous + ext);
    }
    renameSync(staged, dest);
    return { path: dest, previous, counts };
  } finally {
    rmSync(staged, { force: true });
    for (const ext of ["-wal", "-shm", "-journal"]) rmSync(staged + ext, { force: true });
  }
}

function inUse(path: string): DashDevicesError {
  return new DashDevicesError("DD_DB_IN_USE", {
    what: `the database ${path} is open in another process (the app is running?).`,
    expected: "no process using the data directory during a restore",
    found: "SQLite refused an exclusive lock on it",
    fix: "stop the app first (e.g. sudo systemctl stop dash-devices-NAME), restore, then start it again",
  });
}
