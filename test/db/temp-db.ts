/**
 * @module test/db/temp-db
 * Real SQLite files in fresh temporary directories for the db and auth tests (no mocks).
 */
import { afterAll, afterEach, beforeEach } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type DatabaseHandle } from "../../src/db/open.ts";

export interface TempDb extends DatabaseHandle {
  dir: string;
  /** Close and delete the directory. */
  dispose(): void;
}

export function tempDir(prefix = "dd-db-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A new temp dir for the tests of this file (or describe block), made now and deleted in afterAll. */
export function useTempDir(prefix = "dd-test-"): string {
  const dir = tempDir(prefix);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Opens a migrated database in a new temp dir. */
export function openTempDb(): TempDb {
  const dir = tempDir();
  const handle = openDatabase({ path: join(dir, "data", "dash-devices.sqlite") });
  return {
    ...handle,
    dir,
    dispose() {
      handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A migrated database in a new temp dir for each test, closed and deleted after it: its fields are the running test's. */
export function useTempDb(): TempDb {
  const t = {} as TempDb;
  beforeEach(() => void Object.assign(t, openTempDb()));
  afterEach(() => t.dispose());
  return t;
}
