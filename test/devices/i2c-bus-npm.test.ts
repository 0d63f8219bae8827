// Drivers written for i2c-bus, from npm, run unchanged on dash-devices (issue 12): `bme280` (promise
// API) and `pca9685` (callback API from openSync) against the simulated chips, with "i2c-bus" mapped
// to the drop-in the way the README tells users: tsconfig `paths` in the project's root tsconfig.json,
// to the package's folder i2c-bus/ (Bun takes its index.js; tsc its index.d.ts, see
// test/package/package.test.ts). The old mapping, to src/devices/i2c-bus.ts, still runs the same.
// A scratch project as a user has it: its tsconfig.json, its node_modules with the drivers AND the
// real i2c-bus (whose addon cannot load: if the mapping missed, require("i2c-bus") would fail), and
// dash-devices. Real time: the npm driver waits its own delays against the chip's measurement time.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { cpSync, mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dir, "../..");
let dir = "";

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "dd-i2c-bus-"));
  mkdirSync(join(dir, "node_modules"));
  // The drivers, their dependencies and the real i2c-bus, copied: Bun finds a file's tsconfig from
  // its real path, so symlinks into this repository would read the repository's tsconfig instead.
  for (const p of ["bme280", "pca9685", "debug", "ms", "rxjs", "tslib", "i2c-bus", "bindings", "file-uri-to-path", "nan"]) {
    cpSync(join(root, "node_modules", p), join(dir, "node_modules", p), { recursive: true });
  }
  symlinkSync(root, join(dir, "node_modules", "dash-devices"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "gadget", private: true, type: "module" }));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { paths: { "i2c-bus": ["./node_modules/dash-devices/i2c-bus"] } } }, null, 2),
  );
  cpSync(join(import.meta.dir, "fixtures/npm-drivers.js"), join(dir, "app.js"));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("npm bme280 and pca9685 run unchanged on the simulated BME280 and PCA9685 through the mapped i2c-bus", async () => {
  const p = Bun.spawn([process.execPath, "app.js"], { cwd: dir, stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1" } });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  expect(err).not.toContain("rror");
  expect(code).toBe(0);
  const r = JSON.parse(out.trim().split("\n").at(-1)!);
  // Forced mode, ×1 oversampling (16 bit): the set 22.5 °C / 1000 hPa / 45 %RH within the sensor's
  // resolution (0.005 °C, 2.62 Pa, 0.008 %RH; the npm driver's floating-point formulas round too).
  expect(Math.abs(r.forced.temperature - 22.5)).toBeLessThan(0.01);
  expect(Math.abs(r.forced.pressure - 1000)).toBeLessThan(0.0262); // hPa
  expect(Math.abs(r.forced.humidity - 45)).toBeLessThan(0.02);
  // Normal mode, ×16 (20 bit).
  expect(Math.abs(r.normal.temperature - 22.5)).toBeLessThan(0.005);
  expect(Math.abs(r.normal.pressure - 1000)).toBeLessThan(0.005);
  expect(Math.abs(r.normal.humidity - 45)).toBeLessThan(0.02);
  // pca9685: 50 Hz (prescale 121: 25 MHz / 4096 / 122 = 50.03 Hz), channel 0 at 25 %, awake.
  expect(r.pca.frequency).toBeCloseTo(50.03, 2);
  expect(r.pca.duty).toBeCloseTo(0.25, 3);
  expect(r.pca.sleeping).toBe(false);
  // i2c-bus's error contract, with ours beside it.
  expect(r.error).toEqual({
    code: "ENXIO",
    ddCode: "DD_I2C_NO_ACK",
    errno: 6,
    message: "[DD_I2C_NO_ACK] no device answered at 0x23 on sim:i2c-1 (ENXIO)",
    fix: expect.stringContaining("check wiring"),
  });
}, 60_000);
