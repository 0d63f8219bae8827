/**
 * @module admin/maintenance
 * The "Maintenance" section: a backup of the database to download while the app runs, how to put
 * one back, and how to update the app's executable. The console talks over its WebSocket, so
 * "Back up now" asks the server for a one-time link (bound to this admin's session, two minutes;
 * src/server/maintenance-routes.ts) and shows it: the download is a plain GET that the browser
 * saves as `NAME-YYYYMMDD-HHMMSS.sqlite`, a copy of the database at the moment of the click on
 * the link.
 */

import { statSync } from "node:fs";
import { makeComponent, type Component, type ComponentSpec } from "../core/component.ts";
import { html } from "../core/html.ts";
import { Input, Output } from "../core/dependencies.ts";
import type { CallbackContext } from "../core/invoke.ts";
import { requireAdmin } from "./guard.ts";
import type { ConsoleContext } from "./deps.ts";
import { card, muted, note } from "./ui.ts";

/**
 * A plain HTML form that posts the chosen file to POST /admin/update (multipart, one field): the
 * browser streams it, the server unwraps it on the fly and answers with a page. No script needed
 * (the console's CSP allows only the device's own), and htmx leaves a form without hx-* alone.
 */
const uploadForm: ComponentSpec = {
  type: "admin.UploadForm",
  props: ["id", "action"],
  render: (p) =>
    `<form id="${String(p.id)}" class="dd-admin-upload" method="post" action="${String(p.action)}" enctype="multipart/form-data">` +
    `<label class="dd-admin-field"><span class="dd-admin-label">New executable</span><input type="file" name="binary" required></label>` +
    `<button type="submit" class="dd-admin-primary">Upload and update</button></form>`,
};

function size(bytes: number): string {
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

function databaseLine(path: string): Component {
  let bytes = 0;
  for (const f of [path, `${path}-wal`]) {
    try {
      bytes += statSync(f).size;
    } catch {
      // no -wal right now
    }
  }
  return html.P([html.Span("Database: ", { className: "dd-admin-label" }), html.Code(path), muted(` (${size(bytes)})`)], {
    className: "dd-admin-info",
  });
}

export function maintenanceSection(ctx: ConsoleContext): Component | null {
  const m = ctx.deps.maintenance;
  if (!m) return null;
  const backup = html.Div(
    [
      html.H3("Backup"),
      databaseLine(m.dbPath),
      html.P("A consistent copy of users, sessions and the audit log, taken while the app keeps running.", { className: "dd-admin-info" }),
      html.Button("Back up now", { id: "maint_backup", className: "dd-admin-primary" }),
      html.Div({ id: "maint_status", className: "dd-admin-status", "aria-live": "polite" }),
      html.P(
        [
          "To restore, at the device's console with the app stopped: ",
          html.Code("./APP --restore FILE"),
          " (the current database is kept as ",
          html.Code("dash-devices.sqlite.before-restore"),
          "). Or ",
          html.Code("./APP --backup FILE"),
          " while it runs.",
        ],
        { className: "dd-admin-info" },
      ),
    ],
    { className: "dd-admin-panel" },
  );
  const last = m.lastUpdate?.();
  const update = html.Div(
    [
      html.H3("Update the app"),
      ...(m.updates
        ? [
            html.P(
              [
                "Choose the new executable (",
                html.Code("bun run build"),
                " for this CPU). It is checked (an executable of this CPU, at most 256 MB), then the updater swaps it, restarts the app and puts the old one back if the new one fails its health check.",
              ],
              { className: "dd-admin-info" },
            ),
            makeComponent(uploadForm, { id: "maint_upload", action: "/admin/update" }),
          ]
        : [
            html.P(
              [
                "This app was not installed with the updater: copy the new executable to the device and run ",
                html.Code("sudo ./install-device.sh NEW-BINARY"),
                " (same swap and rollback).",
              ],
              { className: "dd-admin-info" },
            ),
          ]),
      ...(last ? [html.P(["Last update: ", last], { className: "dd-admin-info", id: "maint_last_update" })] : []),
    ],
    { className: "dd-admin-panel" },
  );
  return card("maintenance", "Maintenance", "Backups of the database and updates of the app.", [
    html.Div([backup, update], { className: "dd-admin-columns" }),
  ]);
}

export function registerMaintenance(ctx: ConsoleContext): void {
  const m = ctx.deps.maintenance;
  if (!m) return;
  const { admin, deps } = ctx;
  admin.callback(
    Output("maint_status", "children"),
    Input("maint_backup", "n_clicks"),
    (_n: unknown, cx: CallbackContext) => {
      const actor = requireAdmin(deps.db, cx.client, "maintenance.backup");
      const href = m.backupLink(actor.sessionId!);
      return html.Div([
        note("ok", `Your backup link is ready (it works once, for ${m.linkSeconds} s):`),
        html.A("Download the backup", { href, id: "maint_download", className: "dd-admin-download" }),
      ]);
    },
    { name: "admin_backup_link", preventInitialCall: true },
  );
}
