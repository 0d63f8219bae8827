// Crash safety and the systemd watchdog, on a compiled device app (test/appliance/fixtures/crash-app.ts,
// a simulated PCA9685 whose channel 0 is at 75 % until its safe state turns it off):
// - an uncaught exception and an unhandled rejection run the safe state, are logged once, exit 1;
// - with a NOTIFY_SOCKET (a unix datagram socket bound here by python3, as systemd's would be) the
//   app sends READY=1 after listening and WATCHDOG=1 again and again; once a callback blocks the
//   event loop, no ping comes; SIGTERM sends STOPPING=1.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compiled } from "../helpers/binaries.ts";
import { until } from "../helpers/server.ts";
import { hasPython, notifyListener } from "../helpers/notify.ts";

let bin = "";
const dir = mkdtempSync(join(tmpdir(), "dd-crash-"));
const procs: Bun.Subprocess[] = [];
const stops: (() => void)[] = [];

beforeAll(() => {
  bin = compiled("test/appliance/fixtures/crash-app.ts");
}, 120000);
afterAll(() => {
  for (const p of procs) p.kill("SIGKILL");
  for (const stop of stops) stop();
  rmSync(dir, { recursive: true, force: true });
});

function env(extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? "", ...extra };
}

async function collect(p: Bun.Subprocess<"ignore", "pipe", "pipe">): Promise<string> {
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  return out + err;
}

for (const kind of ["throw", "reject"] as const) {
  const label = kind === "throw" ? "an uncaught exception (thrown from a timer)" : "an unhandled rejection";
  test(`${label} runs the safe state, is logged once, and the process exits 1`, async () => {
    const marker = join(dir, `marker-${kind}`);
    const p = Bun.spawn([bin, "--port", "0", "--host", "127.0.0.1"], {
      cwd: dir,
      env: env({ DD_TEST_CRASH: kind, DD_TEST_MARKER: marker }),
      stdout: "pipe",
      stderr: "pipe",
    });
    procs.push(p);
    const out = await collect(p);
    expect(await p.exited).toBe(1);
    expect(out).toContain("server.listening"); // it crashed while serving, not at start
    // The safe state ran: the PWM channel went from 75 % (off count 3072) to full off (4096).
    expect(existsSync(marker)).toBe(true);
    const what = kind === "throw" ? "uncaughtException: boom from a timer" : "unhandledRejection: boom from a promise";
    expect(readFileSync(marker, "utf8")).toBe(`safe state ran (${what}); pwm channel 0 off 3072 -> 4096\n`);
    // Logged once, through the app's logger, then the exit; Bun's own error print is not there.
    const message = kind === "throw" ? "boom from a timer" : "boom from a promise";
    expect(out.split(`error="${message}"`).length - 1).toBe(1); // the error itself, once (the safe-state lines name it as their reason)
    expect(out).not.toMatch(new RegExp(`^(error|Error): ${message}`, "m")); // Bun's default print
    expect(out.match(/process\.crash /g)?.length).toBe(1);
    expect(out).toMatch(/ERROR process\.exit code=1/);
    expect(out.indexOf("process.crash")).toBeLessThan(out.indexOf("safe-state.done"));
  }, 30000);
}

const python = hasPython;
const noPython = python ? "" : " (skipped: python3, which binds the stand-in notify socket, is not installed)";

test.skipIf(!python)(
  `under systemd: READY=1 after listening, WATCHDOG=1 again and again; a blocked event loop stops the pings${noPython}`,
  async () => {
    const sock = join(dir, "notify.sock");
    const listener = await notifyListener(sock);
    stops.push(listener.stop);
    let err = "";
    // WatchdogSec=0.2 s: a ping every 100 ms.
    const p = Bun.spawn([bin, "--port", "0", "--host", "127.0.0.1"], {
      cwd: dir,
      env: env({ NOTIFY_SOCKET: sock, WATCHDOG_USEC: "200000" }),
      stdout: "ignore",
      stderr: "pipe",
    });
    procs.push(p);
    void (async () => {
      for await (const c of p.stderr) err += new TextDecoder().decode(c);
    })();
    const pings = () => listener.lines.filter((l) => l === "WATCHDOG=1").length;
    expect(await until(() => pings() >= 3, 15000)).toBe(true);
    const ready = listener.lines.findIndex((l) => l.startsWith("READY=1"));
    expect(ready).toBe(1); // the first datagram, right after BOUND
    expect(listener.lines[ready]).toMatch(/^READY=1\|STATUS=serving http:\/\/127\.0\.0\.1:\d+$/);
    expect(err.indexOf("server.listening")).toBeGreaterThanOrEqual(0);
    expect(err).toContain("systemd.watchdog intervalMs=200 pingMs=100");

    // Block the loop (SIGUSR2: a handler that never returns; it says X-BLOCKING=1 first).
    p.kill("SIGUSR2");
    expect(await until(() => listener.lines.includes("X-BLOCKING=1"), 10000)).toBe(true);
    // Twenty ping intervals later: not one ping after the block (systemd would restart the service).
    await Bun.sleep(2000);
    const after = listener.lines.slice(listener.lines.indexOf("X-BLOCKING=1") + 1);
    expect(after).toEqual([]);
    expect(p.exitCode).toBeNull(); // still there, just stuck: only the watchdog notices
    p.kill("SIGKILL");
    await p.exited;
    listener.stop();
  },
  60000,
);

test.skipIf(!python)(
  `an abstract NOTIFY_SOCKET (@name) works too, and SIGTERM sends STOPPING=1, runs the safe state, exits 0${noPython}`,
  async () => {
    const name = `@dd-notify-test-${process.pid}-${Date.now()}`;
    const listener = await notifyListener(name);
    stops.push(listener.stop);
    const marker = join(dir, "marker-sigterm");
    const p = Bun.spawn([bin, "--port", "0", "--host", "127.0.0.1"], {
      cwd: dir,
      env: env({ NOTIFY_SOCKET: name, WATCHDOG_USEC: "10000000", DD_TEST_MARKER: marker }),
      stdout: "ignore",
      stderr: "pipe",
    });
    procs.push(p);
    expect(await until(() => listener.lines.includes("WATCHDOG=1"), 15000)).toBe(true);
    expect(listener.lines[1]).toStartWith("READY=1|");
    p.kill("SIGTERM");
    expect(await p.exited).toBe(0);
    expect(await until(() => listener.lines.includes("STOPPING=1"), 5000)).toBe(true);
    expect(readFileSync(marker, "utf8")).toStartWith("safe state ran (SIGTERM); pwm channel 0 off 3072 -> 4096");
    listener.stop();
  },
  60000,
);
