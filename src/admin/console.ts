/**
 * @module admin/console
 * The /admin console, built with dash-devices itself: one page with three sections (connected
 * tabs, users, audit log), each in its own file with its layout and callbacks. This file puts them
 * together: the header, the console's timer (a server-driven dcc.Interval that refreshes counters),
 * and the revision stores that make every open console tab redraw a section when something changes
 * (tabs opening or closing, users changing, new audit entries), coalesced to a few redraws a second
 * (redraw.ts). The page is admins-only at the door (access.adminGate) and every callback checks
 * again (guard.ts).
 */

import type { AppSurface } from "../app-surface.ts";
import { html } from "../core/html.ts";
import { dcc } from "../core/dcc/index.ts";
import { Input, Output } from "../core/dependencies.ts";
import type { CallbackContext } from "../core/invoke.ts";
import { requireAdmin } from "./guard.ts";
import { REFRESH_MS, TICK_ID, type AdminDeps, type ConsoleContext } from "./deps.ts";
import { clientsSection, registerClients } from "./clients.ts";
import { usersSection, registerUsers } from "./users.ts";
import { auditSection, registerAudit } from "./audit.ts";
import { maintenanceSection, registerMaintenance } from "./maintenance.ts";
import { roleBadge } from "./ui.ts";
import { Redraws, REV_IDS } from "./redraw.ts";

export type { AdminDeps } from "./deps.ts";

function header(ctx: ConsoleContext) {
  const link = (text: string, href: string) => html.A(text, { href });
  return html.Header(
    [
      html.Div([html.H1("Admin console"), html.Div({ id: "admin_me", className: "dd-admin-me", children: ctx.deps.app.title })], {
        className: "dd-admin-title",
      }),
      html.Nav(
        [
          link("Tabs", "#tabs"),
          link("Users", "#users"),
          link("Audit log", "#audit"),
          ...(ctx.deps.maintenance ? [link("Maintenance", "#maintenance")] : []),
          link("Open the app", "/"),
          link("Account", "/login?next=/admin/"),
        ],
        { className: "dd-admin-nav", "aria-label": "Console sections" },
      ),
      // What a person compares with the browser's certificate viewer before trusting the device.
      ctx.deps.tls
        ? html.P(
            [`TLS certificate (${ctx.deps.tls.source}), SHA-256 `, html.Code(ctx.deps.tls.fingerprint, { id: "admin_tls_fingerprint" })],
            { className: "dd-muted" },
          )
        : null,
    ],
    { className: "dd-admin-header" },
  );
}

/** What the appliance keeps of the console: its redraw signals, and how to stop their timer. */
export interface ConsoleHandle {
  /** Audit entries were written (the appliance's batches of connects, disconnects, value changes). */
  auditChanged(): void;
  stop(): void;
}

export function buildAdminConsole(admin: AppSurface, deps: AdminDeps): ConsoleHandle {
  const redraws = new Redraws(admin, deps.app, deps.redrawMs);
  const ctx: ConsoleContext = {
    admin,
    deps,
    tabsChanged: () => redraws.mark("tabs"),
    usersChanged: () => redraws.mark("users"),
    auditChanged: () => redraws.mark("audit"),
  };
  const rev = redraws.rev;

  admin.layout = () =>
    html.Div(
      [
        header(ctx),
        dcc.Interval({ id: TICK_ID, interval: REFRESH_MS }),
        dcc.Store({ id: REV_IDS.tabs, data: rev.tabs, storage_type: "shared" }),
        dcc.Store({ id: REV_IDS.users, data: rev.users, storage_type: "shared" }),
        dcc.Store({ id: REV_IDS.audit, data: rev.audit, storage_type: "shared" }),
        dcc.Store({ id: "admin_start", data: null }), // never changes: feeds only the first call per tab
        clientsSection(ctx),
        usersSection(ctx),
        auditSection(ctx),
        maintenanceSection(ctx),
      ],
      { className: "dd-admin" },
    );

  // Who is signed in, in this tab's header.
  admin.callback(
    Output("admin_me", "children"),
    Input("admin_start", "data"),
    (_d: unknown, cx: CallbackContext) => {
      requireAdmin(deps.db, cx.client, "console.open");
      const u = cx.client!.user!;
      return [`${deps.app.title} · signed in as `, html.Strong(u.username), " ", roleBadge(u.role)];
    },
    { name: "admin_whoami" },
  );

  registerClients(ctx);
  registerUsers(ctx);
  registerAudit(ctx);
  registerMaintenance(ctx);
  return { auditChanged: ctx.auditChanged, stop: () => redraws.stop() };
}
