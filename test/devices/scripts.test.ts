// scripts/i2c-scan.ts, i2c-get.ts, i2c-set.ts as a user runs them (separate processes).
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "../..");
function run(script: string, ...args: string[]) {
  const r = Bun.spawnSync([process.execPath, join(root, "scripts", script), ...args], {
    cwd: root,
    env: { ...process.env, DASH_DEVICES_SIM: "" },
  });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
}

describe("i2c-scan", () => {
  test("--sim prints the i2cdetect grid with the demo chips", () => {
    const r = run("i2c-scan.ts", "--sim");
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    expect(lines[0]).toBe("sim:i2c-1");
    expect(lines[1]).toBe("     0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f");
    expect(lines[2]).toBe("00:          -- -- -- -- -- -- -- -- -- -- -- -- --");
    expect(lines[4]).toBe("20: 20 -- -- -- -- -- -- -- -- -- -- -- -- -- -- --");
    expect(lines[6]).toBe("40: 40 -- -- -- -- -- -- -- 48 -- -- -- -- -- -- --");
    expect(lines[9]).toBe("70: -- -- -- -- -- -- 76 --");
    expect(r.out).toContain("4 device(s): 0x20 0x40 0x48 0x76");
  });

  test("--help explains the grid and options; an unknown option is a usage error (exit 2)", () => {
    const h = run("i2c-scan.ts", "--help");
    expect(h.code).toBe(0);
    expect(h.out).toContain("UU  claimed by a kernel driver");
    const bad = run("i2c-scan.ts", "--bogus");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("unknown option --bogus");
    expect(bad.err).toContain("usage:");
  });

  test.skipIf(existsSync("/dev/i2c-42"))("a missing real bus: exit 1 with the device error and its fix", () => {
    const r = run("i2c-scan.ts", "--bus", "42");
    expect(r.code).toBe(1);
    expect(r.err).toContain("[DD_DEVICE_NOT_FOUND] no I2C bus /dev/i2c-42");
    expect(r.err).toContain("fix:");
  });
});

describe("i2c-get / i2c-set", () => {
  test("read a byte and a word", () => {
    expect(run("i2c-get.ts", "--sim", "0x76", "0xd0")).toMatchObject({ code: 0, out: "0x60\n" });
    expect(run("i2c-get.ts", "--sim", "--word", "0x76", "0x88").out).toBe(`0x${(27504).toString(16)}\n`); // dig_T1
  });

  test("write with --verify; a read-only register fails verification (exit 1)", () => {
    const ok = run("i2c-set.ts", "--sim", "--verify", "0x20", "0x14", "0xa5");
    expect(ok.code).toBe(0);
    expect(ok.out).toBe("wrote 0xa5 to register 0x14 of 0x20 on sim:i2c-1 (verified)\n");
    const ro = run("i2c-set.ts", "--sim", "--verify", "0x76", "0xd0", "0x12");
    expect(ro.code).toBe(1);
    expect(ro.err).toContain("verify failed: register 0xd0 reads 0x60, expected 0x12");
    const word = run("i2c-set.ts", "--sim", "--word", "--verify", "0x20", "0x00", "0x1234");
    expect(word.code).toBe(0);
  });

  test("no device at the address: exit 1 with DD_I2C_NO_ACK", () => {
    const r = run("i2c-get.ts", "--sim", "0x77", "0");
    expect(r.code).toBe(1);
    expect(r.err).toContain("[DD_I2C_NO_ACK] no device answered at 0x77 on sim:i2c-1 (ENXIO)");
  });

  test("usage errors (exit 2): bad address, value too large, missing argument", () => {
    expect(run("i2c-get.ts", "--sim", "0x99", "0").err).toContain('invalid ADDRESS "0x99"');
    expect(run("i2c-set.ts", "--sim", "0x20", "0", "0x100").err).toContain('invalid VALUE "0x100"');
    const missing = run("i2c-set.ts", "--sim", "0x20", "0");
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("missing VALUE");
    expect(run("i2c-get.ts", "--help").out).toContain("usage: bun scripts/i2c-get.ts");
    expect(run("i2c-set.ts", "--help").out).toContain("--verify");
  });
});
