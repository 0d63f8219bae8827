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
import { logFormat as processLogFormat } from "../core/log.ts";

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
  /** Write a consistent copy of the database to this file (the app may be running), then exit. */
  backup?: string;
  /** Replace the database with this backup (the app must be stopped), then exit. */
  restore?: string;
  logFormat: "text" | "json";
  /** Host names to answer besides the device's own (--allowed-hosts a,b; "*": any). */
  allowedHosts?: string[];
  /** Behind a reverse proxy: believe X-Forwarded-For/-Proto/-Host. */
  trustProxy: boolean;
  /** Audit log retention: entries older than this many days go (0: no limit by age). */
  auditMaxAgeDays?: number;
  /** Audit log retention: at most this many entries are kept (0: no limit by count). */
  auditMaxRows?: number;
  /** TLS: `--tls self-signed`, or `--tls-cert FILE --tls-key FILE` (PEM). */
  tls?: { selfSigned: true } | { cert: string; key: string };
  /** With TLS: a second port that answers http:// with a 308 to https:// on the main port. */
  httpRedirect?: number;
  /** Answer NAME.local and advertise the service by multicast DNS (off unless asked for). */
  mdns: boolean;
  /** The mDNS name (default: the host name). */
  mdnsName?: string;
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
  --tls self-signed   serve https with a certificate made for this device (kept  TLS=self-signed
                      in the data directory; its fingerprint is in the log)
  --tls-cert F --tls-key K
                      serve https with this PEM certificate and key            TLS_CERT, TLS_KEY
  --http-redirect N   with TLS, also listen on port N and redirect to https     HTTP_REDIRECT
  --mdns              answer HOSTNAME.local and advertise the app by mDNS       MDNS=1
  --mdns-name N       the .local name to answer instead of the host name        MDNS_NAME
  --create-admin U    create the admin user U (password read from stdin), then exit
  --reset             with --create-admin: reset U's password instead
  --backup FILE       write a consistent copy of the database to FILE (safe while
                      the app runs), then exit
  --restore FILE      replace the database with the backup FILE (stop the app
                      first; the old one is kept as dash-devices.sqlite.before-restore)
  --help              show this help
  --version           show the app's and dash-devices' versions
  i2c scan|get|set    the I2C tools, e.g. \`${name} i2c scan --bus 1\` (i2c --help)

Open http://<device address>:<port>/ in a browser. /admin manages clients, users and the audit log.
`;
}

function value(argv: readonly string[], i: number, flag: string): string {
  const v = argv[i + 1];
  if (v === undefined || v.startsWith("--")) {
    throw new DashDevicesError("DD_BAD_OPTION", {
      what: `${flag} needs a value.`,
      expected: `${flag} VALUE`,
      found: `${flag} with nothing after it`,
      fix: `see --help`,
    });
  }
  return v;
}

function nonNegativeInt(raw: string, flag: string): number {
  if (!/^\d+$/.test(raw.trim())) {
    throw new DashDevicesError("DD_BAD_OPTION", {
      what: `${flag} is not a number.`,
      expected: "a whole number such as 1",
      found: JSON.stringify(raw),
      fix: `e.g. ${flag} 1`,
    });
  }
  return Number(raw);
}

export function parseCli(
  argv: readonly string[] = process.argv.slice(2),
  env: Record<string, string | undefined> = process.env,
): CliOptions {
  const o: CliOptions = {
    mdns: env.MDNS === "1" || env.MDNS === "true",
    sim: env.DD_SIM === "1" || env.DD_SIM === "true",
    resetAdmin: false,
    logFormat: "text",
    help: false,
    version: false,
    trustProxy: env.TRUST_PROXY === "1" || env.TRUST_PROXY === "true",
  };
  if (env.ALLOWED_HOSTS) o.allowedHosts = parseAllowedHosts(env.ALLOWED_HOSTS, "ALLOWED_HOSTS");
  if (env.PORT) o.port = parsePort(env.PORT, "PORT");
  if (env.HOST) o.host = env.HOST;
  if (env.DATA_DIR) o.dataDir = env.DATA_DIR;
  if (env.I2C_BUS) o.i2cBus = nonNegativeInt(env.I2C_BUS, "I2C_BUS");
  if (env.GPIOCHIP) o.gpiochip = nonNegativeInt(env.GPIOCHIP, "GPIOCHIP");
  if (env.LOG_FORMAT) o.logFormat = logFormat(env.LOG_FORMAT, "LOG_FORMAT");
  if (env.AUDIT_MAX_AGE_DAYS) o.auditMaxAgeDays = nonNegativeInt(env.AUDIT_MAX_AGE_DAYS, "AUDIT_MAX_AGE_DAYS");
  if (env.AUDIT_MAX_ROWS) o.auditMaxRows = nonNegativeInt(env.AUDIT_MAX_ROWS, "AUDIT_MAX_ROWS");
  let tlsMode = env.TLS || undefined;
  let tlsCert = env.TLS_CERT || undefined;
  let tlsKey = env.TLS_KEY || undefined;
  if (env.HTTP_REDIRECT) o.httpRedirect = parsePort(env.HTTP_REDIRECT, "HTTP_REDIRECT");
  if (env.MDNS_NAME) o.mdnsName = mdnsName(env.MDNS_NAME, "MDNS_NAME");
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
      case "--port":
        o.port = parsePort(take(), "--port");
        break;
      case "--host":
        o.host = take();
        break;
      case "--data-dir":
        o.dataDir = take();
        break;
      case "--i2c-bus":
        o.i2cBus = nonNegativeInt(take(), "--i2c-bus");
        break;
      case "--gpiochip":
        o.gpiochip = nonNegativeInt(take(), "--gpiochip");
        break;
      case "--sim":
        o.sim = true;
        break;
      case "--log-format":
        o.logFormat = logFormat(take(), "--log-format");
        break;
      case "--allowed-hosts":
        o.allowedHosts = [...(o.allowedHosts ?? []), ...parseAllowedHosts(take(), "--allowed-hosts")];
        break;
      case "--trust-proxy":
        o.trustProxy = true;
        break;
      case "--audit-max-age-days":
        o.auditMaxAgeDays = nonNegativeInt(take(), "--audit-max-age-days");
        break;
      case "--audit-max-rows":
        o.auditMaxRows = nonNegativeInt(take(), "--audit-max-rows");
        break;
      case "--tls":
        tlsMode = take();
        break;
      case "--tls-cert":
        tlsCert = take();
        break;
      case "--tls-key":
        tlsKey = take();
        break;
      case "--http-redirect":
        o.httpRedirect = parsePort(take(), "--http-redirect");
        break;
      case "--mdns":
        o.mdns = true;
        break;
      case "--mdns-name":
        o.mdnsName = mdnsName(take(), "--mdns-name");
        break;
      case "--create-admin":
        o.createAdmin = take();
        break;
      case "--reset":
        o.resetAdmin = true;
        break;
      case "--backup":
        o.backup = take();
        break;
      case "--restore":
        o.restore = take();
        break;
      case "--help":
      case "-h":
        o.help = true;
        break;
      case "--version":
      case "-v":
        o.version = true;
        break;
      default:
        break; // the app's own flags
    }
  }
  o.tls = tlsOption(tlsMode, tlsCert, tlsKey);
  if (o.httpRedirect !== undefined && !o.tls) {
    throw new DashDevicesError("DD_BAD_OPTION", {
      what: "--http-redirect needs TLS.",
      expected: "--http-redirect N with --tls self-signed or --tls-cert/--tls-key",
      found: `--http-redirect ${o.httpRedirect} without TLS`,
      fix: "add --tls self-signed, or leave --http-redirect out",
    });
  }
  return o;
}

function tlsOption(mode: string | undefined, cert: string | undefined, key: string | undefined): CliOptions["tls"] {
  if (mode !== undefined && mode !== "self-signed") {
    throw new DashDevicesError("DD_BAD_OPTION", {
      what: '--tls takes "self-signed".',
      expected: "--tls self-signed, or --tls-cert FILE --tls-key FILE",
      found: JSON.stringify(mode),
      fix: "for your own certificate use --tls-cert and --tls-key",
    });
  }
  if (mode && (cert || key)) {
    throw new DashDevicesError("DD_BAD_OPTION", {
      what: "--tls self-signed and --tls-cert/--tls-key exclude each other.",
      expected: "one of them",
      found: "both",
      fix: "keep --tls-cert and --tls-key to use your certificate, or --tls self-signed alone",
    });
  }
  if (mode) return { selfSigned: true };
  if (!cert !== !key) {
    throw new DashDevicesError("DD_BAD_OPTION", {
      what: `${cert ? "--tls-cert" : "--tls-key"} needs ${cert ? "--tls-key" : "--tls-cert"}.`,
      expected: "--tls-cert FILE --tls-key FILE (PEM)",
      found: cert ? `a certificate (${cert}) without a key` : `a key (${key}) without a certificate`,
      fix: `add ${cert ? "--tls-key KEY.pem" : "--tls-cert CERT.pem"}`,
    });
  }
  return cert && key ? { cert, key } : undefined;
}

function mdnsName(v: string, flag: string): string {
  const name = v
    .trim()
    .toLowerCase()
    .replace(/\.local\.?$/, "");
  if (/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(name)) return name;
  throw new DashDevicesError("DD_BAD_OPTION", {
    what: `${flag} is not a host name label.`,
    expected: "letters, digits and inner hyphens, at most 63, e.g. gadget",
    found: JSON.stringify(v),
    fix: `e.g. ${flag} gadget (answered as gadget.local)`,
  });
}

/**
 * `parseCli` for an app's entry: a bad flag or variable prints one line (and its fix) and exits
 * with status 2, as command-line tools do, instead of a stack trace (and, from a compiled
 * executable, kilobytes of its minified source).
 */
export function parseCliOrExit(
  argv: readonly string[] = process.argv.slice(2),
  env: Record<string, string | undefined> = process.env,
): CliOptions {
  try {
    return parseCli(argv, env);
  } catch (e) {
    // The format asked for, if it can be read, even though the rest of the line could not.
    const i = argv.lastIndexOf("--log-format");
    const json = argv.includes("--log-format=json") || (i >= 0 && argv[i + 1] === "json") || (i < 0 && env.LOG_FORMAT === "json");
    if (e instanceof DashDevicesError) exitWithError(e, json ? "json" : undefined);
    throw e;
  }
}

/**
 * Prints `error: [CODE] what (found ...)` and `  fix: ...` on stderr and exits with status 2; with
 * `--log-format json`, one JSON line (`start.failed` with code, what, expected, found, fix).
 */
export function exitWithError(e: DashDevicesError, format = processLogFormat()): never {
  const d = e.detail;
  if (format === "json") {
    process.stderr.write(
      JSON.stringify({ time: new Date().toISOString(), level: "error", event: "start.failed", code: e.code, ...d }) + "\n",
    );
    process.exit(2);
  }
  process.stderr.write(`error: [${e.code}] ${d.what}${d.found ? ` (found ${d.found})` : ""}\n${d.fix ? `  fix: ${d.fix}\n` : ""}`);
  process.exit(2);
}

function logFormat(v: string, flag: string): "text" | "json" {
  if (v === "text" || v === "json") return v;
  throw new DashDevicesError("DD_BAD_OPTION", {
    what: `${flag} must be "text" or "json".`,
    expected: '"text" or "json"',
    found: JSON.stringify(v),
    fix: `e.g. ${flag} json`,
  });
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
  if (a !== b)
    throw new DashDevicesError("DD_BAD_PASSWORD", {
      what: "the two passwords differ.",
      expected: "the same password twice",
      found: "two different entries",
      fix: "try again",
    });
  return a;
}
