/**
 * @module create-admin
 * `--create-admin NAME [--reset]`: creates the admin (or resets their password) in the app's
 * database without starting the server, for the owner at the device's console. The password is
 * read from stdin (piped) or prompted twice without echo.
 */

import { openDatabase, databasePathIn, defaultDatabasePath } from "../db/open.ts";
import { createAdmin, resetAdmin } from "../auth/setup.ts";
import { DashDevicesError } from "../core/errors.ts";
import { readPassword, type CliOptions } from "./cli.ts";

/** Returns the process exit code. */
export async function createAdminFromCli(cli: CliOptions, dataDir: string | undefined): Promise<number> {
  const username = cli.createAdmin ?? "";
  const db = openDatabase({ path: dataDir ? databasePathIn(dataDir) : defaultDatabasePath() });
  try {
    const password = await readPassword(`Password for ${username}: `);
    if (cli.resetAdmin) {
      const r = await resetAdmin(db.db, { username, password });
      // Say what the reset did besides the password: the owner came here locked out, or to lock someone out.
      const also = r.created ? "" : ` (its sessions ended: ${r.revokedSessionIds.length}; its failed logins no longer lock it out)`;
      process.stdout.write(`${r.created ? "created" : "reset"} admin "${r.user.username}" in ${db.path}${also}\n`);
    } else {
      const user = await createAdmin(db.db, { username, password });
      process.stdout.write(`created admin "${user.username}" in ${db.path}\n`);
    }
    return 0;
  } catch (e) {
    process.stderr.write(`${e instanceof DashDevicesError ? e.message : String(e)}\n`);
    return 1;
  } finally {
    db.close();
  }
}
