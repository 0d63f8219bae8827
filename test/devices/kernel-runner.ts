/**
 * The I2C and GPIO contracts against real kernel devices, as a standalone program: compiled with
 * `bun build --compile` by scripts/qemu-devices.sh and run inside a VM where i2c-stub and
 * gpio-mockup provide /dev/i2c-N and /dev/gpiochipN. Prints one line per case
 * (`PASS i2c: name`, `FAIL gpio: name: error`, `SKIP ...`), a few `MEASURE` lines, and
 * `RESULT n passed, m failed`; exits 1 if anything failed.
 *
 *   kernel-runner --i2c /dev/i2c-0 --chip 0x50 --absent 0x51
 *                 --gpio /dev/gpiochip0 --gpio-debugfs /sys/kernel/debug/gpio-mockup/gpiochip0
 */

import { readFileSync, writeFileSync } from "node:fs";
import { LinuxGpioChip } from "../../src/devices/gpio/linux.ts";
import { LinuxI2CBus } from "../../src/devices/i2c/linux.ts";
import { ThreadedI2CBus } from "../../src/devices/thread/i2c-thread-bus.ts";
import { monotonicNs } from "../../src/devices/libc.ts";
import type { Bit } from "../../src/devices/gpio/types.ts";
import { gpioChipCases, nextEdge, type GpioChipFixture } from "./contract/gpio-cases.ts";
import { i2cBusCases, type ContractCase, type I2CBusFixture } from "./contract/i2c-cases.ts";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
}

let passed = 0;
let failed = 0;

async function runCases<F extends { close?(): void | Promise<void> }>(
  suite: string,
  cases: ContractCase<F>[],
  open: () => F,
  cleanup: (f: F) => void,
): Promise<void> {
  for (const c of cases) {
    let f: F | undefined;
    try {
      f = open();
      await c.run(f);
      passed++;
      console.log(`PASS ${suite}: ${c.name}`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${suite}: ${c.name}: ${(e instanceof Error ? e.message : String(e)).split("\n").join(" | ")}`);
    } finally {
      try {
        if (f) cleanup(f);
      } catch {}
    }
  }
}

const i2cPath = arg("--i2c");
if (i2cPath) {
  const chip = Number(arg("--chip") ?? "0x50");
  const absent = Number(arg("--absent") ?? "0x51");
  await runCases<I2CBusFixture>(
    "i2c",
    i2cBusCases,
    () => ({ bus: new LinuxI2CBus(i2cPath), chip, absent }),
    (f) => f.bus.closeSync(),
  );
  // The same cases through the device thread (a Worker embedded in this executable owns the fd).
  await runCases<I2CBusFixture>(
    "i2c-thread",
    i2cBusCases,
    () => ({ bus: new ThreadedI2CBus(i2cPath, { timeoutMs: 2000 }), chip, absent }),
    (f) => f.bus.closeSync(),
  );
  // Measured on the VM: one SMBus byte read through bun:ffi and the kernel (i2c-stub: no wire time).
  const bus = new LinuxI2CBus(i2cPath);
  const n = 2000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) bus.readByteSync(chip, i & 0xff);
  const t1 = process.hrtime.bigint();
  bus.closeSync();
  console.log(`MEASURE i2c readByte via ffi+i2c-stub: ${(Number(t1 - t0) / n / 1000).toFixed(1)} us/call (${n} calls)`);
} else {
  console.log("SKIP i2c: no --i2c device given");
}

const gpioPath = arg("--gpio");
const debugfs = arg("--gpio-debugfs");
if (gpioPath && debugfs) {
  const open = (): GpioChipFixture => ({
    chip: new LinuxGpioChip(gpioPath),
    // gpio-mockup: writing 0/1 to debugfs sets the line's pull (what an input reads); reading gives the value.
    drive: (o: number, v: Bit) => writeFileSync(`${debugfs}/${o}`, String(v)),
    observe: (o: number) => (readFileSync(`${debugfs}/${o}`, "utf8").trim() === "1" ? 1 : 0),
  });
  await runCases<GpioChipFixture>("gpio", gpioChipCases, open, (f) => f.chip.close());
  // Measured: from the kernel's edge timestamp to a listener on the main thread, through the device
  // thread, and (for comparison, in the same VM) read on a 10 ms timer as before the thread.
  for (const thread of [true, false]) {
    const chip = new LinuxGpioChip(gpioPath, { thread, pollIntervalMs: 10 });
    const base = open();
    base.chip.close();
    const f = { ...base, chip };
    const line = f.chip.input(0, { edge: "both" });
    const delays: number[] = [];
    for (let i = 0; i < 200; i++) {
      const p = nextEdge(line);
      f.drive(0, (i % 2 ? 0 : 1) as Bit);
      const e = await p;
      delays.push(Number(monotonicNs() - e.timestampNs) / 1e6);
      await Bun.sleep(1);
    }
    f.chip.close();
    delays.sort((a, b) => a - b);
    const q = (p: number) => delays[Math.min(delays.length - 1, Math.floor(p * delays.length))]!.toFixed(3);
    console.log(
      `MEASURE gpio-edge-delivery${thread ? "" : "-timer10ms"} n=${delays.length} p50=${q(0.5)} p99=${q(0.99)} max=${q(1)} (ms, kernel timestamp to listener, ${thread ? "device thread" : "10 ms timer, no thread"})`,
    );
  }
  // Measured: 1,000 edges made while the main thread is busy for at least 200 ms (it makes them itself).
  {
    const f = open();
    await f.drive(1, 0);
    const line = f.chip.input(1, { edge: "both" });
    let got = 0;
    let lost = 0;
    let last = 0;
    line.on("edge", (e) => {
      got++;
      last = e.seqno;
    });
    line.on("overflow", (o) => (lost += o.lost));
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) f.drive(1, ((i + 1) % 2) as Bit);
    while (performance.now() - t0 < 200);
    const busy = performance.now() - t0;
    // Then wait until the count stops growing (the kernel's irq threads may still be queueing).
    for (let seen = -1; seen !== got; ) {
      seen = got;
      await Bun.sleep(300);
    }
    f.chip.close();
    console.log(
      `MEASURE gpio-burst made=${last} delivered=${got} lost=${lost} busy_ms=${busy.toFixed(0)} adds_up=${got + lost === last ? "yes" : "NO"}`,
    );
  }
} else {
  console.log("SKIP gpio: no --gpio device / --gpio-debugfs given");
}

console.log(`RESULT ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
