// The real kernel path: scripts/qemu-devices.sh boots Debian's kernel under qemu with i2c-stub and
// gpio-mockup and runs the same contract cases (compiled with `bun build --compile`) against
// /dev/i2c-N and /dev/gpiochipN. Skipped, with the reason, where qemu or the kernel is missing.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { gpioChipCases } from "./contract/gpio-cases.ts";
import { i2cBusCases } from "./contract/i2c-cases.ts";

const script = join(import.meta.dir, "../../scripts/qemu-devices.sh");
const check = Bun.spawnSync(["bash", script, "--check"]);
const checkOut = check.stdout.toString().trim();
const ready = check.exitCode === 0;
const gpioSkipped = checkOut.includes("GPIO will be skipped");

test.skipIf(!ready)(
  `contracts on a real kernel under qemu${ready ? "" : ` (skipped: ${checkOut.replace(/^SKIP: /, "")})`}`,
  () => {
    const r = Bun.spawnSync(["bash", script], { env: { ...process.env, DD_QEMU_TIMEOUT: "420" } });
    const out = r.stdout.toString();
    const lines = out.split("\n");
    if (r.exitCode !== 0) console.log(out + r.stderr.toString());
    expect(lines.filter((l) => l.startsWith("FAIL"))).toEqual([]);
    expect(lines.filter((l) => l.startsWith("PASS i2c:")).length).toBe(i2cBusCases.length);
    expect(lines.filter((l) => l.startsWith("PASS i2c-thread:")).length).toBe(i2cBusCases.length);
    expect(lines.filter((l) => l.startsWith("PASS gpio:")).length).toBe(gpioSkipped ? 0 : gpioChipCases.length);
    expect(out).toContain(`RESULT ${2 * i2cBusCases.length + (gpioSkipped ? 0 : gpioChipCases.length)} passed, 0 failed`);
    if (!gpioSkipped) expect(out).toMatch(/MEASURE gpio-burst made=\d+ delivered=\d+ lost=\d+ busy_ms=\d+ adds_up=yes/);
    expect(r.exitCode).toBe(0);
  },
  600_000,
);
