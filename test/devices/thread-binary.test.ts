// The device thread inside a compiled executable: `dash-devices build` (src/cli/build.ts) adds the
// thread's entry point, and the binary, copied alone into an empty folder, starts its Worker from
// the embedded code: a simulated bus on the thread answers readByte, its *Sync form and its errors.
import { expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "../../src/cli/build.ts";

test("a compiled app runs its bus on the device thread (the Worker's code is embedded)", () => {
  const build = mkdtempSync(join(tmpdir(), "dd-thread-build-"));
  const home = mkdtempSync(join(tmpdir(), "dd-thread-run-"));
  try {
    const [bin] = buildApp({
      entry: join(import.meta.dir, "fixtures/thread-app.ts"),
      targets: [process.arch === "arm64" ? "arm64" : "x64"],
      outdir: build,
      say: () => {},
    });
    expect(bin!.bytecode).toBe(true);
    const exe = join(home, "thread-app");
    copyFileSync(bin!.path, exe);
    const r = Bun.spawnSync([exe], { cwd: home, env: { PATH: process.env.PATH ?? "" }, stdout: "pipe", stderr: "pipe" });
    const out = r.stdout.toString() + r.stderr.toString();
    expect(r.exitCode, out).toBe(0);
    expect(JSON.parse(r.stdout.toString().trim().split("\n").pop()!)).toEqual({
      threaded: true,
      id: 0x60,
      sync: 0x60,
      err: "DD_I2C_NO_ACK",
      timerRan: true,
    });
  } finally {
    rmSync(build, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
}, 120_000);

test("without the thread's entry point the binary says how to build (DD_DEVICE_UNAVAILABLE)", () => {
  const build = mkdtempSync(join(tmpdir(), "dd-thread-bare-"));
  try {
    const exe = join(build, "bare");
    const c = Bun.spawnSync(["bun", "build", "--compile", join(import.meta.dir, "fixtures/thread-app.ts"), "--outfile", exe], {
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(c.exitCode, c.stderr.toString()).toBe(0);
    const r = Bun.spawnSync([exe], { cwd: build, stdout: "pipe", stderr: "pipe" });
    const out = r.stdout.toString() + r.stderr.toString();
    expect(r.exitCode).not.toBe(0);
    expect(out).toContain("DD_DEVICE_UNAVAILABLE");
    expect(out).toContain("dash-devices build");
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
}, 120_000);
