// The user's path, from the packed package only: `npm pack`, then in a temp folder outside the
// repository `bun add` of the tarball and the README's Quick start commands, read from README.md
// and run as written: init, install, type-check, the starter's own test, `bun run dev`, `bun run
// build -- --target all` (two ELF files in the user's dist/), the x86-64 one alone in an empty
// folder serving its page and WebSocket, `i2c scan --sim` and `--version` from the binary.
// Steps share one project, in order; each long step has its own timeout.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { until } from "../helpers/server.ts";
import { WsClient } from "../helpers/ws-client.ts";

const repo = join(import.meta.dir, "../..");
const home = mkdtempSync(join(tmpdir(), "dd-package-"));
const user = join(home, "work"); // where the user installed the tarball
const project = join(user, "gadget");
let tarball = "";
const started: ReturnType<typeof Bun.spawn>[] = [];

/** The Quick start's shell block in README.md, one command per line, comments removed. */
function quickStart(): string[] {
  const readme = readFileSync(join(repo, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("## A first app"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
  return block
    .split("\n")
    .map((l) => l.replace(/\s+#.*$/, "").trim())
    .filter(Boolean);
}
const steps = quickStart();
const step = (start: string) => {
  const s = steps.find((l) => l.startsWith(start));
  if (!s) throw new Error(`README's Quick start has no command starting with "${start}": ${JSON.stringify(steps)}`);
  return s;
};

function sh(line: string, cwd: string, env: Record<string, string | undefined> = process.env) {
  const r = Bun.spawnSync(["bash", "-c", line], { cwd, env, stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
}

/** Starts a server process and resolves with its URL from the `server.listening` log line. */
async function serve(
  cmd: string[],
  cwd: string,
  env?: Record<string, string>,
): Promise<{ proc: ReturnType<typeof Bun.spawn>; url: string; log: () => string }> {
  const proc = Bun.spawn(cmd, { cwd, env, stdout: "pipe", stderr: "pipe" });
  started.push(proc);
  const reader = (proc.stderr as ReadableStream<Uint8Array>).getReader();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${cmd.join(" ")} exited before listening:\n${text}`);
    text += new TextDecoder().decode(value);
    const m = /server\.listening url=(\S+)/.exec(text);
    if (m) {
      void (async () => {
        for (let r = await reader.read(); !r.done; r = await reader.read()) text += new TextDecoder().decode(r.value);
      })();
      return { proc, url: m[1]!.replace(/\/?$/, "/"), log: () => text };
    }
  }
}

/** Fetches the page, opens two tabs, moves the thermostat's slider in one as htmx does: both show it. */
async function pageAndRoundTrip(url: string): Promise<void> {
  const page = await (await fetch(url)).text();
  expect(page).toContain("<h1>Thermostat</h1>");
  const version = Number(/data-dd-version="(\d+)"/.exec(page)![1]);
  const a = await WsClient.connect(`${url.replace(/^http/, "ws")}ws`, { version });
  const b = await WsClient.connect(`${url.replace(/^http/, "ws")}ws`, { version });
  try {
    await a.waitAck(a.set("setpoint", 72));
    expect(a.text("shown")).toBe("72 °F");
    await b.waitFor((t) => t.text("shown") === "72 °F");
    expect(b.inputValue("setpoint")).toBe("72");
  } finally {
    a.close();
    b.close();
  }
}

function elfMachine(file: string): { bits: number; machine: number } {
  const h = readFileSync(file).subarray(0, 20);
  expect([...h.subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]); // \x7fELF
  return { bits: h[4] === 2 ? 64 : 32, machine: h.readUInt16LE(18) };
}

beforeAll(() => {
  const packed = sh(`npm pack --pack-destination ${home}`, repo);
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.err.slice(-2000)}`);
  tarball = join(home, `dash-devices-${pkg.version}.tgz`);
  mkdirSync(user);
  writeFileSync(join(user, "package.json"), JSON.stringify({ name: "work", private: true }));
  const added = sh(`bun add ${tarball}`, user);
  if (added.code !== 0) throw new Error(`bun add failed:\n${added.err}`);
}, 90_000);

afterAll(() => {
  for (const p of started) p.kill();
  rmSync(home, { recursive: true, force: true });
});

describe("the package, as a user gets it", () => {
  test("the tarball holds what a user needs and nothing of ours (no data/, tests, .git, dev tools)", () => {
    const files = sh(`tar tzf ${tarball}`, home)
      .out.split("\n")
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ""));
    const tops = [...new Set(files.map((f) => f.split("/")[0]))].sort();
    expect(tops).toEqual(["README.md", "bin", "db", "i2c-bus", "package.json", "public", "src", "templates", "types"]);
    expect(files.filter((f) => /^(data|test|\.git|node_modules|examples|scripts)\/|\.sqlite/.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith(".test.ts") && !f.startsWith("templates/"))).toEqual([]); // only the starters' own tests
    expect(files).toContain("types/index.d.ts");
    expect(files).toContain("types/devices/index.d.ts");
    expect(files).toContain("db/migrations/meta/_journal.json");
    expect(files).toEqual(expect.arrayContaining(["i2c-bus/index.js", "i2c-bus/index.d.ts"])); // what a project maps "i2c-bus" to
    const installed = JSON.parse(readFileSync(join(user, "node_modules/dash-devices/package.json"), "utf8")) as typeof pkg & {
      private?: boolean;
    };
    expect(installed.private).toBeUndefined();
    expect(Object.keys(installed.dependencies).sort()).toEqual(Object.keys(pkg.dependencies).sort());
    expect(existsSync(join(user, "node_modules/playwright-core"))).toBe(false); // dev deps stay ours
    console.log(`tarball ${(statSync(tarball).size / 1024).toFixed(0)} KB, ${files.length} files`);
  });

  test("README's Quick start: init, from the user's folder", () => {
    expect(steps.slice(0, 3)).toEqual(["bunx dash-devices init gadget", "cd gadget", "bun install"]);
    const r = sh(step("bunx dash-devices init"), user);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(readdirSync(project).sort()).toEqual([".gitignore", "README.md", "app.test.ts", "app.ts", "package.json", "tsconfig.json"]);
    const p = JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
    };
    expect(Object.keys(p.scripts)).toEqual(expect.arrayContaining(["dev", "start", "build", "test"]));
    expect(p.dependencies["dash-devices"]).toBe(tarball); // the tarball the user installed, not a registry version
    expect(readFileSync(join(project, ".gitignore"), "utf8")).toMatch(/^data\/$/m);
    expect(readFileSync(join(project, ".gitignore"), "utf8")).toMatch(/^dist\/$/m);
    // README's "A first app" is the starter's app.ts
    const readme = readFileSync(join(repo, "README.md"), "utf8");
    const firstApp = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf("## A first app")))![1]!;
    expect(firstApp).toBe(readFileSync(join(project, "app.ts"), "utf8"));
    // a second init into the same, now non-empty, folder is refused
    const again = sh(step("bunx dash-devices init"), user);
    expect(again.code).toBe(2);
    expect(again.err).toContain("[DD_DIR_NOT_EMPTY] gadget is not an empty folder");
  });

  test("bun install, then tsc strict: 0 errors in the user's app.ts (and in a file using dash-devices/devices)", () => {
    expect(sh(step("bun install"), project).code).toBe(0);
    writeFileSync(
      join(project, "wiring.ts"),
      `import { App, type CallbackContext } from "dash-devices";
import { openBus, SafeState, BME280, SimI2CBus, SimBME280, type PromisifiedBus } from "dash-devices/devices";
const sim = new SimI2CBus({ bus: 1 }).attach(0x76, new SimBME280());
const bus: PromisifiedBus = openBus(1, { sim });
export const ready: Promise<BME280> = BME280.open(bus, { address: 0x76 });
export const safe = new SafeState({ signals: false });
export const used: [typeof App, CallbackContext | undefined] = [App, undefined];
`,
    );
    const tsc = sh("bun run typecheck", project);
    expect(tsc.out + tsc.err).not.toContain("error TS");
    expect(tsc.code).toBe(0);
    // the checker does see errors in the user's code (this test could fail)
    writeFileSync(
      join(project, "wrong.ts"),
      `import { openBus } from "dash-devices/devices";\nconst n: string = openBus(1).path.length;\n`,
    );
    expect(sh("bun run typecheck", project).out).toContain("wrong.ts(2,7): error TS2322");
    rmSync(join(project, "wrong.ts"));
    rmSync(join(project, "wiring.ts"));
  }, 60_000);

  test("the starter's own test passes (bun test: a real server, a WebSocket round trip)", () => {
    const r = sh("bun test", project);
    expect(r.err).toContain(" 2 pass");
    expect(r.code).toBe(0);
  }, 30_000);

  test("the device template (dash-devices/devices, simulated chips): type-checks and its own test passes", () => {
    const sensor = join(user, "sensor");
    expect(sh("bunx dash-devices init sensor --template device", user).code).toBe(0);
    expect(sh("bun install", sensor).code).toBe(0);
    const tsc = sh("bun run typecheck", sensor);
    expect(tsc.out + tsc.err).not.toContain("error TS");
    expect(tsc.code).toBe(0);
    const t = sh("bun test", sensor);
    expect(t.err).toContain(" 2 pass");
    expect(t.code).toBe(0);
  }, 60_000);

  test("README's i2c-bus mapping: the npm bme280 type-checks (tsc strict, 0 errors), runs on a simulated chip and builds", () => {
    const weather = join(user, "weather");
    expect(sh("bunx dash-devices init weather --template device", user).code).toBe(0);
    expect(sh("bun install", weather).code).toBe(0);
    // the npm driver and the real i2c-bus it depends on (whose addon cannot load: a missed mapping fails)
    for (const p of ["bme280", "i2c-bus", "bindings", "file-uri-to-path", "nan"])
      cpSync(join(repo, "node_modules", p), join(weather, "node_modules", p), { recursive: true });
    // README's Devices section: map the import "i2c-bus" to the package's folder i2c-bus/ (tsc reads its
    // index.d.ts, Bun its index.js)
    const mapped = { "i2c-bus": ["./node_modules/dash-devices/i2c-bus"] };
    const tsconfig = JSON.parse(readFileSync(join(weather, "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, unknown> };
    const withPaths = (paths: Record<string, string[]>) =>
      writeFileSync(
        join(weather, "tsconfig.json"),
        JSON.stringify({ ...tsconfig, compilerOptions: { ...tsconfig.compilerOptions, paths } }),
      );
    withPaths(mapped);
    writeFileSync(join(weather, "bme280.d.ts"), `declare module "bme280";\n`); // bme280 ships no types
    writeFileSync(
      join(weather, "weather.ts"),
      `import bme280 from "bme280";
import { SimBME280, SimI2CBus, type PromisifiedBus } from "dash-devices/devices";
import { provideBus } from "dash-devices/i2c-bus";
import { openPromisified } from "i2c-bus";
provideBus(1, new SimI2CBus({ bus: 1 }).attach(0x77, new SimBME280({ temperature: 21.5 })));
const sensor = await bme280.open({ i2cBusNumber: 1 });
const reading: { temperature: number } = await sensor.read();
await sensor.close();
const bus: PromisifiedBus = await openPromisified(1);
console.log(JSON.stringify({ temperature: reading.temperature, chipId: await bus.readByte(0x77, 0xd0) }));
`,
    );
    // the mapped module's interfaces are @types/i2c-bus's, both ways assignable
    writeFileSync(
      join(weather, "same.ts"),
      `import type * as Real from "./node_modules/@types/i2c-bus/index.d.ts";
import type * as Mapped from "i2c-bus";
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const same: [
  Same<Mapped.I2CBus, Real.I2CBus>,
  Same<Mapped.PromisifiedBus, Real.PromisifiedBus>,
  Same<Mapped.I2CFuncs, Real.I2CFuncs>,
  Same<Mapped.I2CDeviceId, Real.I2CDeviceId>,
  Same<Mapped.BytesRead, Real.BytesRead>,
  Same<Mapped.BytesWritten, Real.BytesWritten>,
] = [true, true, true, true, true, true];
`,
    );
    const tsc = sh("bun run typecheck", weather);
    expect(tsc.out + tsc.err).not.toContain("error TS");
    expect(tsc.code).toBe(0);
    const reading = (r: { code: number | null; out: string; err: string }) => {
      expect(r.err).not.toContain("rror");
      expect(r.code).toBe(0);
      return JSON.parse(r.out.trim()) as { temperature: number; chipId: number };
    };
    const run = reading(sh("bun weather.ts", weather));
    expect(Math.abs(run.temperature - 21.5)).toBeLessThan(0.01); // the npm driver's formulas, the set 21.5 °C
    expect(run.chipId).toBe(0x60);
    // dash-devices build: the binary alone, without node_modules, reads the chip through the mapping
    const built = sh("bunx dash-devices build weather.ts", weather);
    expect(built.code).toBe(0);
    const alone = join(home, "weather-device");
    mkdirSync(alone);
    copyFileSync(join(weather, "dist/weather-linux-x64"), join(alone, "weather"));
    const binary = Bun.spawnSync([join(alone, "weather")], {
      cwd: alone,
      env: { PATH: alone, HOME: alone },
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(reading({ code: binary.exitCode, out: binary.stdout.toString(), err: binary.stderr.toString() })).toEqual(run);
    // the mapping to our source file, as the README once said: Bun still runs it, tsc cannot check it
    withPaths({ "i2c-bus": ["./node_modules/dash-devices/src/devices/i2c-bus.ts"] });
    expect(reading(sh("bun weather.ts", weather))).toEqual(run);
    expect(sh("bun run typecheck", weather).out).toContain("error TS2303: Circular definition of import alias 'PromisifiedBus'");
  }, 90_000);

  test("bun run dev serves the page; two tabs over WebSockets share the slider; a save restarts it; no database is created", async () => {
    const dev = step("bun run dev");
    const s = await serve(["bash", "-c", `exec ${dev} -- --port 0 --host 127.0.0.1`], project);
    await pageAndRoundTrip(s.url);
    // restart on save: the edited title is served by the restarted app (a new free port)
    const app = readFileSync(join(project, "app.ts"), "utf8");
    writeFileSync(join(project, "app.ts"), app.replace('html.H1("Thermostat")', 'html.H1("Thermostat, edited")'));
    const listening = () => [...s.log().matchAll(/server\.listening url=(\S+)/g)].map((m) => m[1]!);
    if (!(await until(() => listening().length >= 2, 10_000))) throw new Error(`no restart after the save:\n${s.log()}`);
    expect(await (await fetch(listening()[1]!)).text()).toContain("<h1>Thermostat, edited</h1>");
    writeFileSync(join(project, "app.ts"), app);
    if (!(await until(() => listening().length >= 3, 10_000))) throw new Error(`no restart after the second save:\n${s.log()}`);
    s.proc.kill("SIGTERM");
    await s.proc.exited;
    expect(existsSync(join(project, "data"))).toBe(false); // database: false
  }, 30_000);

  test("bun run build -- --target all: an x86-64 and an aarch64 ELF in the user's dist/", () => {
    const r = sh(step("bun run build"), project);
    expect(r.err).not.toContain("error");
    expect(r.code).toBe(0);
    expect(readdirSync(join(project, "dist")).sort()).toEqual(["gadget-linux-arm64", "gadget-linux-x64"]);
    expect(elfMachine(join(project, "dist/gadget-linux-x64"))).toEqual({ bits: 64, machine: 0x3e }); // EM_X86_64
    expect(elfMachine(join(project, "dist/gadget-linux-arm64"))).toEqual({ bits: 64, machine: 0xb7 }); // EM_AARCH64
    expect(existsSync(join(repo, "dist/gadget-linux-x64"))).toBe(false); // not into our clone
    for (const t of ["x64", "arm64"])
      console.log(`gadget-linux-${t}: ${(statSync(join(project, `dist/gadget-linux-${t}`)).size / 1024 / 1024).toFixed(1)} MB`);
  }, 90_000);

  test("the x86-64 binary alone in an empty folder: page, two WebSocket tabs, --version, i2c scan --sim", async () => {
    const device = join(home, "device");
    mkdirSync(device);
    const bin = join(device, "gadget");
    copyFileSync(join(project, "dist/gadget-linux-x64"), bin);
    const env = { PATH: device, HOME: device }; // no bun on PATH, nothing of the project
    const s = await serve([bin, "--port", "0", "--host", "127.0.0.1"], device, env);
    await pageAndRoundTrip(s.url);
    s.proc.kill("SIGTERM");
    await s.proc.exited;
    expect(readdirSync(device)).toEqual(["gadget"]); // nothing written beside it

    const version = Bun.spawnSync([bin, "--version"], { cwd: device, env });
    expect(version.stdout.toString()).toBe(`gadget 0.1.0 (dash-devices ${pkg.version})\n`);
    const scan = Bun.spawnSync([bin, "i2c", "scan", "--sim"], { cwd: device, env });
    expect(scan.exitCode).toBe(0);
    expect(scan.stdout.toString()).toContain("70: -- -- -- -- -- -- 76 --");
    expect(scan.stdout.toString()).toContain("4 device(s): 0x20 0x40 0x48 0x76");
    expect(scan.stdout.toString()).not.toContain("server.listening");
    const get = Bun.spawnSync([bin, "i2c", "get", "--sim", "0x76", "0xd0"], { cwd: device, env });
    expect(get.stdout.toString()).toBe("0x60\n"); // a BME280's chip id
  }, 30_000);

  test("a missing import is reported as such by build, with the fix", () => {
    writeFileSync(
      join(project, "broken.ts"),
      `import { chart } from "no-such-chart-lib";\nimport { x } from "./helpers.ts";\nconsole.log(chart, x);\n`,
    );
    const r = sh("bunx dash-devices build broken.ts", project);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`[DD_MISSING_IMPORT] broken.ts imports "no-such-chart-lib", "./helpers.ts", which cannot be found.`);
    expect(r.err).toContain(`"no-such-chart-lib" at broken.ts:1:23`);
    expect(r.err).toContain("bun add no-such-chart-lib");
    expect(r.err + r.out).not.toContain("bytecode");
    rmSync(join(project, "broken.ts"));
  }, 30_000);
});
