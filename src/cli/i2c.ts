/**
 * @module cli/i2c
 * The I2C tools (like i2c-tools' i2cdetect, i2cget, i2cset): `scan`, `get`, `set` on a real bus
 * (/dev/i2c-N) or a simulated one with demo chips (--sim). Reached three ways, one code:
 * `dash-devices i2c ...`, `./app i2c ...` inside every compiled app (src/cli/app-commands.ts), and
 * this repository's scripts/i2c-*.ts. Synchronous on purpose: a compiled app runs it while its
 * modules load, before the app's own code touches the hardware.
 * Exit codes: 0 done, 1 device error, 2 usage error.
 */

import { DashDevicesError } from "../core/errors.ts";
import { createLogger } from "../core/log.ts";
import { openBus, SimADS1115, SimBME280, SimMCP23017, SimPCA9685, type I2CBusBase, type SimI2CDevice } from "../devices/index.ts";

export interface I2cArgs {
  bus: number;
  sim: boolean;
  word: boolean;
  force: boolean;
  verify: boolean;
  help: boolean;
  positional: string[];
}

export class UsageError extends Error {}

export function parseI2cArgs(argv: readonly string[], allowed: ReadonlySet<string>): I2cArgs {
  const a: I2cArgs = { bus: 1, sim: false, word: false, force: false, verify: false, help: false, positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith("--") ? (arg.split("=", 2) as [string, string | undefined]) : [arg, undefined];
    if (!arg.startsWith("-") || /^-\d/.test(arg)) {
      a.positional.push(arg);
      continue;
    }
    if (!allowed.has(flag) && flag !== "--help" && flag !== "-h") throw new UsageError(`unknown option ${flag}`);
    switch (flag) {
      case "--help":
      case "-h":
        a.help = true;
        break;
      case "--sim":
        a.sim = true;
        break;
      case "--word":
        a.word = true;
        break;
      case "--force":
        a.force = true;
        break;
      case "--verify":
        a.verify = true;
        break;
      case "--bus": {
        const v = inline ?? argv[++i];
        if (v === undefined || !/^\d+$/.test(v))
          throw new UsageError(`--bus needs a bus number (found ${v === undefined ? "nothing" : JSON.stringify(v)})`);
        a.bus = Number(v);
        break;
      }
    }
  }
  return a;
}

/** Parse 0x76, 118 or 0b1110110; `what` names it in the error. */
export function parseNumber(s: string | undefined, what: string, max: number): number {
  if (s === undefined) throw new UsageError(`missing ${what}`);
  const n = /^0x[0-9a-f]+$/i.test(s) ? parseInt(s, 16) : /^0b[01]+$/i.test(s) ? parseInt(s.slice(2), 2) : /^\d+$/.test(s) ? Number(s) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > max)
    throw new UsageError(
      `invalid ${what} ${JSON.stringify(s)}: expected 0..0x${max.toString(16)} (e.g. 0x${Math.min(max, 0x76).toString(16)})`,
    );
  return n;
}

/** The simulated chips `--sim` puts on the bus: what a typical maker's breakout set answers. */
export function demoSimDevices(): Record<number, SimI2CDevice> {
  return { 0x20: new SimMCP23017(), 0x40: new SimPCA9685(), 0x48: new SimADS1115(), 0x76: new SimBME280() };
}

function open(args: I2cArgs): I2CBusBase {
  return openBus(args.bus, {
    sim: args.sim,
    simDevices: args.sim ? demoSimDevices() : undefined,
    forceAccess: args.force,
    logger: createLogger({ level: "error" }),
  });
}

export const hex = (n: number, digits = 2) => "0x" + n.toString(16).padStart(digits, "0");

/** What one tool prints; `code` is the exit status. */
export interface ToolResult {
  code: number;
  out: string;
  err: string;
}

type Tool = (argv: readonly string[], cmd: string) => ToolResult;

/** Runs a tool body: usage errors print the usage (2), device errors their message (1). */
function tool(usage: (cmd: string) => string, body: (argv: readonly string[], cmd: string) => string): Tool {
  return (argv, cmd) => {
    try {
      return { code: 0, out: body(argv, cmd), err: "" };
    } catch (e) {
      if (e instanceof UsageError) return { code: 2, out: "", err: `error: ${e.message}\n\n${usage(cmd)}` };
      if (e instanceof VerifyError) return { code: 1, out: e.out, err: e.message + "\n" };
      return {
        code: 1,
        out: "",
        err: `${e instanceof DashDevicesError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
      };
    }
  };
}

class VerifyError extends Error {
  constructor(
    message: string,
    readonly out: string,
  ) {
    super(message);
  }
}

const scanUsage = (cmd: string) => `usage: ${cmd} [--bus N] [--sim] [--force]

Probe addresses 0x03..0x77 of /dev/i2c-N and print a grid like i2cdetect:
  --  no answer       UU  claimed by a kernel driver       hh  a device answered
Options:
  --bus N   bus number (default 1: the Raspberry Pi header's SDA/SCL)
  --sim     scan a simulated bus with demo chips (MCP23017 0x20, PCA9685 0x40, ADS1115 0x48, BME280 0x76)
  --force   probe addresses claimed by kernel drivers too (I2C_SLAVE_FORCE)
  --help    this text
`;

export const scan: Tool = tool(scanUsage, (argv, cmd) => {
  const args = parseI2cArgs(argv, new Set(["--bus", "--sim", "--force"]));
  if (args.help) return scanUsage(cmd);
  if (args.positional.length) throw new UsageError(`unexpected argument ${JSON.stringify(args.positional[0])}`);
  const bus = open(args);
  const found: number[] = [];
  let out =
    `${bus.path}\n    ` +
    Array.from({ length: 16 }, (_, i) => ` ${i.toString(16)} `)
      .join("")
      .trimEnd() +
    "\n";
  for (let row = 0; row < 0x80; row += 16) {
    out += row.toString(16).padStart(2, "0") + ":";
    for (let a = row; a < row + 16; a++) {
      if (a < 0x03 || a > 0x77) {
        out += "   ";
        continue;
      }
      const r = bus.probeSync(a);
      if (r === "ack") found.push(a);
      out += r === "ack" ? " " + a.toString(16).padStart(2, "0") : r === "busy" ? " UU" : " --";
    }
    out = out.trimEnd() + "\n";
  }
  bus.closeSync();
  return out + (found.length ? `${found.length} device(s): ${found.map((a) => hex(a)).join(" ")}\n` : "no devices answered\n");
});

const getUsage = (cmd: string) => `usage: ${cmd} [--bus N] [--sim] [--word] [--force] ADDRESS REGISTER

Read REGISTER of the device at ADDRESS and print it in hex.
  ADDRESS   7-bit address, 0x03..0x77 (e.g. 0x76)
  REGISTER  0x00..0xff (e.g. 0xd0, a BME280's chip id)
Options:
  --bus N   bus number (default 1)
  --word    read a 16-bit SMBus word (low byte first on the wire) instead of a byte
  --sim     use a simulated bus with demo chips (see scan --help)
  --force   use the address even if a kernel driver claimed it
  --help    this text
Example: ${cmd} --sim 0x76 0xd0    → 0x60
`;

export const get: Tool = tool(getUsage, (argv, cmd) => {
  const args = parseI2cArgs(argv, new Set(["--bus", "--sim", "--word", "--force"]));
  if (args.help) return getUsage(cmd);
  if (args.positional.length > 2) throw new UsageError(`too many arguments: ${args.positional.slice(2).join(" ")}`);
  const address = parseNumber(args.positional[0], "ADDRESS", 0x7f);
  const register = parseNumber(args.positional[1], "REGISTER", 0xff);
  const bus = open(args);
  try {
    return hex(args.word ? bus.readWordSync(address, register) : bus.readByteSync(address, register), args.word ? 4 : 2) + "\n";
  } finally {
    bus.closeSync();
  }
});

const setUsage = (cmd: string) => `usage: ${cmd} [--bus N] [--sim] [--word] [--verify] [--force] ADDRESS REGISTER VALUE

Write VALUE to REGISTER of the device at ADDRESS.
  ADDRESS   7-bit address, 0x03..0x77
  REGISTER  0x00..0xff
  VALUE     0x00..0xff, or 0x0000..0xffff with --word
Options:
  --bus N    bus number (default 1)
  --word     write a 16-bit SMBus word (low byte first on the wire)
  --verify   read the register back and fail (exit 1) if it differs
  --sim      use a simulated bus with demo chips (see scan --help)
  --force    use the address even if a kernel driver claimed it
  --help     this text
Example: ${cmd} --sim --verify 0x20 0x14 0xa5   (MCP23017 OLATA)
`;

export const set: Tool = tool(setUsage, (argv, cmd) => {
  const args = parseI2cArgs(argv, new Set(["--bus", "--sim", "--word", "--verify", "--force"]));
  if (args.help) return setUsage(cmd);
  if (args.positional.length > 3) throw new UsageError(`too many arguments: ${args.positional.slice(3).join(" ")}`);
  const address = parseNumber(args.positional[0], "ADDRESS", 0x7f);
  const register = parseNumber(args.positional[1], "REGISTER", 0xff);
  const value = parseNumber(args.positional[2], "VALUE", args.word ? 0xffff : 0xff);
  const bus = open(args);
  try {
    if (args.word) bus.writeWordSync(address, register, value);
    else bus.writeByteSync(address, register, value);
    const digits = args.word ? 4 : 2;
    const line = `wrote ${hex(value, digits)} to register ${hex(register)} of ${hex(address)} on ${bus.path}`;
    if (!args.verify) return line + "\n";
    const back = args.word ? bus.readWordSync(address, register) : bus.readByteSync(address, register);
    if (back !== value)
      throw new VerifyError(
        `verify failed: register ${hex(register)} reads ${hex(back, digits)}, expected ${hex(value, digits)} (read-only register, or the device changes it)`,
        line + "\n",
      );
    return line + " (verified)\n";
  } finally {
    bus.closeSync();
  }
});

const i2cUsage = (cmd: string) => `usage: ${cmd} scan|get|set [options]   (${cmd} scan --help: each one's options)

  ${cmd} scan [--bus N] [--sim]
      list the devices that answer (like i2cdetect)
  ${cmd} get [--bus N] [--sim] [--word] ADDRESS REGISTER
      read a register
  ${cmd} set [--bus N] [--sim] [--word] [--verify] ADDRESS REGISTER VALUE
      write a register
--bus N is /dev/i2c-N (default 1); --sim uses a simulated bus with demo chips (no hardware needed).
`;

/** `i2c scan|get|set ...`: `cmd` is how the user reached it, e.g. "./gadget i2c", for the usage text. */
export function runI2c(argv: readonly string[], cmd: string): ToolResult {
  const [sub, ...rest] = argv;
  const tools: Record<string, Tool> = { scan, get, set };
  if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help")
    return { code: sub ? 0 : 2, out: sub ? i2cUsage(cmd) : "", err: sub ? "" : `error: missing the tool\n\n${i2cUsage(cmd)}` };
  const t = tools[sub];
  if (!t) return { code: 2, out: "", err: `error: unknown i2c tool ${JSON.stringify(sub)}: expected scan, get or set\n\n${i2cUsage(cmd)}` };
  return t(rest, `${cmd} ${sub}`);
}

/** Prints a tool's result and exits with its status. */
export function exitWith(r: ToolResult): never {
  if (r.out) process.stdout.write(r.out);
  if (r.err) process.stderr.write(r.err);
  process.exit(r.code);
}
