// The appliance story: build one executable, copy it alone into an empty directory, run it from
// there: pages, assets, live updates, first-run setup, login and /admin work; the database is
// created and migrated in its data dir; a restart keeps users and sessions. And the arm64 build is
// a real aarch64 executable.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, copyFileSync, existsSync, readFileSync, chmodSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, until } from "../helpers/server.ts";
import { WsClient } from "../helpers/ws-client.ts";

const build = mkdtempSync(join(tmpdir(), "dd-build-"));
const home = mkdtempSync(join(tmpdir(), "dd-device-"));
const cleanup: string[] = [];
const bin = join(home, "example1");
let proc: ReturnType<typeof Bun.spawn> | undefined;
let out = "";
let port = 0;
let base = "";

async function start() {
  port = freePort();
  base = `http://127.0.0.1:${port}`;
  out = "";
  proc = Bun.spawn([bin, "--port", String(port), "--host", "127.0.0.1"], {
    cwd: home,
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: process.env.PATH ?? "" },
  });
  const pump = async (s: ReadableStream<Uint8Array>) => {
    for await (const c of s) out += new TextDecoder().decode(c);
  };
  void pump(proc.stdout as ReadableStream<Uint8Array>);
  void pump(proc.stderr as ReadableStream<Uint8Array>);
  if (!(await until(() => out.includes("server.listening"), 15000))) throw new Error(`binary did not start:\n${out}`);
}
async function stop(signal: NodeJS.Signals = "SIGTERM") {
  proc?.kill(signal);
  await proc?.exited;
}

beforeAll(async () => {
  const r = Bun.spawnSync(["bun", "run", "scripts/build.ts", "examples/example1.ts", "--target", "all", "--outdir", build], {
    stdout: "pipe",
    stderr: "pipe",
  });
  if (r.exitCode !== 0) throw new Error(r.stderr.toString() + r.stdout.toString());
  copyFileSync(join(build, "example1-linux-x64"), bin);
  chmodSync(bin, 0o755);
}, 120000);
afterAll(async () => {
  await stop();
  // Each run builds ~325 MB of executables: never leave them behind.
  for (const d of [build, home, ...cleanup]) rmSync(d, { recursive: true, force: true });
});

test("the demo (the default of bun run build) compiles with bytecode", () => {
  const r = Bun.spawnSync(["bun", "run", "scripts/build.ts", "--outdir", build], { stdout: "pipe", stderr: "pipe" });
  expect(r.exitCode).toBe(0);
  expect(r.stderr.toString()).not.toContain("--bytecode failed");
  expect(existsSync(join(build, "demo-linux-x64"))).toBe(true);
}, 60000);

test("the arm64 build is an aarch64 ELF executable", () => {
  const elf = readFileSync(join(build, "example1-linux-arm64")).subarray(0, 20);
  expect([...elf.subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]); // \x7fELF
  expect(elf[4]).toBe(2); // 64-bit
  expect(elf.readUInt16LE(18)).toBe(0xb7); // EM_AARCH64
});

test("--help, --version and bad values, from the binary", () => {
  const help = Bun.spawnSync([bin, "--help"], { cwd: home });
  expect(help.exitCode).toBe(0);
  expect(help.stdout.toString()).toContain("--data-dir D");
  const version = Bun.spawnSync([bin, "--version"], { cwd: home });
  expect(version.stdout.toString().trim()).toMatch(/^dash-devices \d+\.\d+\.\d+$/); // example1 has no package.json of its own
  const bad = Bun.spawnSync([bin, "--port", "eighty"], { cwd: home });
  // L7: one line and the fix, exit status 2; no stack trace, no kilobytes of minified source.
  expect(bad.exitCode).toBe(2);
  const err = bad.stderr.toString().trimEnd().split("\n");
  expect(err[0]).toStartWith("error: [DD_BAD_OPTION] the port from --port is not a port number");
  expect(err.length).toBeLessThanOrEqual(2);
});

test("alone in an empty directory: pages, assets, updates, setup, login, /admin; a restart keeps users and sessions", async () => {
  await start();
  expect(existsSync(join(home, "data", "dash-devices.sqlite"))).toBe(true);
  const page = await (await fetch(base + "/")).text();
  expect(page).toContain('id="shared_slider"');
  for (const asset of ["htmx.js", "hx-ws.js", "dash-devices.js", "dash-devices.css"]) {
    const r = await fetch(`${base}/_dd/${asset}`);
    expect(r.status).toBe(200);
    expect((await r.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  }
  const v = Number(/data-dd-version="(\d+)"/.exec(page)![1]);
  const a = await WsClient.connect(`ws://127.0.0.1:${port}/ws`, { version: v });
  const b = await WsClient.connect(`ws://127.0.0.1:${port}/ws`, { version: v });
  await a.waitAck(a.set("shared_slider", 8));
  await b.waitFor((c) => c.text("shared_slider_output") === "8");
  a.close();
  b.close();

  // first run: the setup link creates the admin, who is logged in
  const token = /setup\?token=([A-Za-z0-9_-]+)/.exec(out)![1]!;
  const origin = { origin: base };
  const setup = await fetch(`${base}/setup`, {
    method: "POST",
    redirect: "manual",
    headers: { ...origin, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token, username: "owner", password: "correct horse battery" }),
  });
  if (setup.status !== 303) throw new Error(`setup: ${setup.status} ${await setup.text()}`);
  const cookie = setup.headers.get("set-cookie")!.split(";")[0]!;
  expect((await fetch(`${base}/admin/`, { headers: { cookie } })).status).toBe(200);
  expect((await fetch(`${base}/admin/`, { redirect: "manual" })).status).toBe(303);

  // restart (SIGTERM: clean shutdown) and the session still works
  await stop("SIGTERM");
  expect(out).toContain("server.stopping");
  await start();
  expect(out).not.toContain("setup.needed");
  expect((await fetch(`${base}/admin/`, { headers: { cookie } })).status).toBe(200);
  const login = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { origin: base, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username: "owner", password: "correct horse battery", next: "/admin/" }),
  });
  expect(login.status).toBe(303);
  expect(login.headers.get("location")).toBe("/admin/");
}, 60000);

test("the installer puts the binary, a user, a data dir and a systemd unit into a root", async () => {
  const root = mkdtempSync(join(tmpdir(), "dd-root-"));
  cleanup.push(root);
  await Bun.write(join(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
  await Bun.write(join(root, "etc/group"), "root:x:0:\ni2c:x:998:\ngpio:x:997:\n");
  await Bun.write(join(root, "etc/shadow"), "root:*::0:::::\n");
  await Bun.write(join(root, "etc/gshadow"), "root:*::\ni2c:!::\ngpio:!::\n");
  const r = Bun.spawnSync(
    [
      "bash",
      "scripts/install-device.sh",
      join(build, "example1-linux-arm64"),
      "--name",
      "demo",
      "--port",
      "80",
      "--root",
      root,
      "--no-systemctl",
    ],
    { stdout: "pipe", stderr: "pipe" },
  );
  expect(r.exitCode).toBe(0);
  expect(r.stdout.toString()).toContain(":80/");
  expect(existsSync(join(root, "opt/dash-devices/demo/demo"))).toBe(true);
  const unit = readFileSync(join(root, "etc/systemd/system/dash-devices-demo.service"), "utf8");
  expect(unit).toContain("ExecStart=/opt/dash-devices/demo/demo --port 80 --data-dir /var/lib/dash-devices/demo");
  expect(unit).toContain("Restart=on-failure");
  expect(unit).toContain("AmbientCapabilities=CAP_NET_BIND_SERVICE");
  expect(readFileSync(join(root, "etc/passwd"), "utf8")).toMatch(/^dashdev:x:\d+:\d+:/m);
  expect(readFileSync(join(root, "etc/group"), "utf8")).toMatch(/^i2c:x:998:dashdev$/m);
  expect(readFileSync(join(root, "etc/group"), "utf8")).toMatch(/^gpio:x:997:dashdev$/m);
  const bad = Bun.spawnSync(["bash", "scripts/install-device.sh", "/nope", "--root", root], { stderr: "pipe" });
  expect(bad.exitCode).not.toBe(0);
  expect(bad.stderr.toString()).toContain("no such file: /nope");
});
