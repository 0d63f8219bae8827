/**
 * @module app-process
 * What the running apps share with their process: SIGTERM and SIGINT stop them all cleanly, once;
 * the shutdown hooks (the hardware's safe state) run once, whatever asks first (a signal, a crash);
 * an uncaught exception or unhandled rejection is logged, then the hooks run and the apps stop
 * (server/crash.ts exits with status 1); under systemd, READY=1 and the watchdog (server/sd-notify.ts).
 */

import type { Logger } from "./core/log.ts";
import { DashDevicesError } from "./core/errors.ts";
import { exitWithError } from "./server/cli.ts";
import { installCrashHandlers } from "./server/crash.ts";
import { systemdNotifier, type SystemdNotifier } from "./server/sd-notify.ts";

/** An app as the process sees it: something that logs and stops. */
export interface RunningApp {
  readonly log: Logger;
  stop(): Promise<void>;
}

/** Apps running in this process: SIGTERM/SIGINT stop them all cleanly, once. */
const running = new Set<RunningApp>();
let signalsInstalled = false;

/** Work to do after the apps stopped on SIGTERM/SIGINT, or on a crash (e.g. put hardware in its safe state). */
export const shutdownHooks: ((signal: string) => unknown)[] = [];

/** The process's systemd notifier (READY=1, watchdog pings), made by the first run(). */
let systemd: SystemdNotifier | undefined;

/** An app serves: signals stop it; under systemd (Type=notify), READY=1 now, WATCHDOG=1 from the event loop from here on. */
export function appRunning(app: RunningApp, status: string): void {
  running.add(app);
  installSignalHandlers();
  (systemd ??= systemdNotifier(app.log)).ready(status);
}

/** An app stopped: the last one tells systemd the service is stopping. */
export function appStopped(app: RunningApp): void {
  running.delete(app);
  if (running.size === 0) systemd?.stopping();
}

/**
 * run() is the program's entry (as for --help): a start that cannot be (a bad option, a
 * certificate that cannot be used, a port in use) ends with one line and its fix, status 2.
 * Any other error returns, for the caller to throw.
 */
export function exitOnStartError(e: unknown, where?: { host: string; port: number }): void {
  if (e instanceof DashDevicesError) exitWithError(e);
  if (where && /in use|EADDRINUSE/i.test((e as Error)?.message ?? String(e))) {
    exitWithError(
      new DashDevicesError("DD_BAD_OPTION", {
        what: `port ${where.port} on ${where.host} is already in use.`,
        fix: "stop the other program or pick another port with --port N",
      }),
    );
  }
}

function installSignalHandlers(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  const stopAll = async (signal: string) => {
    for (const app of running) app.log.info("server.stopping", { signal });
    systemd?.stopping();
    const log = [...running][0]?.log;
    await Promise.allSettled([...running].map((a) => a.stop()));
    await runShutdownHooks(signal, log);
    process.exit(0);
  };
  process.once("SIGTERM", () => void stopAll("SIGTERM"));
  process.once("SIGINT", () => void stopAll("SIGINT"));
}

let shutdownRun: Promise<void> | undefined;
/** Runs the shutdown hooks once per process, whatever asks first (a signal, a crash). */
function runShutdownHooks(reason: string, log: Logger | undefined): Promise<void> {
  return (shutdownRun ??= (async () => {
    for (const h of shutdownHooks) {
      try {
        await h(reason);
      } catch (e) {
        log?.error("shutdown.hook-failed", { reason, error: e instanceof Error ? e : String(e) });
      }
    }
  })());
}

/**
 * An uncaught exception or unhandled rejection: logged once through the first app's logger, the
 * safe state first (the hardware matters most), then the apps stop (tabs are told), exit status 1.
 */
export function installCrashSafety(first: RunningApp): void {
  installCrashHandlers({
    logger: () => ([...running][0] ?? first).log,
    onCrash: async (reason) => {
      const log = ([...running][0] ?? first).log;
      systemd?.stopping();
      await runShutdownHooks(reason, log);
      await Promise.allSettled([...running].map((a) => a.stop()));
    },
  });
}
