/**
 * Loaded before the test files (bunfig.toml [test] preload): the end-of-run clean-up of the
 * executables test/helpers/binaries.ts compiled for several files.
 *
 * The suite's 30 s default timeout is `bun test --timeout 30000` in package.json's "test" script:
 * Bun 1.4 reads no `timeout` from bunfig.toml (oven-sh/bun#7789), and `setDefaultTimeout()` called
 * in a preload applies to the first test file only (checked on 1.4.5).
 */
import { afterAll } from "bun:test";
import { removeCompiledForRun } from "./helpers/binaries.ts";

afterAll(removeCompiledForRun);
