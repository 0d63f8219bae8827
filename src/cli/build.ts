/**
 * @module cli/build
 * Compiles one app file into one executable per target with `bun build --compile`: everything the
 * app imports is inside (htmx, the glue script, CSS, uPlot, the database migrations; see
 * src/server/assets.ts and src/db/migrations.ts), so the binary reads nothing from its folder.
 * Used by `dash-devices build` (a user's folder) and `bun run build` (this repository's demo).
 *
 * The app's name and version (from the package.json nearest to the file) are compiled in as
 * `DD_APP_NAME` / `DD_APP_VERSION`, for `--version` (src/cli/app-info.ts).
 */

import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { threadEntrySource } from "../devices/thread/locate.ts";
import { DashDevicesError } from "../core/errors.ts";

export const TARGETS = { x64: "bun-linux-x64", arm64: "bun-linux-arm64" } as const;
export type Target = keyof typeof TARGETS;

export interface BuildOptions {
  /** The app's entry file. */
  entry: string;
  targets: readonly Target[];
  /** Folder of the binaries (default "dist", relative to cwd), named NAME-linux-TARGET. */
  outdir?: string;
  /** Exact path of the binary (one target); with several, each gets "-linux-TARGET" appended. */
  outfile?: string;
  /** Base name of the binaries (default: the entry's name without .ts). */
  name?: string;
  /** Bytecode for the host's architecture (faster start-up); default true. */
  bytecode?: boolean;
  /** Relative paths are taken from here (default process.cwd()). */
  cwd?: string;
  /** Progress lines (default: stdout). */
  say?: (line: string) => void;
}

export interface BuiltBinary {
  target: Target;
  path: string;
  bytes: number;
  seconds: number;
  bytecode: boolean;
}

/** Parses "x64", "arm64" or "all". */
export function parseTargets(s: string): Target[] {
  if (s === "all") return ["x64", "arm64"];
  if (s in TARGETS) return [s as Target];
  throw new DashDevicesError("DD_BAD_OPTION", {
    what: `unknown target "${s}".`,
    expected: "x64, arm64 or all",
    found: JSON.stringify(s),
    fix: "e.g. --target all (x64 for a PC, arm64 for a Raspberry Pi 3/4/5 with a 64-bit OS)",
  });
}

/** The app's name and version from the package.json nearest to `file` (not dash-devices' own). */
export function appPackage(file: string): { name: string; version: string } | undefined {
  for (let dir = dirname(resolve(file)); ; dir = dirname(dir)) {
    const p = join(dir, "package.json");
    if (existsSync(p)) {
      try {
        const pkg = JSON.parse(readFileSync(p, "utf8")) as { name?: unknown; version?: unknown };
        if (typeof pkg.name !== "string" || pkg.name === "dash-devices") return undefined;
        return { name: pkg.name, version: typeof pkg.version === "string" ? pkg.version : "0.0.0" };
      } catch {
        return undefined;
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Builds every target; throws DashDevicesError (DD_MISSING_IMPORT, DD_BUILD_FAILED, DD_BAD_OPTION)
 * at the first failure. Bytecode (host architecture only) falls back to a plain build with a note
 * when Bun refuses the code (top-level await, for one), never when the app itself does not build.
 */
export function buildApp(o: BuildOptions): BuiltBinary[] {
  const cwd = o.cwd ?? process.cwd();
  const say = o.say ?? ((l: string) => console.log(l));
  const entry = resolve(cwd, o.entry);
  if (!existsSync(entry) || !statSync(entry).isFile()) {
    throw new DashDevicesError("DD_BAD_OPTION", {
      what: `there is no file ${o.entry}.`,
      expected: "the app's file, e.g. app.ts",
      found: `nothing at ${entry}`,
      fix: "check the name; paths are relative to the current folder",
    });
  }
  const name = o.name ?? basename(entry).replace(/\.[cm]?[jt]sx?$/, "");
  const app = appPackage(entry);
  const defines = app
    ? ["--define", `DD_APP_NAME=${JSON.stringify(app.name)}`, "--define", `DD_APP_VERSION=${JSON.stringify(app.version)}`]
    : [];
  const host: Target = process.arch === "arm64" ? "arm64" : "x64";
  const built: BuiltBinary[] = [];
  for (const t of o.targets) {
    const outfile = resolve(
      cwd,
      o.outfile ? (o.targets.length > 1 ? `${o.outfile}-linux-${t}` : o.outfile) : join(o.outdir ?? "dist", `${name}-linux-${t}`),
    );
    mkdirSync(dirname(outfile), { recursive: true });
    // The device thread (a Worker) is a second entry point: Bun embeds a Worker's code only so.
    const cmd = [
      process.execPath,
      "build",
      "--compile",
      "--minify",
      `--target=${TARGETS[t]}`,
      ...defines,
      entry,
      threadEntrySource(),
      "--outfile",
      outfile,
    ];
    let bytecode = o.bytecode !== false && t === host;
    const t0 = performance.now();
    let r = compile(cmd, bytecode, cwd);
    if (r.code !== 0) checkImports(r.text, entry, cwd);
    if (r.code !== 0 && bytecode) {
      const plain = compile(cmd, false, cwd);
      if (plain.code === 0)
        say(
          `note: --bytecode refused ${relative(cwd, entry)} for ${t} (${firstError(r.text)}); built without bytecode (starts a little slower)`,
        );
      r = plain;
      bytecode = false;
    }
    if (r.code !== 0) {
      throw new DashDevicesError("DD_BUILD_FAILED", {
        what: `bun build could not compile ${relative(cwd, entry)} for ${t}.`,
        expected: "a file that runs with `bun run`",
        found: r.text.trim().split("\n").slice(0, 20).join("\n            "),
        fix: `run \`bun run ${relative(cwd, entry)}\` to see the error where it happens`,
      });
    }
    const bytes = statSync(outfile).size;
    const seconds = (performance.now() - t0) / 1000;
    built.push({ target: t, path: outfile, bytes, seconds, bytecode });
    say(`${relative(cwd, outfile) || outfile}  ${(bytes / 1024 / 1024).toFixed(1)} MB  (${seconds.toFixed(1)} s)`);
  }
  return built;
}

function compile(cmd: string[], bytecode: boolean, cwd: string): { code: number; text: string } {
  const c = bytecode ? [...cmd.slice(0, 3), "--bytecode", ...cmd.slice(3)] : cmd;
  const p = Bun.spawnSync(c, { cwd, stdout: "pipe", stderr: "pipe" });
  return { code: p.exitCode ?? 1, text: p.stderr.toString() + p.stdout.toString() };
}

function firstError(text: string): string {
  return (
    text
      .split("\n")
      .find((l) => l.startsWith("error"))
      ?.trim() ?? "no reason given"
  );
}

/** Bun's `Could not resolve: "x"` becomes DD_MISSING_IMPORT naming the import and where it is. */
function checkImports(text: string, entry: string, cwd: string): void {
  const missing: { spec: string; at: string }[] = [];
  const re = /error: Could not resolve: "([^"]+)"[^\n]*\n\s*at ([^\n]+)/g;
  for (let m: RegExpExecArray | null; (m = re.exec(text)); ) missing.push({ spec: m[1]!, at: m[2]!.trim().replace(cwd + "/", "") });
  if (!missing.length) return;
  const pkgs = [
    ...new Set(
      missing
        .filter((m) => !/^[./]/.test(m.spec))
        .map((m) => (m.spec.startsWith("@") ? m.spec.split("/").slice(0, 2).join("/") : m.spec.split("/")[0]!)),
    ),
  ];
  const paths = missing.filter((m) => /^[./]/.test(m.spec)).map((m) => m.spec);
  const fix = [
    pkgs.length ? `install ${pkgs.join(" ")}: bun add ${pkgs.join(" ")} (or run bun install if package.json lists it)` : "",
    paths.length ? `correct the path of ${paths.join(", ")} (relative to the importing file)` : "",
  ]
    .filter(Boolean)
    .join("; ");
  throw new DashDevicesError("DD_MISSING_IMPORT", {
    what: `${relative(cwd, entry)} imports ${missing.map((m) => `"${m.spec}"`).join(", ")}, which cannot be found.`,
    expected: "every import an installed package or an existing file",
    found: missing.map((m) => `"${m.spec}" at ${m.at}`).join("; "),
    fix,
  });
}
