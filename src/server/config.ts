/**
 * @module config
 * Where the server listens: `--port N` / `--host H` on the command line, else the `PORT` / `HOST`
 * environment variables, else what the app passed to `run()`, else 0.0.0.0:5000 (reachable on
 * the device's IP, as the original). And which Host names it answers to besides its own
 * (`--allowed-hosts`, `allowedHosts`: both lists count) and whether a reverse proxy is trusted
 * (`--trust-proxy`, `trustProxy`). Bad values are errors that say what was wrong.
 */

import { DashDevicesError } from "../core/errors.ts";
import { parseHost } from "../auth/csrf.ts";
import type { EdgeOptions } from "./hosts.ts";
import type { InterfaceList } from "./addresses.ts";

export interface ListenConfig {
  host: string;
  port: number;
  /** Host names beyond the device's own, and the reverse proxy (src/server/hosts.ts). */
  edge?: EdgeOptions;
  /** @internal the machine's network interfaces (default os.networkInterfaces): tests pass their own. */
  interfaces?: InterfaceList;
}

/**
 * A list of host names: "a,b" or an array; each a name or address, maybe with a port
 * ("gadget.example.org", "gadget:8080", "[fd00::5]"), ".example.org" for a domain and its
 * subdomains, or "*" for any host (no DNS rebinding protection).
 */
export function parseAllowedHosts(raw: string | readonly string[], source: string): string[] {
  const list = (typeof raw === "string" ? raw.split(",") : [...raw]).map((h) => String(h).trim()).filter(Boolean);
  for (const h of list) {
    const name = h.startsWith(".") ? h.slice(1) : h;
    if (h === "*" || parseHost(name)) continue;
    throw new DashDevicesError("DD_BAD_OPTION", {
      what: `${source} has an entry that is not a host name.`,
      expected: 'names or addresses, comma-separated, maybe with a port: "gadget.example.org,gadget:8080", ".example.org", or "*"',
      found: JSON.stringify(h),
      fix: /^[a-z]+:\/\//i.test(h)
        ? `give the name without the scheme: ${h.replace(/^[a-z]+:\/\//i, "").replace(/\/.*$/, "")}`
        : "e.g. --allowed-hosts gadget.example.org",
    });
  }
  return list;
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
 * what the app passed to run(), else 0.0.0.0:5000. Allowed hosts add up (the app's, run()'s, the
 * command line's); a proxy is trusted if any of them says so.
 */
export function listenConfig(
  given: Partial<ListenConfig>,
  cli: { port?: number; host?: string; allowedHosts?: readonly string[]; trustProxy?: boolean },
  app: EdgeOptions = {},
): ListenConfig {
  const port = cli.port ?? (given.port !== undefined ? parsePort(given.port, "run({ port })") : 5000);
  const allowedHosts = [
    ...parseAllowedHosts(app.allowedHosts ?? [], "allowedHosts"),
    ...parseAllowedHosts(given.edge?.allowedHosts ?? [], "run({ edge })"),
    ...(cli.allowedHosts ?? []),
  ];
  return {
    host: cli.host ?? given.host ?? "0.0.0.0",
    port,
    edge: { allowedHosts, trustProxy: !!(cli.trustProxy || given.edge?.trustProxy || app.trustProxy) },
    interfaces: given.interfaces,
  };
}
