/**
 * @module config
 * Where the server listens: `--port N` / `--host H` on the command line, else the `PORT` / `HOST`
 * environment variables, else what the app passed to `run()`, else 0.0.0.0:5000 (reachable on
 * the device's IP, as the original). Bad values are errors that say what was wrong.
 */

import { DashDevicesError } from "../core/errors.ts";

export interface ListenConfig {
  host: string;
  port: number;
}

function flag(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === `--${name}`) return argv[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

export function parsePort(raw: string | number, source: string): number {
  const n = typeof raw === "number" ? raw : Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535 || (typeof raw === "string" && !/^\d+$/.test(raw.trim()))) {
    throw new DashDevicesError("DD_BAD_OPTION", {
      what: `the port from ${source} is not a port number.`,
      expected: "an integer from 0 to 65535 (0 picks a free port)",
      found: JSON.stringify(raw),
      fix: `e.g. --port 5000 or PORT=5000`,
    });
  }
  return n;
}

export function listenConfig(
  given: Partial<ListenConfig> = {},
  argv: readonly string[] = process.argv.slice(2),
  env: Record<string, string | undefined> = process.env,
): ListenConfig {
  const argPort = flag(argv, "port");
  const argHost = flag(argv, "host");
  let port = 5000;
  if (argPort !== undefined) port = parsePort(argPort, "--port");
  else if (env.PORT) port = parsePort(env.PORT, "PORT");
  else if (given.port !== undefined) port = parsePort(given.port, "run({ port })");
  const host = argHost ?? env.HOST ?? given.host ?? "0.0.0.0";
  return { host, port };
}
