/**
 * @module admin/audit
 * The "Audit log" section: who connected, who logged in or failed to, who changed which shared
 * value, what admins did; newest first, a page at a time (previous / next, page N of M), filtered
 * by action ("login.*" for a prefix), actor and free text (db/audit's queryAudit). The first page
 * follows the log live (redrawn when the console writes an entry, a tab comes or goes, and with the
 * console's timer for the rest, such as logins and value changes); other pages hold still. Counts
 * past 10,000 read "about" or "more than", and a search that reads only the newest entries says so
 * (queryAudit bounds its work so that a million-row log never stalls the server).
 */

import type { Component } from "../core/component.ts";
import { html } from "../core/html.ts";
import { dcc } from "../core/dcc/index.ts";
import { Input, Output, State, PreventUpdate } from "../core/dependencies.ts";
import type { CallbackContext } from "../core/invoke.ts";
import { queryAudit, type AuditPage, type AuditQuery } from "../db/audit.ts";
import type { AuditRow } from "../db/schema.ts";
import type { Db } from "../db/open.ts";
import { requireAdmin } from "./guard.ts";
import { TICK_ID, type ConsoleContext } from "./deps.ts";
import { actionBadge, card, clip, dateTime, field, muted } from "./ui.ts";

const PAGE_SIZE = 25;
const FILTER_DEBOUNCE_MS = 350;

function text(v: unknown): string {
  return typeof v === "string" ? v.trim() : "";
}

export function auditQuery(page: number, action: unknown, actor: unknown, search: unknown): AuditQuery {
  return { page, pageSize: PAGE_SIZE, action: text(action) || undefined, actor: text(actor) || undefined, text: text(search) || undefined };
}

function actorCell(r: AuditRow): Component {
  const who = r.actorUsername ?? (r.ip ? "anonymous" : "server");
  const where = [r.ip, r.clientId ? `tab ${r.clientId}` : null].filter(Boolean).join(" · ");
  return html.Td([
    html.Span(who, { className: r.actorUsername ? "dd-admin-user" : "dd-admin-muted" }),
    ...(where ? [html.Div(where, { className: "dd-admin-sub" })] : []),
  ]);
}

/** The detail object as "key: value" pairs, each value cut short; the whole JSON in the tooltip. */
function detailCell(r: AuditRow): Component {
  if (!r.detail || !Object.keys(r.detail).length) return html.Td(muted("—"));
  const pairs = Object.entries(r.detail).map(
    ([k, v]) => `${k}: ${v === null || v === undefined ? "—" : clip(typeof v === "string" ? v : (JSON.stringify(v) ?? String(v)), 48)}`,
  );
  return html.Td(html.Span(clip(pairs.join(" · "), 140), { title: clip(JSON.stringify(r.detail), 1000), className: "dd-admin-detail" }));
}

function table(p: AuditPage): Component {
  const head = html.Thead(html.Tr(["Time", "Action", "Actor", "Target", "Detail"].map((h) => html.Th(h, { scope: "col" }))));
  const rows = p.rows.map((r) =>
    html.Tr(
      [
        html.Td(dateTime(r.time), { className: "dd-admin-nowrap" }),
        html.Td(actionBadge(r.action)),
        actorCell(r),
        html.Td(r.target ?? muted("—")),
        detailCell(r),
      ],
      { "data-action": r.action },
    ),
  );
  const body = html.Tbody(
    rows.length ? rows : [html.Tr(html.Td("No entries match these filters.", { colSpan: 5, className: "dd-admin-empty" }))],
  );
  return html.Table([head, body], { className: "dd-admin-table dd-admin-audit" });
}

/** "Page 2 of 4 · 87 entries"; past the count cap "about" or "more than" (db/audit counts no further). */
export function info(p: AuditPage): string {
  const n = (x: number) => x.toLocaleString("en");
  const entries = p.total === 1 && p.totalIs === "exact" ? "1 entry" : `${n(p.total)} entries`;
  const text =
    p.totalIs === "exact"
      ? `Page ${n(p.page)} of ${n(p.pages)} · ${entries}`
      : p.totalIs === "about"
        ? `Page ${n(p.page)} of about ${n(p.pages)} · about ${entries}`
        : `Page ${n(p.page)} · more than ${entries}`;
  // A search no index serves reads only the newest entries: say so, so no one mistakes it for the whole log.
  return p.searched ? `${text} · searched the newest ${n(p.searched)}` : text;
}

export function auditSection(ctx: ConsoleContext): Component {
  const p = queryAudit(ctx.deps.db, auditQuery(1, "", "", ""));
  const filter = (id: string, label: string, placeholder: string) =>
    field(
      label,
      dcc.Input({ id, type: "search", value: "", placeholder, debounce: FILTER_DEBOUNCE_MS, autoComplete: "off", maxLength: 200 }),
    );
  return card("audit", "Audit log", "Newest first. The first page follows the log live.", [
    html.Div(
      [
        filter("audit_action", "Action", "login.* or admin.role"),
        filter("audit_actor", "Actor", "a username"),
        filter("audit_text", "Search", "any text: an IP, a tab, a value"),
      ],
      { className: "dd-admin-filters" },
    ),
    html.Div({ id: "audit_table", className: "dd-admin-scroll", children: table(p) }),
    html.Div(
      [
        html.Button("‹ Previous", { id: "audit_prev", disabled: true, title: "Newer entries" }),
        html.Span(info(p), { id: "audit_info", className: "dd-admin-page" }),
        html.Button("Next ›", { id: "audit_next", disabled: !p.hasNext, title: "Older entries" }),
      ],
      { className: "dd-admin-pager" },
    ),
    dcc.Store({ id: "audit_page", data: 1 }),
  ]);
}

export function registerAudit(ctx: ConsoleContext): void {
  const db: Db = ctx.deps.db;
  ctx.admin.callback(
    [
      Output("audit_table", "children"),
      Output("audit_info", "children"),
      Output("audit_page", "data"),
      Output("audit_prev", "disabled"),
      Output("audit_next", "disabled"),
    ],
    [
      Input(TICK_ID, "n_intervals"),
      Input("audit_rev", "data"),
      Input("audit_action", "value"),
      Input("audit_actor", "value"),
      Input("audit_text", "value"),
      Input("audit_prev", "n_clicks"),
      Input("audit_next", "n_clicks"),
    ],
    [State("audit_page", "data")],
    (
      _tick: unknown,
      _rev: unknown,
      action: unknown,
      actor: unknown,
      search: unknown,
      _prev: unknown,
      _next: unknown,
      page: unknown,
      cx: CallbackContext,
    ) => {
      requireAdmin(db, cx.client, "audit.view");
      const current = typeof page === "number" && page >= 1 ? page : 1;
      const by = cx.triggeredId;
      const live = by === TICK_ID || by === "audit_rev";
      // Later pages hold still while the log grows (the rows would slide under the reader).
      if (live && current > 1) throw new PreventUpdate();
      const wanted = by === "audit_prev" ? current - 1 : by === "audit_next" ? current + 1 : live ? current : 1;
      let p = queryAudit(db, auditQuery(Math.max(1, wanted), action, actor, search));
      if (p.page > p.pages) p = queryAudit(db, auditQuery(p.pages, action, actor, search));
      return [table(p), info(p), p.page, p.page <= 1, !p.hasNext];
    },
    { name: "admin_audit_view" },
  );
}
