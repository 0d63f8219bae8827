// arm64: cross-compile a small program that uses the device layer's bun:ffi bindings and run it
// under qemu-aarch64 user-mode emulation with Debian's arm64 glibc (libc6-arm64-cross). Checks that
// libc loads, calls pass arguments and return values, and errno is read correctly on arm64.
// (qemu-user does not pass I2C/GPIO ioctls through, so those are covered by kernel.test.ts on x86-64.)
import { expect, test } from "bun:test";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const qemu = Bun.which("qemu-aarch64-static") ?? Bun.which("qemu-aarch64");
const sysroot = "/usr/aarch64-linux-gnu";
const ready = !!qemu && existsSync(join(sysroot, "lib", "libc.so.6"));

test.skipIf(!ready)(
  `bun:ffi bindings on arm64 (qemu user mode)${ready ? "" : " (skipped: needs qemu-user-static and libc6-arm64-cross)"}`,
  () => {
    const out = join(mkdtempSync(join(tmpdir(), "dd-arm64-")), "smoke");
    const build = Bun.spawnSync([
      process.execPath,
      "build",
      "--compile",
      "--target=bun-linux-arm64",
      join(import.meta.dir, "fixtures", "arm64-smoke.ts"),
      "--outfile",
      out,
    ]);
    expect(build.exitCode).toBe(0);
    const r = Bun.spawnSync([qemu!, "-L", sysroot, out]);
    expect(r.stderr.toString()).toBe("");
    expect(JSON.parse(r.stdout.toString())).toEqual({
      arch: "arm64",
      openMissing: -2, // ENOENT
      fdOk: true,
      write: 3,
      close: 0,
      closeAgain: -9, // EBADF
      busError: "DD_DEVICE_NOT_FOUND ENOENT",
      monotonic: true,
    });
  },
  120_000,
);
