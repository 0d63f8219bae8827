// Backups while the database is written by another process, and restores: real SQLite files, a
// real writer process, the real command line (--backup, --restore) against a running server.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openDatabase } from "../../src/db/open.ts";
import { backupDatabase, checkRestorable, databaseInUse, restoreDatabase } from "../../src/db/backup.ts";
import { DashDevicesError } from "../../src/core/errors.ts";
import { createUser } from "../../src/auth/users.ts";
import { queryAudit } from "../../src/db/audit.ts";
import { freePort, until } from "../helpers/server.ts";
import { tempDir } from "./temp-db.ts";

const root = tempDir("dd-backup-");
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Every table's rows in rowid order: two databases with equal dumps hold the same data. */
function dump(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  try {
    const tables = (
      db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]
    ).map((r) => r.name);
    return Object.fromEntries(tables.map((t) => [t, db.query(`SELECT * FROM "${t}" ORDER BY rowid`).all()]));
  } finally {
    db.close();
  }
}

function integrity(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    return (db.query("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check;
  } finally {
    db.close();
  }
}

function maxAuditId(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.query("SELECT coalesce(max(id), 0) AS n FROM audit_log").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function newDatabase(dir: string, users: string[]): Promise<string> {
  const h = openDatabase({ path: join(dir, "dash-devices.sqlite") });
  for (const u of users) await createUser(h.db, { username: u, password: `${u}-password`, role: "admin" });
  h.close();
  return h.path;
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof DashDevicesError) return e.code;
    throw e;
  }
  return undefined;
}

test("a backup taken while another process commits audit rows is a consistent snapshot, and restores to an identical database", async () => {
  const dir = join(root, "load");
  const source = await newDatabase(dir, ["owner", "ana"]);
  const writer = Bun.spawn(["bun", join(import.meta.dir, "../helpers/audit-writer.ts"), source], { stdout: "pipe", stderr: "inherit" });
  let started = "";
  const reader = (async () => {
    for await (const c of writer.stdout) started += new TextDecoder().decode(c);
  })();
  try {
    expect(await until(() => started.includes("writing"), 15000)).toBe(true);
    expect(await until(() => maxAuditId(source) > 300, 15000)).toBe(true); // the load is well under way
    const before = maxAuditId(source);
    const backup = backupDatabase(source, join(root, "load.sqlite"));
    const after = maxAuditId(source);
    writer.kill("SIGKILL");
    await writer.exited;
    void reader;

    expect(integrity(backup.path)).toBe("ok");
    expect(backup.bytes).toBe(readFileSync(backup.path).byteLength);
    const copy = dump(backup.path);
    const live = dump(source);
    // The snapshot's audit rows are exactly the source's first K rows (ids are monotonic and the
    // writer commits one row per transaction): no row missing inside, none half-written.
    const ids = (copy.audit_log as { id: number }[]).map((r) => r.id);
    const k = ids.length;
    expect(ids).toEqual(Array.from({ length: k }, (_, i) => i + 1));
    expect(k).toBeGreaterThanOrEqual(before);
    expect(k).toBeLessThanOrEqual(after);
    expect(copy.audit_log).toEqual(live.audit_log!.slice(0, k));
    for (const t of Object.keys(live)) if (t !== "audit_log") expect({ [t]: copy[t] }).toEqual({ [t]: live[t] });
    expect(Object.keys(copy).sort()).toEqual(Object.keys(live).sort());

    // Restore into another data dir that has a database of its own.
    const target = await newDatabase(join(root, "other"), ["someone-else"]);
    const old = dump(target);
    const r = restoreDatabase(target, backup.path);
    expect(r.previous).toBe(`${target}.before-restore`);
    expect(dump(r.previous!)).toEqual(old);
    expect(integrity(target)).toBe("ok");
    expect(dump(target)).toEqual(copy); // the backup compared with itself after the restore
    expect(r.counts.audit_log).toBe(k);
    expect(existsSync(`${target}-wal`)).toBe(false);
    // and the app opens it as its own (no migration needed, the users are there)
    const h = openDatabase({ path: target });
    expect(h.migrated).toEqual([]);
    expect((h.sqlite.query("SELECT username FROM users ORDER BY id").all() as { username: string }[]).map((u) => u.username)).toEqual([
      "owner",
      "ana",
    ]);
    h.close();
  } finally {
    writer.kill("SIGKILL");
  }
}, 60000);

test("a backup is made 0600 and never overwrites a file", async () => {
  const source = await newDatabase(join(root, "modes"), ["owner"]);
  const dest = join(root, "modes.sqlite");
  backupDatabase(source, dest);
  const { statSync } = await import("node:fs");
  expect(statSync(dest).mode & 0o777).toBe(0o600);
  expect(code(() => backupDatabase(source, dest))).toBe("DD_BACKUP_FAILED");
  expect(code(() => backupDatabase(join(root, "nothing-here.sqlite"), join(root, "x.sqlite")))).toBe("DD_BACKUP_FAILED");
  expect(existsSync(join(root, "x.sqlite"))).toBe(false);
});

test("a restore refuses what is not SQLite, not ours, damaged or newer, and changes nothing", async () => {
  const target = await newDatabase(join(root, "refuse"), ["owner"]);
  const before = dump(target);
  const text = join(root, "page.html");
  writeFileSync(text, "<!doctype html><title>Error</title>" + " ".repeat(1000));
  expect(code(() => restoreDatabase(target, text))).toBe("DD_RESTORE_NOT_SQLITE");
  expect(code(() => restoreDatabase(target, join(root, "missing.sqlite")))).toBe("DD_RESTORE_NOT_SQLITE");

  const foreign = join(root, "foreign.sqlite");
  const f = new Database(foreign, { create: true });
  f.run("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)");
  f.close();
  let err: DashDevicesError | undefined;
  try {
    restoreDatabase(target, foreign);
  } catch (e) {
    err = e as DashDevicesError;
  }
  expect(err?.code).toBe("DD_RESTORE_SCHEMA");
  expect(err?.detail.found).toContain("no table __drizzle_migrations");

  // A backup from a newer version (a migration this program does not know) is refused.
  const newer = join(root, "newer.sqlite");
  backupDatabase(target, newer);
  const n = new Database(newer);
  n.run(`INSERT INTO "__drizzle_migrations" (hash, created_at) VALUES ('feed', ${Date.now() + 1e9})`);
  n.close();
  expect(code(() => restoreDatabase(target, newer))).toBe("DD_RESTORE_SCHEMA");

  // A damaged file: a page in the middle overwritten.
  const damaged = join(root, "damaged.sqlite");
  const big = await newDatabase(join(root, "big"), ["owner"]);
  const h = openDatabase({ path: big });
  for (let i = 0; i < 2000; i++)
    h.sqlite.run("INSERT INTO audit_log (time, action, target) VALUES (?, 'x', ?)", [Date.now(), "y".repeat(100)]);
  h.close();
  backupDatabase(big, damaged);
  const bytes = readFileSync(damaged);
  bytes.fill(0x55, 4096 * 3, 4096 * 5);
  writeFileSync(damaged, bytes);
  expect(["DD_RESTORE_SCHEMA", "DD_RESTORE_NOT_SQLITE"]).toContain(code(() => checkRestorable(damaged))!);
  expect(["DD_RESTORE_SCHEMA", "DD_RESTORE_NOT_SQLITE"]).toContain(code(() => restoreDatabase(target, damaged))!);

  expect(dump(target)).toEqual(before);
  expect(existsSync(`${target}.before-restore`)).toBe(false);
});

describe("at the console, beside a running server", () => {
  const dir = join(root, "cli");
  const data = join(dir, "data");
  const backupFile = join(dir, "backup.sqlite");
  let server: ReturnType<typeof Bun.spawn> | undefined;
  let out = "";
  const app = join(import.meta.dir, "../../examples/example1.ts");
  const cli = (...args: string[]) =>
    Bun.spawnSync(["bun", app, "--data-dir", data, ...args], {
      stdout: "pipe",
      stderr: "pipe",
      env: { ...process.env, PORT: "", HOST: "" },
    });

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    const port = freePort();
    server = Bun.spawn(["bun", app, "--data-dir", data, "--port", String(port), "--host", "127.0.0.1"], { stdout: "pipe", stderr: "pipe" });
    void (async () => {
      for await (const c of server!.stderr as ReadableStream<Uint8Array>) out += new TextDecoder().decode(c);
    })();
    void (async () => {
      for await (const c of server!.stdout as ReadableStream<Uint8Array>) out += new TextDecoder().decode(c);
    })();
    if (!(await until(() => out.includes("server.listening"), 20000))) throw new Error(`server did not start:\n${out}`);
  }, 30000);
  afterAll(async () => {
    server?.kill("SIGTERM");
    await server?.exited;
  });

  test("--backup works while the server runs and is audited; --restore is refused until it stops, then swaps and is audited", async () => {
    const db = join(data, "dash-devices.sqlite");
    expect(databaseInUse(db)).toBe(true);
    const b = cli("--backup", backupFile);
    expect(b.stderr.toString()).toBe("");
    expect(b.exitCode).toBe(0);
    expect(b.stdout.toString()).toContain(`written to ${backupFile}`);
    expect(integrity(backupFile)).toBe("ok");
    const h = openDatabase({ path: db, migrate: false });
    expect(queryAudit(h.db, { action: "admin.backup" }).rows[0]?.target).toBe(backupFile);
    h.close();

    const refused = cli("--restore", backupFile);
    expect(refused.exitCode).toBe(3);
    const err = refused.stderr.toString();
    expect(err).toStartWith("error: [DD_DB_IN_USE] the database");
    expect(err).toContain("fix:      stop the app first");
    expect(existsSync(`${db}.before-restore`)).toBe(false);

    server!.kill("SIGTERM");
    await server!.exited;
    expect(databaseInUse(db)).toBe(false);
    const r = cli("--restore", backupFile);
    expect(r.stderr.toString()).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout.toString()).toContain("kept as");
    expect(existsSync(`${db}.before-restore`)).toBe(true);
    const after = openDatabase({ path: db, migrate: false });
    const entry = queryAudit(after.db, { action: "admin.restore" }).rows[0];
    expect(entry?.detail?.from).toBe(backupFile);
    expect(queryAudit(after.db, { action: "admin.backup" }).total).toBe(0); // the copy predates its own audit entry
    after.close();

    const bad = cli("--restore", join(dir, "nope.sqlite"));
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr.toString()).toStartWith("error: [DD_RESTORE_NOT_SQLITE]");
  }, 60000);
});
