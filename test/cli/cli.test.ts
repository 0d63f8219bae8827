// The user's command line (src/cli) as a user runs it, from this clone: bin/dash-devices.ts and
// the subcommands every app has. The whole path from a packed tarball is test/package/.
import { describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dependencySpec, packageName } from "../../src/cli/init.ts";
import { parseFlags } from "../../src/cli/main.ts";
import pkg from "../../package.json" with { type: "json" };
import { useTempDir } from "../db/temp-db.ts";

const repo = join(import.meta.dir, "../..");
const tmp = useTempDir("dd-cli-");

function cli(args: string[], cwd = tmp) {
  const r = Bun.spawnSync([process.execPath, join(repo, "bin/dash-devices.ts"), ...args], { cwd, stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
}

describe("dash-devices init", () => {
  test("writes the starter into a new folder; the device template too", () => {
    const r = cli(["init", "My Gadget", "--from", "/opt/dd.tgz"]);
    expect(r.code).toBe(0);
    expect(readdirSync(join(tmp, "My Gadget")).sort()).toEqual([
      ".gitignore",
      "README.md",
      "app.test.ts",
      "app.ts",
      "package.json",
      "tsconfig.json",
    ]);
    const p = JSON.parse(readFileSync(join(tmp, "My Gadget/package.json"), "utf8"));
    expect(p).toMatchObject({
      name: "my-gadget",
      dependencies: { "dash-devices": "/opt/dd.tgz" },
      scripts: { build: "dash-devices build app.ts --name my-gadget" },
    });
    expect(readFileSync(join(tmp, "My Gadget/README.md"), "utf8")).toContain("dist/my-gadget-linux-arm64");
    expect(cli(["init", "sensor", "--template", "device"]).code).toBe(0);
    expect(readFileSync(join(tmp, "sensor/app.ts"), "utf8")).toContain('from "dash-devices/devices"');
  });

  test("refuses a folder with something in it, and a bad template (exit 2, nothing written)", () => {
    mkdirSync(join(tmp, "busy"));
    writeFileSync(join(tmp, "busy/notes.txt"), "mine");
    const r = cli(["init", "busy"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("[DD_DIR_NOT_EMPTY] busy is not an empty folder");
    expect(r.err).toContain("found:    1 entry: notes.txt");
    expect(readdirSync(join(tmp, "busy"))).toEqual(["notes.txt"]);
    const t = cli(["init", "fresh", "--template", "huge"]);
    expect(t.code).toBe(2);
    expect(t.err).toContain('[DD_BAD_OPTION] unknown template "huge".');
    expect(readdirSync(tmp)).not.toContain("fresh");
  });

  test("the dependency: --from, else the local tarball the enclosing project installed, else the registry", () => {
    const outer = join(tmp, "outer");
    mkdirSync(join(outer, "deep"), { recursive: true });
    writeFileSync(join(outer, "package.json"), JSON.stringify({ dependencies: { "dash-devices": "./dash-devices-9.9.9.tgz" } }));
    expect(dependencySpec(join(outer, "deep/new")).spec).toBe(join(outer, "dash-devices-9.9.9.tgz"));
    writeFileSync(join(outer, "package.json"), JSON.stringify({ dependencies: { "dash-devices": "^9.9.9" } }));
    expect(dependencySpec(join(outer, "deep/new")).spec).toBe(`^${pkg.version}`);
    expect(dependencySpec(join(outer, "x"), "link:dash-devices").spec).toBe("link:dash-devices");
    expect(packageName("/a/Über Box!")).toBe("ber-box");
  });
});

describe("dash-devices flags and errors", () => {
  test("options with values, booleans, `--` from bun run, unknown options", () => {
    const f = parseFlags(
      ["app.ts", "--", "--target=all", "--outfile", "out/x", "--no-bytecode"],
      ["--target", "--outfile"],
      ["--no-bytecode"],
    );
    expect([...f.flags]).toEqual([
      ["--target", "all"],
      ["--outfile", "out/x"],
      ["--no-bytecode", true],
    ]);
    expect(f.positional).toEqual(["app.ts"]);
    expect(() => parseFlags(["--target"], ["--target"], [])).toThrow("--target needs a value.");
    expect(() => parseFlags(["--tagret", "all"], ["--target"], [])).toThrow("unknown option --tagret.");
  });

  test("an unknown command or target: one message with the fix, exit 2", () => {
    const r = cli(["biuld", "app.ts"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'error: [DD_BAD_OPTION] unknown command "biuld".\n  expected: init, dev, build or i2c\n  found:    "biuld"\n  fix:      see dash-devices --help\n',
    );
    expect(cli(["build", "app.ts", "--target", "armv7"]).err).toContain('unknown target "armv7"');
    expect(cli(["--help"]).out).toContain("dash-devices build FILE [--target x64|arm64|all]");
  });

  test("build --outfile P for one target writes exactly P, relative to the user's folder", () => {
    const dir = join(tmp, "one");
    mkdirSync(dir);
    writeFileSync(join(dir, "hello.ts"), 'console.log("hello from the binary");\n');
    const r = cli(["build", "hello.ts", "--outfile", "out/hello", "--no-bytecode"], dir);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, "out"))).toEqual(["hello"]);
    expect(Bun.spawnSync([join(dir, "out/hello")]).stdout.toString()).toBe("hello from the binary\n");
  }, 30_000);
});

describe("i2c tools", () => {
  test("dash-devices i2c get/scan --sim", () => {
    expect(cli(["i2c", "get", "--sim", "0x76", "0xd0"])).toMatchObject({ code: 0, out: "0x60\n" });
    expect(cli(["i2c", "scan", "--sim"]).out).toContain("4 device(s): 0x20 0x40 0x48 0x76");
    const bad = cli(["i2c", "probe"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('unknown i2c tool "probe": expected scan, get or set');
  });

  test("an app run with `i2c ...` runs the tool and exits before the app's code (no server)", () => {
    const r = Bun.spawnSync([process.execPath, join(repo, "examples/demo.ts"), "i2c", "scan", "--sim"], {
      cwd: tmp,
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.toString()).toContain("4 device(s): 0x20 0x40 0x48 0x76");
    expect(r.stderr.toString()).not.toContain("server.listening");
    const help = Bun.spawnSync([process.execPath, join(repo, "examples/demo.ts"), "i2c", "get", "--help"], { cwd: tmp, stdout: "pipe" });
    expect(help.stdout.toString()).toContain("usage: bun demo.ts i2c get [--bus N]");
  });
});

describe("--version", () => {
  test("an app with a package.json of its own: its name and version, then ours", () => {
    const dir = join(tmp, "versioned");
    mkdirSync(dir);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "greenhouse", version: "2.3.4" }));
    writeFileSync(
      join(dir, "app.ts"),
      `import { App, html } from ${JSON.stringify(join(repo, "src/index.ts"))};\nconst app = new App();\napp.layout = html.Div("x");\napp.run();\n`,
    );
    const r = Bun.spawnSync([process.execPath, "app.ts", "--version"], { cwd: dir, stdout: "pipe" });
    expect(r.stdout.toString()).toBe(`greenhouse 2.3.4 (dash-devices ${pkg.version})\n`);
    expect(Bun.spawnSync([process.execPath, join(repo, "examples/example1.ts"), "--version"]).stdout.toString()).toBe(
      `dash-devices ${pkg.version}\n`,
    );
  });
});
