/**
 * @module access
 * Who may watch, drive and manage: reads the session cookie into an identity, gates the app's page
 * and socket (a "login" app requires a session; a "public" one, the original's default, does not),
 * gates the admin console (admin role only), and refuses a control change that needs a role the
 * tab does not have: every value that feeds a callback with `{ role: "operator" }` (as Input or
 * State, directly or through a chain), or every control of a "login" app for viewers.
 */

import type { Client } from "../core/client.ts";
import { DashDevicesError } from "../core/errors.ts";
import { hasRole, roleRank } from "../core/roles.ts";
import type { CallbackGraph } from "../core/graph.ts";
import type { Db } from "../db/open.ts";
import { getSession, lookupSession } from "../auth/sessions.ts";
import { readSessionToken } from "../auth/cookie.ts";
import type { Gate, Identity } from "./serve.ts";

export type AccessMode = "public" | "login";

/**
 * Same-origin "next" paths only: never an open redirect. Browsers drop tabs and newlines from a
 * URL and read "\\" as "/", so "/\t/evil.example" would become "//evil.example": control
 * characters and backslashes are refused, and what is left must resolve to this origin.
 * @example safeNext("/admin?tab=users"); // "/admin?tab=users"    safeNext("/\t/evil.example"); // "/"
 */
export function safeNext(next: unknown, fallback = "/"): string {
  if (typeof next !== "string" || !next.startsWith("/") || next.length > 2048) return fallback;
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return fallback;
  try {
    const base = "http://dd.invalid";
    const u = new URL(next, base);
    if (u.origin !== base) return fallback;
    const path = u.pathname + u.search + u.hash;
    return path.startsWith("//") ? fallback : path;
  } catch {
    return fallback;
  }
}

export class Access {
  constructor(
    readonly db: Db,
    readonly mode: AccessMode,
  ) {}

  /** The session and user behind a request's cookie (nothing if none, expired or revoked). */
  identity(req: Request): Identity {
    // No Cookie header (a public app's visitor): nothing to parse or look up.
    if (!req.headers.has("cookie")) return {};
    const token = readSessionToken(req);
    if (!token) return {};
    const s = lookupSession(this.db, token);
    if (!s) return {};
    const u = s.user && !s.user.disabled ? { id: s.user.id, username: s.user.username, role: s.user.role } : undefined;
    return { sessionId: s.id, user: u };
  }

  private refuse(req: Request, kind: "page" | "socket" | "post", why: string): Response {
    if (kind === "page") {
      const url = new URL(req.url);
      return Response.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
    }
    return new Response(why, { status: 401, headers: { "content-type": "text/plain; charset=utf-8" } });
  }

  /** When each tab's session was last re-read (kept here, not in the app's own `client.data`). */
  private readonly checkedAt = new WeakMap<Client, number>();

  /**
   * Re-reads a tab's session and user (at most once a second): a role changed, an account
   * disabled or a session revoked elsewhere (the CLI, another admin) takes effect on open tabs.
   */
  refresh(client: Client, now = Date.now()): void {
    if (!client.sessionId) return;
    if (now - (this.checkedAt.get(client) ?? 0) < 1000) return;
    this.checkedAt.set(client, now);
    const s = getSession(this.db, client.sessionId);
    const live = s && !s.revokedAt && s.expiresAt.getTime() > now;
    const u = live && s.user && !s.user.disabled ? s.user : undefined;
    client.user = u ? { id: u.id, username: u.username, role: u.role } : undefined;
    if (!live) client.transport.close(4001, "session ended");
  }

  /** The app: public apps let everyone in; login apps need a logged-in user (viewer or more). */
  readonly appGate: Gate = (req, kind) => {
    const who = this.identity(req);
    if (this.mode === "login" && !who.user) return this.refuse(req, kind, "[DD_NOT_AUTHORIZED] log in first");
    return who;
  };

  /** The admin console: admins only. */
  readonly adminGate: Gate = (req, kind) => {
    const who = this.identity(req);
    if (!who.user) return this.refuse(req, kind, "[DD_NOT_AUTHORIZED] log in as an admin");
    if (!hasRole(who.user.role, "admin")) {
      return new Response(kind === "page" ? forbiddenPage(who.user.username) : "[DD_NOT_AUTHORIZED] admins only", {
        status: 403,
        headers: { "content-type": kind === "page" ? "text/html; charset=utf-8" : "text/plain; charset=utf-8" },
      });
    }
    return who;
  };

  /**
   * The check the runtime makes before applying a control change of a tab. The role a change
   * needs is the highest of the app's ("operator" in a login app) and of every callback the
   * changed value reaches: read as Input or as State, directly or through other callbacks'
   * outputs (graph.reach, computed once per key). A value only read as State still decides what
   * a protected callback does the next time an entitled user triggers it.
   */
  inputGuard(graph: CallbackGraph) {
    return (client: Client, id: string, keys: readonly string[]): DashDevicesError | undefined => {
      let needed: string | undefined = this.mode === "login" ? "operator" : undefined;
      let by: string | undefined;
      for (const key of keys) {
        const r = graph.reach(key);
        if (r.role && (!needed || roleRank(r.role) > roleRank(needed))) {
          needed = r.role;
          by = r.roleBy;
        }
      }
      if (!needed) return undefined;
      this.refresh(client);
      if (hasRole(client.user?.role, needed)) return undefined;
      const who = client.user ? `${client.user.username} (${client.user.role})` : "this tab (not logged in)";
      return new DashDevicesError("DD_NOT_AUTHORIZED", {
        what: `${who} may not change "${id}"${by ? `: it feeds the callback "${by}", which needs the ${needed} role` : ""}.`,
        expected: `the ${needed} role or higher`,
        found: client.user ? `the ${client.user.role} role` : "no login",
        fix: client.user ? "ask an admin for the role" : "log in (/login) as an operator",
      });
    };
  }
}

function forbiddenPage(username: string): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><meta charset="utf-8"><title>Admins only</title><link rel="stylesheet" href="/_dd/dash-devices.css"><main class="dd-auth"><h1>Admins only</h1><p>You are logged in as ${esc(username)}, who is not an admin.</p><form method="post" action="/logout"><button>Log out</button></form><p><a href="/">Back to the app</a></p></main>`;
}
