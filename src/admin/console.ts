/**
 * @module admin/console
 * The /admin console, built with dash-devices itself: one page with three sections (connected
 * tabs, users, audit log), each in its own file with its layout and callbacks. This file puts them
 * together: the header, the console's timer (a server-driven dcc.Interval that refreshes counters),
 * and the revision stores that make every open console tab redraw a section when something changes
 * (app.pushMods to the console's tabs): tabs opening or closing, users changing, new audit entries. The page is admins-only at the door (access.adminGate) and
 * every callback checks again (guard.ts).
 */

import type { App } from "../app.ts";
import { html } from "../core/html.ts";
import { dcc } from "../core/dcc/index.ts";
import { Input, Output } from "../core/dependencies.ts";
import type { CallbackContext } from "../core/invoke.ts";
import { requireAdmin } from "./guard.ts";
import { REFRESH_MS, TICK_ID, type AdminDeps, type ConsoleContext } from "./deps.ts";
import { clientsSection, registerClients } from "./clients.ts";
import { usersSection, registerUsers } from "./users.ts";
import { auditSection, registerAudit } from "./audit.ts";
import { roleBadge } from "./ui.ts";

export type { AdminDeps } from "./deps.ts";

function header(ctx: ConsoleContext) {
  const link = (text: string, href: string) => html.A(text, { href });
  return html.Header(
    [
      html.Div([html.H1("Admin console"), html.Div({ id: "admin_me", className: "dd-admin-me", children: ctx.deps.app.title })], { className: "dd-admin-title" }),
      html.Nav([link("Tabs", "#tabs"), link("Users", "#users"), link("Audit log", "#audit"), link("Open the app", "/"), link("Account", "/login?next=/admin/")], { className: "dd-admin-nav", "aria-label": "Console sections" }),
    ],
    { className: "dd-admin-header" },
  );
}

export function buildAdminConsole(admin: App, deps: AdminDeps): void {
  let tabsRev = 0;
  let usersRev = 0;
  let auditRev = 0;
  const ctx: ConsoleContext = {
    admin,
    deps,
    tabsChanged: () => admin.pushMods({ tabs_rev: { data: ++tabsRev } }),
    usersChanged: () => admin.pushMods({ users_rev: { data: ++usersRev } }),
    auditChanged: () => admin.pushMods({ audit_rev: { data: ++auditRev } }),
  };

  admin.layout = () =>
    html.Div(
      [
        header(ctx),
        dcc.Interval({ id: TICK_ID, interval: REFRESH_MS }),
        dcc.Store({ id: "tabs_rev", data: tabsRev, storage_type: "shared" }),
        dcc.Store({ id: "users_rev", data: usersRev, storage_type: "shared" }),
        dcc.Store({ id: "audit_rev", data: auditRev, storage_type: "shared" }),
        dcc.Store({ id: "admin_start", data: null }), // never changes: feeds only the first call per tab
        clientsSection(ctx),
        usersSection(ctx),
        auditSection(ctx),
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
}
