/**
 * Shared plumbing for scripts/i2c-scan.ts, i2c-get.ts and i2c-set.ts: argument parsing, opening
 * the real or the simulated bus (with a demo set of simulated chips), number parsing and error
 * output. Exit codes: 0 done, 1 device error, 2 usage error.
 */

import { DashDevicesError } from "../src/core/errors.ts";
import { createLogger } from "../src/core/log.ts";
import { openBus, SimADS1115, SimBME280, SimMCP23017, SimPCA9685, type I2CBusBase, type SimI2CDevice } from "../src/devices/index.ts";

export interface CliArgs {
  bus: number;
  sim: boolean;
  word: boolean;
  force: boolean;
  verify: boolean;
  help: boolean;
  positional: string[];
}

export class UsageError extends Error {}

export function parseArgs(argv: string[], allowed: ReadonlySet<string>): CliArgs {
  const a: CliArgs = { bus: 1, sim: false, word: false, force: false, verify: false, help: false, positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith("--") ? arg.split("=", 2) as [string, string | undefined] : [arg, undefined];
    if (!arg.startsWith("-") || /^-\d/.test(arg)) {
      a.positional.push(arg);
      continue;
    }
    if (!allowed.has(flag) && flag !== "--help" && flag !== "-h") throw new UsageError(`unknown option ${flag}`);
    switch (flag) {
      case "--help": case "-h": a.help = true; break;
      case "--sim": a.sim = true; break;
      case "--word": a.word = true; break;
      case "--force": a.force = true; break;
      case "--verify": a.verify = true; break;
      case "--bus": {
        const v = inline ?? argv[++i];
        if (v === undefined || !/^\d+$/.test(v)) throw new UsageError(`--bus needs a bus number (found ${v === undefined ? "nothing" : JSON.stringify(v)})`);
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
  if (!Number.isInteger(n) || n < 0 || n > max) throw new UsageError(`invalid ${what} ${JSON.stringify(s)}: expected 0..0x${max.toString(16)} (e.g. 0x${Math.min(max, 0x76).toString(16)})`);
  return n;
}

/** The simulated chips `--sim` puts on the bus: what a typical maker's breakout set answers. */
export function demoSimDevices(): Record<number, SimI2CDevice> {
  return { 0x20: new SimMCP23017(), 0x40: new SimPCA9685(), 0x48: new SimADS1115(), 0x76: new SimBME280() };
}

export function open(args: CliArgs): I2CBusBase {
  return openBus(args.bus, {
    sim: args.sim ? true : false,
    simDevices: args.sim ? demoSimDevices() : undefined,
    forceAccess: args.force,
    logger: createLogger({ level: "error" }),
  });
}

/** Run a script body: usage errors print the usage (exit 2), device errors their message (exit 1). */
export async function main(usage: string, body: () => Promise<void>): Promise<never> {
  try {
    await body();
    process.exit(0);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n\n${usage}`);
      process.exit(2);
    }
    process.stderr.write(`${e instanceof DashDevicesError ? e.message : e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
  }
}

export const hex = (n: number, digits = 2) => "0x" + n.toString(16).padStart(digits, "0");
