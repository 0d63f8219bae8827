import { afterEach, expect, test } from "bun:test";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { audit, queryAudit } from "../../src/db/audit.ts";
import { databasePathIn, defaultDatabasePath, isCompiled, openDatabase } from "../../src/db/open.ts";
import { tempDir } from "./temp-db.ts";
import { thrown } from "../helpers/errors.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const fresh = () => {
  const d = tempDir();
  dirs.push(d);
  return d;
};

test("the default path is ./data/dash-devices.sqlite when not compiled", () => {
  expect(isCompiled()).toBe(false);
  expect(defaultDatabasePath()).toBe(join(process.cwd(), "data", "dash-devices.sqlite"));
  expect(databasePathIn("/srv/gadget")).toBe("/srv/gadget/dash-devices.sqlite");
});

test("creates missing data directories and keeps what was written across a reopen", () => {
  const path = join(fresh(), "a", "b", "data", "x.sqlite");
  const first = openDatabase({ path });
  expect(existsSync(path)).toBe(true);
  audit(first.db, { action: "test.persist", target: "t" });
  first.close();
  first.close(); // twice is harmless
  const second = openDatabase({ path });
  expect(queryAudit(second.db, { action: "test.persist" }).total).toBe(1);
  second.close();
});

test("an unusable path fails with DD_DB_OPEN saying what was found and what to do", () => {
  const dir = fresh();
  writeFileSync(join(dir, "file"), "not a directory");
  const err = thrown(() => openDatabase({ path: join(dir, "file", "data", "db.sqlite") }));
  expect(err.code).toBe("DD_DB_OPEN");
  expect(err.message).toContain("cannot be created");
  expect((err as Error).message).toContain("fix:");
});

test("a file that is not a database fails with DD_DB_OPEN", () => {
  const path = join(fresh(), "junk.sqlite");
  writeFileSync(path, "x".repeat(4096));
  expect(() => openDatabase({ path })).toThrow(/DD_DB_OPEN/);
});

test("a path that is a directory fails with DD_DB_OPEN", () => {
  const dir = fresh();
  expect(() => openDatabase({ path: dir })).toThrow(/DD_DB_OPEN[\s\S]*a directory at that path/);
});

test(":memory: works for throwaway databases", () => {
  const store = openDatabase({ path: ":memory:" });
  expect(store.migrated.length).toBeGreaterThan(0);
  store.close();
});
