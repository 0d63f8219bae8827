/**
 * @module backup-cli
 * `--backup FILE` and `--restore FILE` at the device's console, without starting the server.
 * A backup is safe while the app runs (src/db/backup.ts: one consistent snapshot); a restore
 * refuses while it runs. Both are written to the audit log (`admin.backup` in the database that
 * was copied, `admin.restore` in the database put back), with the operating-system user as actor.
 * Loaded only when one of the flags is given, so it costs an app's start-up nothing.
 */

import { userInfo } from "node:os";
import { databasePathIn, defaultDatabasePath, openDatabase } from "../db/open.ts";
import { backupDatabase, restoreDatabase } from "../db/backup.ts";
import { audit } from "../db/audit.ts";
import { DashDevicesError, formatError } from "../core/errors.ts";
import type { CliOptions } from "./cli.ts";

function consoleUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? "unknown";
  }
}

/** Writes one audit entry; a log that cannot be written does not undo the work done. */
function record(path: string, action: string, target: string, detail: Record<string, unknown>): void {
  try {
    const h = openDatabase({ path });
    try {
      audit(h.db, { action, target, detail: { ...detail, via: "console", user: consoleUser() } });
    } finally {
      h.close();
    }
  } catch (e) {
    process.stderr.write(`warning: the audit entry ${action} was not written (${(e as Error).message.split("\n")[0]})\n`);
  }
}

/** Runs `--backup FILE` or `--restore FILE`; returns the process exit code. */
export function backupFromCli(cli: CliOptions, dataDir: string | undefined): number {
  const path = dataDir ? databasePathIn(dataDir) : defaultDatabasePath();
  try {
    if (cli.backup !== undefined && cli.restore !== undefined) {
      throw new DashDevicesError("DD_BAD_OPTION", {
        what: "--backup and --restore exclude each other.",
        expected: "one of them",
        found: "both",
        fix: "run the two one after the other",
      });
    }
    if (cli.backup !== undefined) {
      const r = backupDatabase(path, cli.backup);
      record(path, "admin.backup", r.path, { bytes: r.bytes });
      process.stdout.write(`backup of ${path} written to ${r.path} (${r.bytes} bytes, ${Math.round(r.ms)} ms)\n`);
      return 0;
    }
    const r = restoreDatabase(path, cli.restore!);
    record(r.path, "admin.restore", r.path, { from: cli.restore, previous: r.previous ?? null, rows: r.counts });
    const rows = Object.entries(r.counts)
      .map(([t, n]) => `${t} ${n}`)
      .join(", ");
    process.stdout.write(
      `restored ${r.path} from ${cli.restore} (${rows})${r.previous ? `; the replaced database is kept as ${r.previous}` : ""}\n`,
    );
    return 0;
  } catch (e) {
    if (!(e instanceof DashDevicesError)) throw e;
    process.stderr.write(`error: ${formatError(e.code, e.detail)}\n`);
    return e.code === "DD_DB_IN_USE" ? 3 : 1;
  }
}
