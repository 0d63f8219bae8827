/**
 * @module admin/console
 * The /admin console, built with dash-devices itself: a live table of the app's connected tabs.
 * (First version; users, actions and the audit log page come next.)
 */

import type { App } from "../app.ts";
import type { Client } from "../core/client.ts";
import type { Logger } from "../core/log.ts";
import type { Db } from "../db/open.ts";
import { html } from "../core/html.ts";

export interface AdminDeps {
  /** The device app whose tabs the console shows. */
  app: App;
  db: Db;
  log: Logger;
  /** Closes every tab of a browser session (after revocation). */
  closeSession(sessionId: string, reason: string): void;
  /** Closes one tab. */
  disconnect(client: Client, reason: string): void;
}

export function clientsTable(app: App) {
  const rows = [...app.clients].map((c) =>
    html.Tr([html.Td(c.id), html.Td(c.user?.username ?? "—"), html.Td(c.ip), html.Td(c.hostname ?? ""), html.Td(c.connectTime.toISOString()), html.Td(`${c.messagesIn} / ${c.messagesOut}`), html.Td(c.rttMs === undefined ? "" : `${c.rttMs} ms`)]),
  );
  return html.Table([html.Thead(html.Tr(["Tab", "User", "IP", "Host", "Connected", "In / out", "RTT"].map((h) => html.Th(h)))), html.Tbody(rows)], { id: "clients_table" });
}

export function buildAdminConsole(admin: App, deps: AdminDeps): void {
  const { app } = deps;
  admin.layout = () => html.Div([html.H1("Admin"), html.H2({ id: "clients_count", children: `Connected tabs: ${app.clients.size}` }), clientsTable(app)]);
  const refresh = () => admin.pushMods({ clients_count: { children: `Connected tabs: ${app.clients.size}` }, clients_table: { children: clientsTable(app).props.children } });
  app.callbackConnect(() => refresh());
}
