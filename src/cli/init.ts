/**
 * @module cli/init
 * `dash-devices init DIR`: a new project from templates/ (common files plus one template's app.ts
 * and app.test.ts), with a package.json that depends on dash-devices and has the scripts dev,
 * start, build, test and typecheck. Refuses a folder that has anything in it.
 */

import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { DashDevicesError } from "../core/errors.ts";
import pkg from "../../package.json" with { type: "json" };

export const TEMPLATES = ["minimal", "device"];
const TEMPLATE_DIR = join(import.meta.dir, "../../templates");

export interface InitOptions {
  dir: string;
  template: string;
  /** The dependency's spec in the new package.json (default: see dependencySpec). */
  from?: string;
  cwd?: string;
  say?: (line: string) => void;
}

/** A package name from the folder's name: "My Gadget" -> "my-gadget". */
export function packageName(dir: string): string {
  return (
    basename(resolve(dir))
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, "-")
      .replace(/^[._-]+|-+$/g, "") || "app"
  );
}

/**
 * How the new project depends on dash-devices: `--from SPEC` if given; else the local tarball or
 * folder the enclosing project installed it from (a package.json above DIR whose dash-devices is
 * a path, made absolute), since a version not yet on the registry could not be installed; else
 * `^VERSION` from the registry.
 */
export function dependencySpec(dir: string, from?: string): { spec: string; why: string } {
  if (from) return { spec: localPath(from, process.cwd()) ?? from, why: "--from" };
  for (let d = dirname(resolve(dir)); ; d = dirname(d)) {
    const p = join(d, "package.json");
    if (existsSync(p)) {
      try {
        const j = JSON.parse(readFileSync(p, "utf8")) as {
          dependencies?: Record<string, string>;
          devDependencies?: Record<string, string>;
        };
        const s = j.dependencies?.["dash-devices"] ?? j.devDependencies?.["dash-devices"];
        const local = s === undefined ? undefined : localPath(s, d);
        if (local) return { spec: local, why: `as ${relative(process.cwd(), p) || p} has it` };
      } catch {
        // not JSON: not a project we can learn from
      }
    }
    if (dirname(d) === d) return { spec: `^${pkg.version}`, why: "from the registry" };
  }
}

/** An absolute path spec for a local tarball or folder spec ("./x.tgz", "file:../dd"), else undefined. */
function localPath(spec: string, base: string): string | undefined {
  const m = /^(file:|link:)?(.*)$/.exec(spec)!;
  const path = m[2]!;
  if (m[1] === "link:") return spec;
  if (!m[1] && !/^(\.{0,2}\/)/.test(path) && !path.endsWith(".tgz")) return undefined;
  return isAbsolute(path) ? path : resolve(base, path);
}

export function initProject(o: InitOptions): string[] {
  const cwd = o.cwd ?? process.cwd();
  const say = o.say ?? ((l: string) => console.log(l));
  const dir = resolve(cwd, o.dir);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw notEmpty(o.dir, "a file of that name");
    const entries = readdirSync(dir);
    if (entries.length)
      throw notEmpty(
        o.dir,
        `${entries.length} entr${entries.length === 1 ? "y" : "ies"}: ${entries.slice(0, 5).join(", ")}${entries.length > 5 ? ", ..." : ""}`,
      );
  }
  const name = packageName(dir);
  const dep = dependencySpec(dir, o.from);
  const files: Record<string, string> = {
    "package.json":
      JSON.stringify(
        {
          name,
          version: "0.1.0",
          private: true,
          type: "module",
          scripts: {
            dev: "dash-devices dev app.ts",
            start: "bun app.ts",
            build: `dash-devices build app.ts --name ${name}`,
            test: "bun test",
            typecheck: "tsc --noEmit",
          },
          dependencies: { "dash-devices": dep.spec },
          devDependencies: { "@types/bun": pkg.devDependencies["@types/bun"], typescript: pkg.devDependencies.typescript },
        },
        null,
        2,
      ) + "\n",
  };
  const fill = (s: string) => s.replaceAll("{{name}}", name);
  for (const [from, to] of [
    ["common/tsconfig.json", "tsconfig.json"],
    ["common/gitignore", ".gitignore"],
    ["common/README.md", "README.md"],
    [`${o.template}/app.ts`, "app.ts"],
    [`${o.template}/app.test.ts`, "app.test.ts"],
  ] as const) {
    files[to] = fill(readFileSync(join(TEMPLATE_DIR, from), "utf8"));
  }
  mkdirSync(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  const shown = relative(cwd, dir) || ".";
  say(`created ${shown}/ (template ${o.template}): ${Object.keys(files).join(" ")}`);
  say(`dash-devices dependency: ${dep.spec} (${dep.why})`);
  say(
    `\nnext:\n  cd ${shown}\n  bun install\n  bun run dev          # http://localhost:5000, restarts on save\n  bun run build        # dist/${name}-linux-x64 (add -- --target all for arm64 too)`,
  );
  return Object.keys(files);
}

function notEmpty(dir: string, found: string): DashDevicesError {
  return new DashDevicesError("DD_DIR_NOT_EMPTY", {
    what: `${dir} is not an empty folder; init writes a new project only into an empty or new one.`,
    expected: "a new or empty folder",
    found,
    fix: `pick another name (dash-devices init my-gadget), or empty ${dir}`,
  });
}
