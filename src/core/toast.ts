/**
 * @module toast
 * The toast fragment a tab shows for an error or an admin's message: appended to #dd-toasts,
 * dismissed by its button (or by the glue after ten seconds). Text is escaped.
 */

import { escapeHtml } from "./escape.ts";
import { SHELL_ID } from "./wire.ts";

export function toastHtml(code: string, message: string, kind: "error" | "info" = "error"): string {
  const cls = kind === "info" ? "dd-toast dd-toast-info" : "dd-toast";
  return `<div hx-swap-oob="beforeend:#${SHELL_ID.toasts}"><div class="${cls}" role="alert" data-code="${escapeHtml(code)}"><pre>${escapeHtml(message)}</pre><button type="button" class="dd-toast-close" aria-label="Dismiss">×</button></div></div>`;
}
