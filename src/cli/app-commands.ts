/**
 * @module cli/app-commands
 * Subcommands every app understands besides its options (src/server/cli.ts): `APP i2c scan|get|set`
 * runs the I2C tools and exits, so a device needs nothing but the app's binary. Imported first by
 * src/index.ts: it runs while the app's imports load, before the app's own code opens a bus or
 * starts a server.
 */

import { basename } from "node:path";

/** How the user started this program, for usage texts: "./gadget" or "bun app.ts". */
export function invokedAs(): string {
  return Bun.main.startsWith("/$bunfs/") ? `./${basename(process.execPath)}` : `bun ${basename(Bun.main)}`;
}

if (process.argv[2] === "i2c" && process.argv[1] === Bun.main) {
  // Loaded only when asked for: an app that does not use devices never evaluates the device layer.
  const { exitWith, runI2c } = require("./i2c.ts") as typeof import("./i2c.ts");
  exitWith(runI2c(process.argv.slice(3), `${invokedAs()} i2c`));
}
