/**
 * @module report
 * Where errors go: a callback that failed or a message that was refused is logged (what tabs cause
 * at most 20 lines a second, so a flood cannot fill the disk; the server's own errors always) and
 * shown to the tab that caused it, as a toast and in the frame's `errors`. `showErrors: false`
 * hides a callback's own message from the tab (our DD_ errors are always shown).
 */

import type { Client } from "./client.ts";
import { DashDevicesError, describe } from "./errors.ts";
import type { CallbackDef } from "./graph.ts";
import { LogLimiter, type Logger } from "./log.ts";
import { toastHtml } from "./toast.ts";

/** What every part that can fail calls. `client` is the tab to tell (none: the server's own error). */
export interface Reporter {
  reportError(e: unknown, client: Client | undefined, cb?: CallbackDef): void;
}

export class ErrorReporter implements Reporter {
  /** Lines about what tabs did wrong (refused messages, their callbacks' errors): at most 20/s. */
  private readonly tabErrors: LogLimiter;

  constructor(
    private readonly log: Logger,
    private readonly showErrors: boolean,
  ) {
    this.tabErrors = new LogLimiter(() => this.log, "message.refused,callback.error", 20);
  }

  reportError(e: unknown, client: Client | undefined, cb?: CallbackDef): void {
    const known = e instanceof DashDevicesError ? e : undefined;
    const code = known?.ddCode ?? "DD_CALLBACK_ERROR"; // ours, not a device error's errno name
    const text = known
      ? known.message
      : `[DD_CALLBACK_ERROR] callback "${cb?.name ?? "?"}" failed: ${e instanceof Error ? e.message : describe(e)}`;
    const level = code === "DD_CALLBACK_ERROR" || code === "DD_OUTPUT_COUNT" || (code === "DD_UNKNOWN_ID" && cb) ? "error" : "warn";
    // What tabs cause is rate-limited (a flood must not fill the disk); the server's own errors are not.
    if (!client || this.tabErrors.allow())
      this.log[level](cb ? "callback.error" : "message.refused", {
        code,
        callback: cb?.name,
        shared: cb?.service.shared || undefined,
        client: client?.id,
        error: e instanceof Error && !known ? e : text.split("\n")[0],
      });
    if (!client?.connected) return;
    const shown = this.showErrors || known ? text : `[${code}] callback "${cb?.name}" failed (see the server log)`;
    client.outbox.putError(code, shown, toastHtml(code, shown));
  }
}
