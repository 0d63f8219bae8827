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

/**
 * Where to listen: the command line and environment (already parsed by cli.ts, flags first), else
 * what the app passed to run(), else 0.0.0.0:5000.
 */
export function listenConfig(given: Partial<ListenConfig>, cli: { port?: number; host?: string }): ListenConfig {
  const port = cli.port ?? (given.port !== undefined ? parsePort(given.port, "run({ port })") : 5000);
  return { host: cli.host ?? given.host ?? "0.0.0.0", port };
}
