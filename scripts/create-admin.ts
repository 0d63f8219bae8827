#!/usr/bin/env bun
/**
 * Creates an admin, or with --reset makes an existing user an enabled admin with a new password
 * (and ends their sessions): the way in when the setup link is lost or the password forgotten.
 *
 *   bun run scripts/create-admin.ts --username ana [--data-dir ./data] [--reset]
 *   echo "$PASSWORD" | bun run scripts/create-admin.ts --username ana       # password from stdin
 *
 * The password is read from stdin when it is piped (first line), else prompted for twice without
 * echo. It never appears on the command line, where other users could see it in `ps`.
 */
import { parseArgs } from "node:util";
import { DashDevicesError } from "../src/core/errors.ts";
import { databasePathIn, defaultDatabasePath, openDatabase } from "../src/db/open.ts";
import { createAdmin, resetAdmin } from "../src/auth/setup.ts";
import { validatePassword } from "../src/auth/password.ts";

function usage(message?: string): never {
  if (message) console.error(`create-admin: ${message}`);
  console.error(
    "usage: bun run scripts/create-admin.ts --username NAME [--data-dir DIR] [--reset]\n       (password from stdin, or prompted)",
  );
  process.exit(2);
}

/** Reads one line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  process.stderr.write(question);
  const stdin = process.stdin;
  return new Promise((done) => {
    let value = "";
    const finish = () => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
      done(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of String(chunk)) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") return finish();
        if (ch === "\u0003") {
          stdin.setRawMode(false);
          process.stderr.write("\n");
          process.exit(130);
        }
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.on("data", onData);
    stdin.resume();
  });
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const text = await new Response(Bun.stdin.stream()).text();
    return text.split(/\r?\n/)[0] ?? "";
  }
  const first = await promptHidden("Password: ");
  validatePassword(first);
  const again = await promptHidden("Password again: ");
  if (first !== again) usage("the two passwords differ");
  return first;
}

async function main(): Promise<void> {
  // biome-ignore lint/suspicious/noImplicitAnyLet: not any: tsc (strict) types it from the parseArgs() in the try, options included
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        username: { type: "string" },
        "data-dir": { type: "string" },
        reset: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (e) {
    usage((e as Error).message);
  }
  if (values.help) usage();
  if (!values.username) usage("--username is required");
  const path = values["data-dir"] ? databasePathIn(values["data-dir"]) : defaultDatabasePath();
  const password = await readPassword();
  const store = openDatabase({ path });
  try {
    if (values.reset) {
      const r = await resetAdmin(store.db, { username: values.username, password });
      console.error(
        `create-admin: ${r.created ? "created" : "reset"} admin ${r.user.username} in ${store.path}` +
          (r.revokedSessionIds.length ? ` (${r.revokedSessionIds.length} session(s) ended)` : ""),
      );
    } else {
      const user = await createAdmin(store.db, { username: values.username, password });
      console.error(`create-admin: created admin ${user.username} in ${store.path}`);
    }
  } finally {
    store.close();
  }
}

main().catch((e) => {
  console.error(e instanceof DashDevicesError ? e.message : `create-admin: ${(e as Error).message}`);
  process.exit(1);
});
