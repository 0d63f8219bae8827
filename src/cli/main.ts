/**
 * @module cli/main
 * `dash-devices`, the command line of the package (bin/dash-devices.ts): start a project, run it
 * with restart on save, compile it for the device, talk to I2C chips. Everything works from the
 * user's folder: paths are taken from the current directory, outputs go there.
 */

import { DashDevicesError } from "../core/errors.ts";
import { buildApp, parseTargets, type Target } from "./build.ts";
import { runI2c, exitWith } from "./i2c.ts";
import { initProject, TEMPLATES } from "./init.ts";
import pkg from "../../package.json" with { type: "json" };

export const USAGE = `dash-devices ${pkg.version}: put a hardware gadget on the web with one TypeScript file

Usage:
  dash-devices init DIR [--template minimal|device] [--from SPEC]
      a new project in DIR (empty or new): app.ts, a test, package.json, tsconfig.json, README.md
  dash-devices dev FILE [app options]
      run FILE, restarting it on every save (bun --watch)
  dash-devices build FILE [--target x64|arm64|all] [--outfile P] [--outdir D] [--name N] [--no-bytecode]
      one executable per target in ./dist (default x64): NAME-linux-x64, NAME-linux-arm64
  dash-devices i2c scan|get|set ...
      the I2C tools (also inside every built app: ./gadget i2c scan --bus 1)
  dash-devices --version | --help
`;

/** Splits `--flag value` / `--flag=value` options from positionals; `--` (from `bun run x --`) is dropped. */
export function parseFlags(
  argv: readonly string[],
  valued: readonly string[],
  bool: readonly string[],
): { flags: Map<string, string | true>; positional: string[] } {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") continue;
    if (!a.startsWith("--")) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (valued.includes(name)) {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined || v.startsWith("--"))
        throw badOption(`${name} needs a value.`, `${name} VALUE`, `${name} with nothing after it`);
      flags.set(name, v);
    } else if (bool.includes(name)) flags.set(name, true);
    else throw badOption(`unknown option ${name}.`, [...valued, ...bool].join(", ") || "no options", name);
  }
  return { flags, positional };
}

function badOption(what: string, expected: string, found: string): DashDevicesError {
  return new DashDevicesError("DD_BAD_OPTION", { what, expected, found, fix: "see dash-devices --help" });
}

function one(positional: string[], what: string, example: string): string {
  if (positional.length !== 1)
    throw badOption(
      positional.length ? `one ${what} expected.` : `${what} missing.`,
      `one ${what}, e.g. ${example}`,
      positional.length ? positional.join(" ") : "nothing",
    );
  return positional[0]!;
}

/** Runs one command; returns the exit status (errors print one message and give 2 or 1). */
export async function main(argv: readonly string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case undefined:
      case "--help":
      case "-h":
      case "help":
        process.stdout.write(USAGE);
        return cmd === undefined ? 2 : 0;
      case "--version":
      case "-v":
        process.stdout.write(`dash-devices ${pkg.version}\n`);
        return 0;
      case "init": {
        const { flags, positional } = parseFlags(rest, ["--template", "--from"], []);
        const dir = one(positional, "folder", "gadget");
        const template = (flags.get("--template") as string | undefined) ?? "minimal";
        if (!TEMPLATES.includes(template))
          throw badOption(`unknown template "${template}".`, TEMPLATES.join(" or "), JSON.stringify(template));
        initProject({ dir, template, from: flags.get("--from") as string | undefined });
        return 0;
      }
      case "build": {
        const { flags, positional } = parseFlags(rest, ["--target", "--outfile", "--outdir", "--name"], ["--no-bytecode"]);
        const entry = one(positional, "app file", "app.ts");
        const targets: Target[] = parseTargets((flags.get("--target") as string | undefined) ?? "x64");
        buildApp({
          entry,
          targets,
          outfile: flags.get("--outfile") as string | undefined,
          outdir: flags.get("--outdir") as string | undefined,
          name: flags.get("--name") as string | undefined,
          bytecode: !flags.has("--no-bytecode"),
        });
        return 0;
      }
      case "dev": {
        const [file, ...appArgs] = rest.filter((a) => a !== "--");
        if (!file || file.startsWith("--"))
          throw badOption("the app file is missing.", "dash-devices dev FILE [app options]", file ?? "nothing");
        const child = Bun.spawn([process.execPath, "--watch", file, ...appArgs], { stdio: ["inherit", "inherit", "inherit"] });
        for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
        return await child.exited;
      }
      case "i2c":
        return exitWith(runI2c(rest, "dash-devices i2c"));
      default:
        throw badOption(`unknown command "${cmd}".`, "init, dev, build or i2c", JSON.stringify(cmd));
    }
  } catch (e) {
    if (!(e instanceof DashDevicesError)) throw e;
    process.stderr.write(`error: ${e.message}\n`);
    return e.code === "DD_BAD_OPTION" || e.code === "DD_DIR_NOT_EMPTY" ? 2 : 1;
  }
}
