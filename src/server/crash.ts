/**
 * @module crash
 * What happens when an error escapes everything (an exception thrown from a timer, a rejected
 * promise nobody awaited): the error is logged once through the app's logger, the app's safe
 * state runs (its `onShutdown` work: PWM off, relays open), and the process exits with status 1,
 * so systemd's `Restart=on-failure` starts it again. Errors inside callbacks never get here: the
 * runtime catches those and shows them to the tab.
 *
 * The safe state gets `timeoutMs` (default 10 s) in all; then the process exits anyway. Further
 * errors while it runs are counted, not logged (a broken bus could otherwise fill the journal).
 * Not installed under `bun test`, whose runner reports stray errors itself and must not exit.
 *
 * @example
 * installCrashHandlers({ logger: () => app.log, onCrash: (reason) => runSafeState(reason) });
 */

import type { Logger } from "../core/log.ts";

export interface CrashHandlerOptions {
  /** The logger of the moment (an app may switch to JSON lines in run()). */
  logger: () => Logger;
  /** The safe state; its reason is e.g. "uncaughtException: boom". */
  onCrash: (reason: string) => unknown;
  /** How long the safe state may take before the process exits anyway (default 10,000 ms). */
  timeoutMs?: number;
  /** Exit status (default 1). */
  exitCode?: number;
}

let installed = false;

/** Whether this process is `bun test` (its main module is a test file). */
export function underTestRunner(main: string = typeof Bun !== "undefined" ? Bun.main : ""): boolean {
  return /[._-](test|spec)\.[cm]?[jt]sx?$/.test(main);
}

/** Installs the handlers once per process; returns false when they were already there or under bun test. */
export function installCrashHandlers(o: CrashHandlerOptions): boolean {
  if (installed || underTestRunner()) return false;
  installed = true;
  let crashing = false;
  let more = 0;
  const exitCode = o.exitCode ?? 1;
  const timeoutMs = o.timeoutMs ?? 10_000;
  const crash = (kind: "uncaughtException" | "unhandledRejection", error: unknown) => {
    if (crashing) {
      more++;
      return;
    }
    crashing = true;
    const log = o.logger();
    const message = error instanceof Error ? error.message : String(error);
    log.error("process.crash", {
      kind,
      error: error instanceof Error ? error : message,
      action: "running the safe state, then exiting",
      exitCode,
    });
    const deadline = setTimeout(() => {
      log.error("process.crash-timeout", {
        timeoutMs,
        fix: "a safe-state action or onShutdown hook did not finish; bound it or make it synchronous",
      });
      process.exit(exitCode);
    }, timeoutMs);
    void Promise.resolve()
      .then(() => o.onCrash(`${kind}: ${message.split("\n")[0]}`))
      .catch((e) => log.error("process.crash-safe-state-failed", { error: e instanceof Error ? e : String(e) }))
      .finally(() => {
        clearTimeout(deadline);
        log.error("process.exit", { code: exitCode, laterErrors: more || undefined });
        process.exit(exitCode);
      });
  };
  process.on("uncaughtException", (e) => crash("uncaughtException", e));
  process.on("unhandledRejection", (e) => crash("unhandledRejection", e));
  return true;
}
