/**
 * @module admin/users
 * The "Users" section: the accounts and what an admin does to them (create, change role, reset the
 * password, delete), all through src/auth's users API with the acting admin as the audit actor.
 * The API's refusals (the last admin, a taken name, a short password) are shown in the section's
 * status line, in its own words. Changes reach the live tabs at once: a new role applies to the
 * user's open tabs, a demoted admin's console tabs close, ended sessions close their tabs.
 */

import type { Component } from "../core/component.ts";
import { html } from "../core/html.ts";
import { dcc } from "../core/dcc/index.ts";
import { Input, Output, State, noUpdate } from "../core/dependencies.ts";
import type { CallbackContext } from "../core/invoke.ts";
import { DashDevicesError } from "../core/errors.ts";
import { createUser, deleteUser, getUser, listUsers, resetPassword, setRole, type PublicUser } from "../auth/users.ts";
import { listSessions } from "../auth/sessions.ts";
import { isRole, ROLES } from "../auth/roles.ts";
import type { Db } from "../db/open.ts";
import { requireAdmin } from "./guard.ts";
import type { ConsoleContext } from "./deps.ts";
import { card, dateTime, field, muted, note, roleBadge } from "./ui.ts";

/** A second click on "Delete user" within this time confirms. */
const CONFIRM_MS = 15_000;
/** Most powerful first, as the console always listed them. */
const ROLE_OPTIONS = [...ROLES].reverse().map((r) => ({ label: r, value: r }));

function usersTable(ctx: ConsoleContext, me?: number): Component {
  const { db, app } = ctx.deps;
  const rows = listUsers(db).map((u) => {
    const tabs = [...app.clients].filter((c) => c.user?.id === u.id).length;
    return html.Tr(
      [
        html.Td([html.Strong(u.username), ...(u.id === me ? [muted(" (you)")] : [])]),
        html.Td(roleBadge(u.role)),
        html.Td(u.disabled ? html.Span("disabled", { className: "dd-admin-role dd-admin-role-disabled" }) : "enabled"),
        html.Td(String(listSessions(db, { userId: u.id }).length)),
        html.Td(String(tabs)),
        html.Td(dateTime(u.createdAt)),
      ],
      { "data-user": u.username },
    );
  });
  const head = html.Thead(
    html.Tr(["User", "Role", "Status", "Live sessions", "Open tabs", "Created"].map((h) => html.Th(h, { scope: "col" }))),
  );
  return html.Table([head, html.Tbody(rows.length ? rows : [html.Tr(html.Td("No users yet.", { colSpan: 6 }))])], {
    className: "dd-admin-table",
  });
}

function userOptions(db: Db) {
  return listUsers(db).map((u) => ({ label: `${u.username} (${u.role})`, value: u.id }));
}

function userInfo(db: Db, u: PublicUser | null): Component | string {
  if (!u) return muted("Choose a user to change their role, reset their password or delete them.");
  const sessions = listSessions(db, { userId: u.id }).length;
  return html.Span([
    html.Strong(u.username),
    ` is ${u.role}${u.disabled ? " (disabled)" : ""}, created ${dateTime(u.createdAt)}; ${sessions === 1 ? "1 live session" : `${sessions} live sessions`}.`,
  ]);
}

/** The API's refusal in a sentence: what, then how to fix it. */
function refusal(e: DashDevicesError): string {
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const fix = e.detail.fix ? ` ${cap(e.detail.fix)}${/[.!?]$/.test(e.detail.fix) ? "" : "."}` : "";
  return cap(e.detail.what) + fix;
}

export function usersSection(ctx: ConsoleContext): Component {
  const db = ctx.deps.db;
  const create = html.Div(
    [
      html.H3("Add a user"),
      field(
        "Username",
        dcc.Input({ id: "new_username", type: "text", value: "", autoComplete: "off", maxLength: 32, placeholder: "e.g. ana" }),
      ),
      field(
        "Password",
        dcc.Input({ id: "new_password", type: "password", value: "", autoComplete: "new-password", placeholder: "at least 8 characters" }),
      ),
      field("Role", dcc.Dropdown({ id: "new_role", options: ROLE_OPTIONS, value: "viewer", clearable: false })),
      html.Button("Create user", { id: "user_create", className: "dd-admin-primary" }),
    ],
    { className: "dd-admin-form dd-admin-panel" },
  );
  const manage = html.Div(
    [
      html.H3("Manage a user"),
      field(
        "User",
        dcc.Dropdown({ id: "user_pick", options: userOptions(db), value: null, clearable: false, placeholder: "Choose a user…" }),
      ),
      html.P({ id: "user_info", className: "dd-admin-info", children: userInfo(db, null) }),
      field("Role", dcc.RadioItems({ id: "user_role", options: ROLE_OPTIONS, value: null, inline: true })),
      html.Button("Change role", { id: "user_setrole" }),
      field(
        "New password",
        dcc.Input({ id: "user_password", type: "password", value: "", autoComplete: "new-password", placeholder: "at least 8 characters" }),
        "Ends the user's sessions: they log in again with it.",
      ),
      html.Div(
        [
          html.Button("Reset password", { id: "user_reset" }),
          html.Button("Delete user", { id: "user_delete", className: "dd-admin-danger" }),
        ],
        { className: "dd-admin-buttons" },
      ),
    ],
    { className: "dd-admin-form dd-admin-panel" },
  );
  return card("users", "Users", "Who may watch (viewer), drive the device (operator) or manage it (admin).", [
    html.Div({ id: "users_table", className: "dd-admin-scroll", children: usersTable(ctx) }),
    html.Div({ id: "users_status", className: "dd-admin-status", "aria-live": "polite" }),
    html.Div([create, manage], { className: "dd-admin-columns" }),
    dcc.Store({ id: "delete_armed", data: null }),
  ]);
}

export function registerUsers(ctx: ConsoleContext): void {
  const { admin, deps } = ctx;
  const { app, db } = deps;

  admin.callback(
    [Output("users_table", "children"), Output("user_pick", "options")],
    // users_rev also moves when a user's number of open tabs changes (redraw.ts), not for anonymous tabs.
    Input("users_rev", "data"),
    (_u: unknown, cx: CallbackContext) => {
      requireAdmin(db, cx.client, "users.view");
      return [usersTable(ctx, cx.client?.user?.id), userOptions(db)];
    },
    { name: "admin_users_view" },
  );

  admin.callback(
    [Output("user_role", "value"), Output("user_info", "children")],
    [Input("user_pick", "value"), Input("users_rev", "data")],
    (picked: unknown, _u: unknown, cx: CallbackContext) => {
      requireAdmin(db, cx.client, "users.pick");
      const u = typeof picked === "number" ? getUser(db, picked) : null;
      return [u ? u.role : null, userInfo(db, u)];
    },
    { name: "admin_user_pick" },
  );

  /** A user's open tabs see a new role at once; a former admin's console tabs close. */
  const applyRole = (userId: number, role: string) => {
    for (const c of [...app.clients, ...admin.clients]) {
      if (c.user?.id !== userId) continue;
      if (c.authentication === c.user.role) c.authentication = role;
      c.user = { ...c.user, role };
    }
    if (role !== "admin") for (const c of [...admin.clients]) if (c.user?.id === userId) deps.disconnect(c, "no longer an admin");
  };
  const closeAll = (ids: string[], why: string) => {
    for (const id of ids) deps.closeSession(id, why);
  };

  admin.callback(
    [
      Output("users_status", "children"),
      Output("new_username", "value"),
      Output("new_password", "value"),
      Output("user_password", "value"),
      Output("user_pick", "value"),
      Output("delete_armed", "data"),
    ],
    [
      Input("user_create", "n_clicks"),
      Input("user_setrole", "n_clicks"),
      Input("user_reset", "n_clicks"),
      Input("user_delete", "n_clicks"),
    ],
    [
      State("new_username", "value"),
      State("new_password", "value"),
      State("new_role", "value"),
      State("user_pick", "value"),
      State("user_role", "value"),
      State("user_password", "value"),
      State("delete_armed", "data"),
    ],
    async (
      _c: unknown,
      _r: unknown,
      _p: unknown,
      _d: unknown,
      name: unknown,
      password: unknown,
      newRole: unknown,
      picked: unknown,
      role: unknown,
      newPassword: unknown,
      armed: unknown,
      cx: CallbackContext,
    ) => {
      const what = cx.triggeredId ?? "?";
      const actor = requireAdmin(db, cx.client, `users.${what}`);
      const me = actor.userId; // admins may change their own account too: the API keeps the last admin
      const say = (
        kind: "ok" | "error" | "info",
        text: string,
        more: Partial<Record<"name" | "password" | "newPassword" | "pick" | "armed", unknown>> = {},
      ) => [
        note(kind, text),
        "name" in more ? more.name : noUpdate,
        "password" in more ? more.password : noUpdate,
        "newPassword" in more ? more.newPassword : noUpdate,
        "pick" in more ? more.pick : noUpdate,
        "armed" in more ? more.armed : null,
      ];
      try {
        if (what === "user_create") {
          const u = await createUser(
            db,
            {
              username: typeof name === "string" ? name.trim() : "",
              password: typeof password === "string" ? password : "",
              role: isRole(newRole) ? newRole : "viewer",
            },
            { actor },
          );
          ctx.usersChanged();
          ctx.auditChanged();
          return say("ok", `Created ${u.username} (${u.role}).`, { name: "", password: "" });
        }
        const user = typeof picked === "number" ? getUser(db, picked) : null;
        if (!user) return say("error", "Choose a user first (the list under “Manage a user”).", { pick: null });

        if (what === "user_setrole") {
          if (!isRole(role)) return say("error", `Choose the new role of ${user.username}.`);
          if (role === user.role) return say("info", `${user.username} is ${role} already.`);
          setRole(db, user.id, role, { actor });
          applyRole(user.id, role);
          ctx.usersChanged();
          ctx.auditChanged();
          ctx.tabsChanged();
          return say("ok", `${user.username} is now ${role} (was ${user.role}).`);
        }

        if (what === "user_reset") {
          const keep = user.id === me ? (actor.sessionId ?? undefined) : undefined;
          const { revokedSessionIds } = await resetPassword(db, user.id, typeof newPassword === "string" ? newPassword : "", {
            actor,
            keepSessionId: keep,
          });
          closeAll(revokedSessionIds, "password reset by an admin");
          ctx.usersChanged();
          ctx.auditChanged();
          const ended = revokedSessionIds.length === 1 ? "1 session ended" : `${revokedSessionIds.length} sessions ended`;
          return say("ok", `New password set for ${user.username}; ${ended}.`, { newPassword: "" });
        }

        if (what === "user_delete") {
          const a = armed as { userId?: number; at?: number } | null;
          if (!a || a.userId !== user.id || Date.now() - (a.at ?? 0) > CONFIRM_MS) {
            return say("info", `Press “Delete user” again to delete ${user.username} for good; their sessions end at once.`, {
              armed: { userId: user.id, at: Date.now() },
            });
          }
          const { revokedSessionIds } = deleteUser(db, user.id, { actor });
          closeAll(revokedSessionIds, "account deleted by an admin");
          ctx.usersChanged();
          ctx.auditChanged();
          ctx.tabsChanged();
          return say("ok", `Deleted ${user.username}.`, { pick: null });
        }
        return say("error", "Unknown action.");
      } catch (e) {
        if (e instanceof DashDevicesError) return say("error", refusal(e)); // nothing changed: nothing audited
        throw e;
      }
    },
    { name: "admin_users_actions", preventInitialCall: true },
  );
}
