/**
 * Loaded before the test files (bunfig.toml [test] preload): the suite's default timeout, and the
 * end-of-run clean-up of the executables test/helpers/binaries.ts compiled for several files.
 *
 * The timeout: Bun 1.4 reads no `timeout` from bunfig.toml (oven-sh/bun#7789), and
 * `setDefaultTimeout()` called here applies to the first test file only (checked on 1.4.5: a
 * 6 s test passed in the first file and timed out at 5 s in the second). So each test file starts
 * with that call, added as the file is loaded; lines keep their numbers. A `--timeout` on the
 * command line wins.
 */
import { plugin } from "bun";
import { afterAll } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { removeCompiledForRun } from "./helpers/binaries.ts";

/** Browser and real-process tests need more than Bun's 5 s default. */
export const TEST_TIMEOUT_MS = 30_000;

const cmdline = existsSync("/proc/self/cmdline") ? readFileSync("/proc/self/cmdline", "utf8").split("\0") : [];
if (!cmdline.some((a) => a === "--timeout" || a.startsWith("--timeout="))) {
  plugin({
    name: "dash-devices test timeout",
    setup(build) {
      build.onLoad({ filter: /\.test\.ts$/ }, async ({ path }) => ({
        contents: `import { setDefaultTimeout as __ddSetDefaultTimeout } from "bun:test"; __ddSetDefaultTimeout(${TEST_TIMEOUT_MS});${await Bun.file(path).text()}`,
        loader: "ts",
      }));
    },
  });
}

afterAll(removeCompiledForRun);
