/**
 * @module cli
 * The command line every app (and its compiled executable) understands, with the same settings
 * from environment variables: where to listen, where the data lives, which hardware to use, and
 * the one-off actions (--help, --version, --create-admin). Bad values are errors that say what was
 * wrong; flags the app itself may use are left alone.
 */

import { DashDevicesError } from "../core/errors.ts";
import { parseAllowedHosts, parsePort } from "./config.ts";
import pkg from "../../package.json" with { type: "json" };

export interface CliOptions {
  port?: number;
  host?: string;
  dataDir?: string;
  /** I2C bus number (/dev/i2c-N); undefined: simulated unless a bus exists. */
  i2cBus?: number;
  /** GPIO chip number (/dev/gpiochipN). */
  gpiochip?: number;
  /** Force simulated devices even when hardware exists. */
  sim: boolean;
  /** Create (or with --reset, reset) this admin, reading the password from stdin, then exit. */
  createAdmin?: string;
  resetAdmin: boolean;
  logFormat: "text" | "json";
  /** Host names to answer besides the device's own (--allowed-hosts a,b; "*": any). */
  allowedHosts?: string[];
  /** Behind a reverse proxy: believe X-Forwarded-For/-Proto/-Host. */
  trustProxy: boolean;
  /** Audit log retention: entries older than this many days go (0: no limit by age). */
  auditMaxAgeDays?: number;
  /** Audit log retention: at most this many entries are kept (0: no limit by count). */
  auditMaxRows?: number;
  help: boolean;
  version: boolean;
}

export const VERSION: string = pkg.version;

export function usage(name: string): string {
  return `${name} ${VERSION} — a dash-devices app

Usage: ${name} [options]

  --port N            port to listen on (default 5000; 0 picks a free one)        PORT
  --host H            address to listen on (default 0.0.0.0: every interface)     HOST
  --data-dir D        where the database lives (default: data/ beside the app)   DATA_DIR
  --i2c-bus N         use the real I2C bus /dev/i2c-N                             I2C_BUS
  --gpiochip N        use the real GPIO chip /dev/gpiochipN                       GPIOCHIP
  --sim               use simulated devices even if hardware is present           DD_SIM=1
  --log-format F      "text" (default) or "json" lines                            LOG_FORMAT
  --allowed-hosts L   more names this device answers to, e.g. gadget.example.org  ALLOWED_HOSTS
                      (its IP addresses, hostname, HOSTNAME.local and localhost
                      always work; "*" turns the check off: unsafe, DNS rebinding)
  --trust-proxy       behind a reverse proxy: read X-Forwarded-For/-Proto/-Host   TRUST_PROXY=1
  --audit-max-age-days N
                      delete audit log entries older than N days (default 90;     AUDIT_MAX_AGE_DAYS
                      0: no limit by age); applied at start and daily
  --audit-max-rows N  keep only the newest N audit log entries (default 200000;   AUDIT_MAX_ROWS
                      0: no limit by count)
  --create-admin U    create the admin user U (password read from stdin), then exit
  --reset             with --create-admin: reset U's password instead
  --help              show this help
  --version           show the app's and dash-devices' versions
  i2c scan|get|set    the I2C tools, e.g. \`${name} i2c scan --bus 1\` (i2c --help)

Open http://<device address>:<port>/ in a browser. /admin manages clients, users and the audit log.
`;
}

function value(argv: readonly string[], i: number, flag: string): string {
  const v = argv[i + 1];
  if (v === undefined || v.startsWith("--")) {
    throw new DashDevicesError("DD_BAD_OPTION", { what: `${flag} needs a value.`, expected: `${flag} VALUE`, found: `${flag} with nothing after it`, fix: `see --help` });
  }
  return v;
}

function nonNegativeInt(raw: string, flag: string): number {
  if (!/^\d+$/.test(raw.trim())) {
    throw new DashDevicesError("DD_BAD_OPTION", { what: `${flag} is not a number.`, expected: "a whole number such as 1", found: JSON.stringify(raw), fix: `e.g. ${flag} 1` });
  }
  return Number(raw);
}

export function parseCli(argv: readonly string[] = process.argv.slice(2), env: Record<string, string | undefined> = process.env): CliOptions {
  const o: CliOptions = { sim: env.DD_SIM === "1" || env.DD_SIM === "true", resetAdmin: false, logFormat: "text", help: false, version: false, trustProxy: env.TRUST_PROXY === "1" || env.TRUST_PROXY === "true" };
  if (env.ALLOWED_HOSTS) o.allowedHosts = parseAllowedHosts(env.ALLOWED_HOSTS, "ALLOWED_HOSTS");
  if (env.PORT) o.port = parsePort(env.PORT, "PORT");
  if (env.HOST) o.host = env.HOST;
  if (env.DATA_DIR) o.dataDir = env.DATA_DIR;
  if (env.I2C_BUS) o.i2cBus = nonNegativeInt(env.I2C_BUS, "I2C_BUS");
  if (env.GPIOCHIP) o.gpiochip = nonNegativeInt(env.GPIOCHIP, "GPIOCHIP");
  if (env.LOG_FORMAT) o.logFormat = logFormat(env.LOG_FORMAT, "LOG_FORMAT");
  if (env.AUDIT_MAX_AGE_DAYS) o.auditMaxAgeDays = nonNegativeInt(env.AUDIT_MAX_AGE_DAYS, "AUDIT_MAX_AGE_DAYS");
  if (env.AUDIT_MAX_ROWS) o.auditMaxRows = nonNegativeInt(env.AUDIT_MAX_ROWS, "AUDIT_MAX_ROWS");
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]!;
    let inline: string | undefined;
    const eq = a.indexOf("=");
    if (a.startsWith("--") && eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const take = () => {
      if (inline !== undefined) return inline;
      const v = value(argv, i, a);
      i++;
      return v;
    };
    switch (a) {
      case "--port": o.port = parsePort(take(), "--port"); break;
      case "--host": o.host = take(); break;
      case "--data-dir": o.dataDir = take(); break;
      case "--i2c-bus": o.i2cBus = nonNegativeInt(take(), "--i2c-bus"); break;
      case "--gpiochip": o.gpiochip = nonNegativeInt(take(), "--gpiochip"); break;
      case "--sim": o.sim = true; break;
      case "--log-format": o.logFormat = logFormat(take(), "--log-format"); break;
      case "--allowed-hosts": o.allowedHosts = [...(o.allowedHosts ?? []), ...parseAllowedHosts(take(), "--allowed-hosts")]; break;
      case "--trust-proxy": o.trustProxy = true; break;
      case "--audit-max-age-days": o.auditMaxAgeDays = nonNegativeInt(take(), "--audit-max-age-days"); break;
      case "--audit-max-rows": o.auditMaxRows = nonNegativeInt(take(), "--audit-max-rows"); break;
      case "--create-admin": o.createAdmin = take(); break;
      case "--reset": o.resetAdmin = true; break;
      case "--help": case "-h": o.help = true; break;
      case "--version": case "-v": o.version = true; break;
      default: break; // the app's own flags
    }
  }
  return o;
}

/**
 * `parseCli` for an app's entry: a bad flag or variable prints one line (and its fix) and exits
 * with status 2, as command-line tools do, instead of a stack trace (and, from a compiled
 * executable, kilobytes of its minified source).
 */
export function parseCliOrExit(argv: readonly string[] = process.argv.slice(2), env: Record<string, string | undefined> = process.env): CliOptions {
  try {
    return parseCli(argv, env);
  } catch (e) {
    if (e instanceof DashDevicesError) exitWithError(e);
    throw e;
  }
}

/** Prints `error: [CODE] what (found ...)` and `  fix: ...` on stderr and exits with status 2. */
export function exitWithError(e: DashDevicesError): never {
  const d = e.detail;
  process.stderr.write(`error: [${e.code}] ${d.what}${d.found ? ` (found ${d.found})` : ""}\n${d.fix ? `  fix: ${d.fix}\n` : ""}`);
  process.exit(2);
}

function logFormat(v: string, flag: string): "text" | "json" {
  if (v === "text" || v === "json") return v;
  throw new DashDevicesError("DD_BAD_OPTION", { what: `${flag} must be "text" or "json".`, expected: '"text" or "json"', found: JSON.stringify(v), fix: `e.g. ${flag} json` });
}

/** Reads a password: from stdin when piped, else prompted twice without echo. */
export async function readPassword(prompt = "Password: "): Promise<string> {
  if (!process.stdin.isTTY) {
    const text = await new Response(Bun.stdin.stream()).text();
    return text.split(/\r?\n/)[0] ?? "";
  }
  const ask = async (q: string) => {
    process.stdout.write(q);
    const { spawnSync } = await import("node:child_process");
    spawnSync("stty", ["-echo"], { stdio: "inherit" });
    try {
      for await (const line of console) return line;
      return "";
    } finally {
      spawnSync("stty", ["echo"], { stdio: "inherit" });
      process.stdout.write("\n");
    }
  };
  const a = await ask(prompt);
  const b = await ask("Again: ");
  if (a !== b) throw new DashDevicesError("DD_BAD_PASSWORD", { what: "the two passwords differ.", expected: "the same password twice", found: "two different entries", fix: "try again" });
  return a;
}
