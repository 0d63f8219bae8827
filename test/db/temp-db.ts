/**
 * @module test/db/temp-db
 * Real SQLite files in fresh temporary directories for the db and auth tests (no mocks).
 */
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
