/**
 * @module safe-state
 * What the hardware does when things go wrong: an app declares actions (PWM to 0, relay off, motor
 * brake) and they run when the process gets SIGTERM/SIGINT, when asked (`trigger(reason)`), when a
 * named operation fails N times in a row (`guard`), or when the last client leaves
 * (`lastClientLeft()`, for the app to call). Each trigger runs every action once, in the order they
 * were added, each bounded by a timeout; concurrent triggers share one run; nothing here throws.
 * Create one per process: after a signal it exits the process once its actions ran (128 + signal
 * number). An app with its own shutdown path passes `{ exitOnSignal: false }` (actions run, the app
 * exits) or `{ signals: false }` and calls `trigger("signal SIGTERM")` from that path.
 *
 * @example
 * const safe = new SafeState({ logger });
 * safe.add("pwm off", () => pwm.allOff());
 * safe.add("relay off", () => relay.write(0));
 * const t = await safe.guard("read bme280", () => bme.read());   // 3 failures in a row → safe state
 */

import { createLogger, type Logger } from "../core/log.ts";
import { badArg } from "./device-error.ts";

/** An action; it gets the trigger's reason ("signal SIGTERM", "last client left", ...). */
export type SafeAction = (reason: string) => unknown | Promise<unknown>;

export interface SafeStateOptions {
  logger?: Logger;
  /** Signals that trigger the safe state (default SIGTERM and SIGINT); false: none. */
  signals?: readonly NodeJS.Signals[] | false;
  /** After a signal's actions ran, exit with 128 + the signal number (default true). */
  exitOnSignal?: boolean;
  /** How long one action may take before it is abandoned (default 2000 ms). */
  actionTimeoutMs?: number;
  /** Consecutive failures of a guarded operation that trigger the safe state (default 3). */
  maxFailures?: number;
}

export interface SafeStateReport {
  reason: string;
  /** Actions that completed. */
  ran: string[];
  failed: Array<{ name: string; error: string }>;
  timedOut: string[];
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGTERM: 15 };

export class SafeState {
  private readonly actions = new Map<string, SafeAction>();
  private readonly failures = new Map<string, number>();
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private readonly maxFailures: number;
  private readonly exitOnSignal: boolean;
  private readonly handlers = new Map<NodeJS.Signals, () => void>();
  private running?: Promise<SafeStateReport>;
  private exiting = false;
  /** Completed trigger runs. */
  triggerCount = 0;
  lastReport?: SafeStateReport;

  constructor(options: SafeStateOptions = {}) {
    this.logger = options.logger ?? createLogger();
    this.timeoutMs = options.actionTimeoutMs ?? 2000;
    this.maxFailures = options.maxFailures ?? 3;
    this.exitOnSignal = options.exitOnSignal ?? true;
    for (const s of options.signals === false ? [] : (options.signals ?? ["SIGTERM", "SIGINT"])) this.listen(s);
  }

  /** Declare an action. Names are for the log and must be unique. */
  add(name: string, action: SafeAction): this {
    if (typeof name !== "string" || !name)
      throw badArg("invalid safe-state action name", "a non-empty string", name, 'name the action, e.g. "pwm off"');
    if (typeof action !== "function") throw badArg(`invalid safe-state action "${name}"`, "a function", action, "pass () => device.off()");
    if (this.actions.has(name))
      throw badArg(
        `duplicate safe-state action "${name}"`,
        "each name once",
        name,
        "give the action another name, or remove() the old one first",
      );
    this.actions.set(name, action);
    return this;
  }

  remove(name: string): this {
    this.actions.delete(name);
    return this;
  }

  /** Names of the declared actions, in the order they run. */
  get names(): string[] {
    return [...this.actions.keys()];
  }

  /**
   * Run every action once. While a run is in progress, further triggers join it instead of
   * starting another. Never rejects.
   */
  trigger(reason: string): Promise<SafeStateReport> {
    if (this.running) {
      this.logger.info("safe-state.joined", { reason, running: true });
      return this.running;
    }
    this.running = this.run(String(reason)).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(reason: string): Promise<SafeStateReport> {
    const report: SafeStateReport = { reason, ran: [], failed: [], timedOut: [] };
    this.logger.warn("safe-state.trigger", { reason, actions: this.actions.size });
    for (const [name, action] of this.actions) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        const outcome = await Promise.race([
          Promise.resolve(reason)
            .then(action)
            .then(() => "ok" as const),
          new Promise<"timeout">((res) => {
            timer = setTimeout(() => res("timeout"), this.timeoutMs);
          }),
        ]);
        if (outcome === "timeout") {
          report.timedOut.push(name);
          this.logger.error("safe-state.action-timeout", { action: name, timeoutMs: this.timeoutMs, reason });
        } else {
          report.ran.push(name);
          this.logger.info("safe-state.action", { action: name, reason });
        }
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        report.failed.push({ name, error });
        this.logger.error("safe-state.action-failed", { action: name, reason, error: e instanceof Error ? e : error });
      } finally {
        clearTimeout(timer);
      }
    }
    this.triggerCount++;
    this.lastReport = report;
    this.logger.warn("safe-state.done", { reason, ran: report.ran.length, failed: report.failed.length, timedOut: report.timedOut.length });
    return report;
  }

  /**
   * Run `fn`; count consecutive failures of `operation`, and when they reach `maxFailures` run the
   * safe state (before the error reaches the caller). A success resets the count. Rethrows.
   */
  async guard<T>(operation: string, fn: () => T | Promise<T>, options: { maxFailures?: number } = {}): Promise<T> {
    let result: T;
    try {
      result = await fn();
    } catch (e) {
      await this.recordFailure(operation, e, options);
      throw e;
    }
    this.recordSuccess(operation);
    return result;
  }

  /** For callers that catch errors themselves; resolves with the report when this failure triggered. */
  async recordFailure(operation: string, error?: unknown, options: { maxFailures?: number } = {}): Promise<SafeStateReport | undefined> {
    const n = (this.failures.get(operation) ?? 0) + 1;
    const max = options.maxFailures ?? this.maxFailures;
    const message = error instanceof Error ? error.message : error === undefined ? undefined : String(error);
    this.logger.warn("safe-state.failure", { operation, consecutive: n, of: max, error: message });
    if (n < max) {
      this.failures.set(operation, n);
      return undefined;
    }
    this.failures.set(operation, 0);
    return this.trigger(`operation "${operation}" failed ${n} times in a row${message ? `: ${message.split("\n")[0]}` : ""}`);
  }

  recordSuccess(operation: string): void {
    this.failures.set(operation, 0);
  }

  /** Consecutive failures of an operation so far. */
  failureCount(operation: string): number {
    return this.failures.get(operation) ?? 0;
  }

  /** The hook for "the last client left": the app calls this when its last WebSocket client disconnects. */
  lastClientLeft(): Promise<SafeStateReport> {
    return this.trigger("last client left");
  }

  private listen(signal: NodeJS.Signals): void {
    const handler = () => {
      if (this.exiting) {
        // A second signal while the actions run: stop waiting for them.
        this.logger.error("safe-state.forced-exit", { signal });
        process.exit(128 + (SIGNAL_NUMBERS[signal] ?? 0));
      }
      this.exiting = this.exitOnSignal;
      void this.trigger(`signal ${signal}`).then(() => {
        if (this.exitOnSignal) process.exit(128 + (SIGNAL_NUMBERS[signal] ?? 0));
      });
    };
    this.handlers.set(signal, handler);
    process.on(signal, handler);
  }

  /** Remove the signal handlers (the declared actions stay). */
  dispose(): void {
    for (const [s, h] of this.handlers) process.off(s, h);
    this.handlers.clear();
  }
}
