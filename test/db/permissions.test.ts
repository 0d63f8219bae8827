// Issue 10, L6: the database (password hashes, the server secret) must not be readable by other
// users of the machine, whatever modes its directory and files had before the server started.
import { afterEach, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { audit } from "../../src/db/audit.ts";
import { openDatabase } from "../../src/db/open.ts";
import { tempDir } from "./temp-db.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

test("L6: a pre-existing 0777 data directory and 0644 database files become 0700 and 0600", () => {
  const base = tempDir();
  dirs.push(base);
  const dir = join(base, "data");
  const path = join(dir, "dash-devices.sqlite");
  mkdirSync(dir);
  openDatabase({ path }).close(); // a real database, left by an earlier run
  writeFileSync(`${path}-wal`, "");
  writeFileSync(`${path}-shm`, "");
  chmodSync(dir, 0o777);
  for (const f of [path, `${path}-wal`, `${path}-shm`]) chmodSync(f, 0o644);
  expect([mode(dir), mode(path)]).toEqual(["777", "644"]);

  const store = openDatabase({ path });
  try {
    audit(store.db, { action: "test.write" }); // the WAL files are in use now
    expect(mode(dir)).toBe("700");
    for (const f of [path, `${path}-wal`, `${path}-shm`]) {
      expect(existsSync(f)).toBe(true);
      expect([f, mode(f)]).toEqual([f, "600"]);
    }
  } finally {
    store.close();
  }
});

test("L6: with a loose umask, a new data directory and database are still 0700 and 0600", () => {
  const base = tempDir();
  dirs.push(base);
  const path = join(base, "data", "dash-devices.sqlite");
  const old = process.umask(0);
  try {
    const store = openDatabase({ path });
    audit(store.db, { action: "test.write" });
    expect(mode(join(base, "data"))).toBe("700");
    for (const f of [path, `${path}-wal`, `${path}-shm`]) expect([f, mode(f)]).toEqual([f, "600"]);
    store.close();
  } finally {
    process.umask(old);
  }
});
