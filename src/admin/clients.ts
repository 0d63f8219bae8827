/**
 * @module admin/clients
 * The "Connected tabs" section: the device app's tabs, live. The list is a dcc.RadioItems whose
 * options are table rows, so clicking a row picks that tab for the actions below it (disconnect,
 * revoke its session, send it a message). It is redrawn when tabs open or close (app.callbackConnect
 * marks it; redraw.ts pushes a revision to every console tab, at most a few times a second) and
 * every few seconds for the counters (the console's server-driven dcc.Interval).
 */

import type { AppSurface } from "../app-surface.ts";
import type { Client } from "../core/client.ts";
import type { Child, Component } from "../core/component.ts";
import { html } from "../core/html.ts";
import { dcc } from "../core/dcc/index.ts";
import { Input, Output, State, noUpdate } from "../core/dependencies.ts";
import type { CallbackContext } from "../core/invoke.ts";
import { audit } from "../db/audit.ts";
import { revokeSession } from "../auth/sessions.ts";
import { requireAdmin } from "./guard.ts";
import { TICK_ID, type ConsoleContext } from "./deps.ts";
import { card, clip, clock, field, muted, note, roleBadge, since } from "./ui.ts";

const COLUMNS = ["Tab", "User", "IP", "Host", "Connected since", "In / out", "Last RTT"];
const MAX_MESSAGE = 500;

function tabsOf(app: AppSurface): Client[] {
  return [...app.clients].sort((a, b) => a.connectTime.getTime() - b.connectTime.getTime());
}

function userCell(c: Client): Child {
  return c.user ? [html.Span(c.user.username, { className: "dd-admin-user" }), roleBadge(c.user.role)] : muted("anonymous");
}

/** One tab as a row of cells (the label of its radio button). */
function row(c: Client, now: number): Child[] {
  const cell = (col: string, children: Child) => html.Span(children, { className: "dd-admin-cell", "data-col": col });
  return [
    cell("id", html.Code(c.id)),
    cell("user", userCell(c)),
    cell("ip", c.ip),
    cell("host", c.hostname ?? muted("—")),
    cell("since", [clock(c.connectTime), muted(` · ${since(c.connectTime, now)}`)]),
    cell("messages", `${c.messagesIn} / ${c.messagesOut}`),
    cell("rtt", c.rttMs === undefined ? muted("—") : `${c.rttMs} ms`),
  ];
}

function options(app: AppSurface) {
  const now = Date.now();
  return tabsOf(app).map((c) => ({ value: c.id, label: row(c, now), title: c.userAgent.slice(0, 200) || undefined }));
}

function countBadge(n: number): string {
  return n === 1 ? "1 tab" : `${n} tabs`;
}

function selected(app: AppSurface, id: unknown): Client | undefined {
  return typeof id === "string" ? tabsOf(app).find((c) => c.id === id) : undefined;
}

function summary(app: AppSurface, id: unknown): Child {
  if (id === null || id === undefined) return muted("Click a tab in the list to disconnect it, end its session or message it.");
  const c = selected(app, id);
  if (!c) return note("info", `Tab ${String(id)} has left.`);
  const who = c.user ? `${c.user.username} (${c.user.role})` : "anonymous";
  const session = c.sessionId ? ["session ", html.Code(c.sessionId.slice(0, 8))] : muted("no session (not logged in)");
  const role = c.user ? [" · ", html.A("change role", { href: "#users", title: `Manage ${c.user.username} under Users` })] : [];
  return html.Div([
    html.Div([html.Strong(`Tab ${c.id}`), ` · ${who} · ${c.ip} · `, session, ...role]),
    html.Div(muted(clip(c.userAgent || "unknown browser", 140)), { className: "dd-admin-ua" }),
  ]);
}

export function clientsSection(ctx: ConsoleContext): Component {
  const app = ctx.deps.app;
  const n = app.clients.size;
  const head = html.Div([html.Span(""), ...COLUMNS.map((h) => html.Span(h))], { className: "dd-admin-grid-head", "aria-hidden": "true" });
  const list = dcc.RadioItems({
    id: "tabs_pick",
    options: options(app),
    value: null,
    className: "dd-admin-grid",
    labelClassName: "dd-admin-row",
    "aria-label": "Connected tabs",
  });
  const empty = html.P("No tab of the app is open right now. Tabs appear here the moment they connect.", {
    id: "tabs_empty",
    className: "dd-admin-empty",
    hidden: n > 0,
  });
  const actions = html.Div(
    [
      html.Div({ id: "tabs_selected", className: "dd-admin-selected", children: summary(app, null) }),
      html.Div(
        [
          html.Button("Disconnect tab", { id: "tabs_kick", disabled: true, title: "Close this tab's connection now" }),
          html.Button("Revoke session", {
            id: "tabs_revoke",
            disabled: true,
            className: "dd-admin-danger",
            title: "Log this browser out: every tab of its session closes at once",
          }),
          html.Button("Give control", { id: "tabs_give", hidden: !app.lease, title: "Hand the control lease to this tab" }),
        ],
        { className: "dd-admin-buttons" },
      ),
      html.Div(
        [
          field(
            "Message",
            dcc.Input({
              id: "msg_text",
              type: "text",
              value: "",
              placeholder: "Shown as a notice in the app",
              maxLength: MAX_MESSAGE,
              autoComplete: "off",
            }),
          ),
          field(
            "Send to",
            dcc.RadioItems({
              id: "msg_to",
              options: [
                { label: "every tab", value: "all" },
                { label: "the selected tab", value: "one" },
              ],
              value: "all",
              inline: true,
            }),
          ),
          html.Button("Send message", { id: "msg_send", className: "dd-admin-primary" }),
        ],
        { className: "dd-admin-form dd-admin-message" },
      ),
      html.Div({ id: "tabs_status", className: "dd-admin-status", "aria-live": "polite" }),
    ],
    { className: "dd-admin-actions" },
  );
  const count = html.Span(countBadge(n), { id: "tabs_count", className: "dd-admin-count" });
  return card(
    "tabs",
    "Connected tabs",
    "Every open tab of the app, live. Counters refresh every few seconds.",
    [html.Div([head, list, empty], { className: "dd-admin-scroll" }), actions],
    count,
  );
}

export function registerClients(ctx: ConsoleContext): void {
  const { admin, deps } = ctx;
  const { app, db } = deps;

  // Tabs opening and closing redraw the list in every console tab (no polling), a few times a
  // second at most however fast they come (redraw.ts). The audit log's redraw follows the
  // appliance's write of the connect and disconnect rows.
  app.callbackConnect(() => ctx.tabsChanged());

  admin.callback(
    [
      Output("tabs_count", "children"),
      Output("tabs_pick", "options"),
      Output("tabs_empty", "hidden"),
      Output("tabs_selected", "children"),
      Output("tabs_kick", "disabled"),
      Output("tabs_revoke", "disabled"),
    ],
    [Input(TICK_ID, "n_intervals"), Input("tabs_rev", "data"), Input("tabs_pick", "value")],
    (_tick: unknown, _rev: unknown, picked: unknown, cx: CallbackContext) => {
      requireAdmin(db, cx.client, "tabs.view");
      const c = selected(app, picked);
      return [countBadge(app.clients.size), options(app), app.clients.size > 0, summary(app, picked), !c, !c?.sessionId];
    },
    { name: "admin_tabs_view" },
  );

  admin.callback(
    [Output("tabs_status", "children"), Output("msg_text", "value")],
    [Input("tabs_kick", "n_clicks"), Input("tabs_revoke", "n_clicks"), Input("msg_send", "n_clicks"), Input("tabs_give", "n_clicks")],
    [State("tabs_pick", "value"), State("msg_text", "value"), State("msg_to", "value")],
    (_k: unknown, _r: unknown, _s: unknown, _g: unknown, picked: unknown, text: unknown, to: unknown, cx: CallbackContext) => {
      const what = cx.triggeredId ?? "?";
      const actor = requireAdmin(db, cx.client, `tabs.${what}`);
      const target = selected(app, picked);
      const fail = (t: string) => [note("error", t), noUpdate];

      if (what === "msg_send") {
        const message = typeof text === "string" ? text.trim() : "";
        if (!message) return fail("Type a message first.");
        if (to === "one" && !target) return fail("Pick the tab to send it to, or send it to every tab.");
        const n = to === "one" ? 1 : app.clients.size;
        deps.notify(message, to === "one" ? target : undefined);
        audit(db, {
          action: "admin.message",
          actor,
          target: to === "one" ? target!.id : "all",
          detail: { text: clip(message, 200), tabs: n },
        });
        ctx.auditChanged();
        return [note("ok", to === "one" ? `Message sent to tab ${target!.id}.` : `Message sent to ${countBadge(n)}.`), ""];
      }

      if (!target) return fail(picked ? "That tab has left already." : "Pick a tab in the list first.");
      const who = target.user ? target.user.username : "anonymous";

      if (what === "tabs_kick") {
        audit(db, { action: "admin.disconnect", actor, target: target.id, detail: { user: target.user?.username ?? null, ip: target.ip } });
        deps.disconnect(target, "disconnected by an admin");
        return [note("ok", `Disconnected tab ${target.id} (${who}, ${target.ip}).`), noUpdate];
      }

      if (what === "tabs_give") {
        if (!app.lease) return fail("This app has no control lease.");
        app.lease.give(target, `admin ${actor.username ?? "?"} gave control`);
        audit(db, { action: "admin.lease.give", actor, target: target.id, detail: { user: target.user?.username ?? null, ip: target.ip } });
        ctx.auditChanged();
        return [note("ok", `Tab ${target.id} (${who}) now has control.`), noUpdate];
      }

      if (what === "tabs_revoke") {
        const sid = target.sessionId;
        if (!sid) return fail(`Tab ${target.id} is not logged in, so it has no session to revoke: disconnect it instead.`);
        if (sid === cx.client?.sessionId) return fail("That is your own session. Log out instead (Account, at the top).");
        const tabs = [...app.clients, ...admin.clients].filter((c) => c.sessionId === sid).length;
        const revoked = revokeSession(db, sid, { actor, action: "admin.session.revoke" });
        ctx.auditChanged();
        deps.closeSession(sid, "session revoked by an admin");
        const closed = tabs === 1 ? "1 tab closed" : `${tabs} tabs closed`;
        return [
          note(
            "ok",
            revoked
              ? `Revoked ${who}'s session ${sid.slice(0, 8)}: ${closed}.`
              : `Session ${sid.slice(0, 8)} had ended already: ${closed}.`,
          ),
          noUpdate,
        ];
      }
      return [noUpdate, noUpdate];
    },
    { name: "admin_tabs_actions", preventInitialCall: true },
  );
}
