// The installer's unit, as far as it can be checked without systemd running: its system call
// filter (SystemCallFilter= lines read from the unit the installer writes, expanded by
// systemd-analyze, applied with libseccomp, every other call failing with EPERM as the unit
// says) around the compiled app with its database, bun:ffi and the notify socket: it starts,
// says READY=1 and pings the watchdog, serves its page, runs its safe state on SIGTERM and on a
// crash. The mount options (ProtectSystem, ProcSubset=pid, ...) are not emulated here.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compiled } from "../helpers/binaries.ts";
import { freePort, until } from "../helpers/server.ts";
import { hasPython, notifyListener } from "../helpers/notify.ts";

const SANDBOX = join(import.meta.dir, "fixtures/seccomp-sandbox.py");
const dir = mkdtempSync(join(tmpdir(), "dd-sandbox-"));
const procs: Bun.Subprocess[] = [];
const stops: (() => void)[] = [];
let bin = "";
let allow = "";
let deny = "";

/** A python3 with libseccomp's bindings (Debian's python3-seccomp is in the system python, not a pyenv one). */
const seccompPython = [Bun.which("python3"), "/usr/bin/python3"].find((py) => py && Bun.spawnSync([py, "-c", "import seccomp"]).success);

function why(): string | undefined {
  if (!hasPython) return "python3 is not installed";
  if (!seccompPython) return "python3-seccomp (libseccomp's bindings) is not installed: apt-get install python3-seccomp";
  if (!Bun.spawnSync(["systemd-analyze", "syscall-filter", "@system-service"], { stdout: "pipe" }).success)
    return "systemd-analyze is not installed (apt-get install systemd)";
  return undefined;
}
const skip = why();
const note = skip ? ` (skipped: ${skip})` : "";

beforeAll(() => {
  if (skip) return;
  bin = compiled("test/appliance/fixtures/crash-app.ts");
  // The filter of the unit the installer writes for a device with I2C and GPIO.
  const root = join(dir, "root");
  mkdirSync(join(root, "etc"), { recursive: true });
  mkdirSync(join(root, "usr/sbin"), { recursive: true });
  writeFileSync(join(root, "usr/sbin/nologin"), "");
  writeFileSync(join(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
  writeFileSync(join(root, "etc/group"), "root:x:0:\ni2c:x:998:\ngpio:x:997:\n");
  writeFileSync(join(root, "etc/shadow"), "root:*::0:::::\n");
  writeFileSync(join(root, "etc/gshadow"), "root:*::\ni2c:!::\ngpio:!::\n");
  const r = Bun.spawnSync(
    [
      "bash",
      join(import.meta.dir, "../../scripts/install-device.sh"),
      bin,
      "--name",
      "demo",
      "--i2c-bus",
      "1",
      "--gpiochip",
      "0",
      "--root",
      root,
      "--no-systemctl",
    ],
    { stderr: "pipe", stdout: "pipe" },
  );
  if (!r.success) throw new Error(r.stderr.toString());
  const unit = readFileSync(join(root, "etc/systemd/system/dash-devices-demo.service"), "utf8");
  for (const [, not, list] of unit.matchAll(/^SystemCallFilter=(~?)(.*)$/gm)) {
    if (not) deny += ` ${list}`;
    else allow += ` ${list}`;
  }
  expect(unit).toContain("\nSystemCallErrorNumber=EPERM\n");
}, 120000);

afterAll(() => {
  for (const p of procs) p.kill("SIGKILL");
  for (const s of stops) s();
  rmSync(dir, { recursive: true, force: true });
});

function sandboxed(args: string[], env: Record<string, string>) {
  const p = Bun.spawn([seccompPython!, SANDBOX, allow.trim(), deny.trim(), "--", bin, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  procs.push(p);
  let out = "";
  const pump = async (s: ReadableStream<Uint8Array>) => {
    for await (const c of s) out += new TextDecoder().decode(c);
  };
  const done = Promise.all([pump(p.stdout), pump(p.stderr)]);
  return { p, out: () => out, done };
}

test.skipIf(!!skip)(`the filter has what the devices need (ioctl) and what the app must not do is out${note}`, () => {
  const list = (g: string) => Bun.spawnSync(["systemd-analyze", "syscall-filter", g], { stdout: "pipe" }).stdout.toString();
  expect(allow.trim()).toBe("@system-service");
  expect(deny.trim()).toBe("@privileged @resources");
  expect(list("@system-service")).toMatch(/^\s+ioctl$/m); // I2C_RDWR, I2C_SLAVE, the GPIO uAPI
  for (const g of ["@privileged", "@resources"]) expect(list(g)).not.toMatch(/^\s+ioctl$/m);
});

test.skipIf(!!skip)(
  `under the unit's system call filter the app starts with its database, notifies, serves, and stops cleanly${note}`,
  async () => {
    const sock = join(dir, "notify.sock");
    const listener = await notifyListener(sock);
    stops.push(listener.stop);
    const port = freePort();
    const marker = join(dir, "marker-term");
    const run = sandboxed(["--port", String(port), "--host", "127.0.0.1", "--data-dir", join(dir, "data")], {
      DD_TEST_DB: "1",
      DD_TEST_MARKER: marker,
      NOTIFY_SOCKET: sock,
      WATCHDOG_USEC: "2000000",
    });
    expect(await until(() => listener.lines.includes("WATCHDOG=1"), 20000)).toBe(true);
    expect(run.out()).toContain("seccomp-sandbox: ");
    expect(listener.lines[1]).toStartWith("READY=1|");
    expect(existsSync(join(dir, "data/dash-devices.sqlite"))).toBe(true);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("crash fixture");
    expect((await fetch(`http://127.0.0.1:${port}/login`)).status).toBe(200);
    run.p.kill("SIGTERM");
    expect(await run.p.exited).toBe(0);
    await run.done;
    expect(run.out()).toContain("server.stopping signal=SIGTERM");
    expect(readFileSync(marker, "utf8")).toStartWith("safe state ran (SIGTERM)");
    expect(await until(() => listener.lines.includes("STOPPING=1"), 5000)).toBe(true);
  },
  60000,
);

test.skipIf(!!skip)(
  `under the filter a crash still runs the safe state and exits 1${note}`,
  async () => {
    const marker = join(dir, "marker-crash");
    const run = sandboxed(["--port", "0", "--host", "127.0.0.1"], { DD_TEST_CRASH: "throw", DD_TEST_MARKER: marker });
    expect(await run.p.exited).toBe(1);
    await run.done;
    expect(readFileSync(marker, "utf8")).toBe("safe state ran (uncaughtException: boom from a timer); pwm channel 0 off 3072 -> 4096\n");
  },
  60000,
);
