/**
 * @module auth-pages
 * The few plain pages around the app: log in, log out, and the first-run setup that creates the
 * first admin from the one-time link the server prints. Plain forms (they work without script),
 * same-origin checked, bodies read no further than 16 KiB, the login rate limited (src/auth) by the
 * client's address (X-Forwarded-For behind a trusted proxy), every string escaped.
 */

import type { Elysia } from "elysia";
import { escapeHtml } from "../core/escape.ts";
import type { Logger } from "../core/log.ts";
import { DashDevicesError } from "../core/errors.ts";
import { login, logout } from "../auth/login.ts";
import { checkSetupToken, completeSetup, hasAdmin } from "../auth/setup.ts";
import { clearSessionCookie, readSessionToken, requestPort, sessionCookie } from "../auth/cookie.ts";
import type { Access } from "./access.ts";
import { safeNext } from "./access.ts";
import { readForm } from "./body.ts";
import type { Edge } from "./hosts.ts";

export interface AuthPagesOptions {
  access: Access;
  title: string;
  log: Logger;
  /** Closes every tab of a browser session (after logout or revocation). */
  closeSession(sessionId: string, reason: string): void;
}

function page(title: string, body: string, status = 200, headers: Record<string, string> = {}): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/_dd/dash-devices.css"></head><body><main class="dd-auth">${body}</main></body></html>`;
  return new Response(html, { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...headers } });
}

function field(label: string, name: string, type = "text", extra = ""): string {
  return `<label>${escapeHtml(label)}<input name="${name}" type="${type}" ${extra}></label>`;
}

function redirect(to: string, headers: Record<string, string> = {}): Response {
  return new Response(null, { status: 303, headers: { location: to, ...headers } });
}

const crossSite = () => page("Refused", "<h1>Refused</h1><p>This form must be sent from this device's own pages.</p>", 403);

export function authPages(o: AuthPagesOptions) {
  const { access } = o;
  const db = access.db;

  // Before the first admin exists nobody can log in: say where the one-time setup link is.
  const firstRunHint = `<p class="dd-auth-hint" role="note"><strong>First run:</strong> no admin account exists yet. The server printed a one-time setup link when it started: look for <code>setup.needed url=…/setup?token=…</code> in its output (on an installed device: <code>journalctl -u dash-devices-NAME</code>), or create the admin at the device's console with <code>./APP --create-admin NAME</code>.</p>`;
  const loginPage = (next: string, error?: string, status = 200, username = "") => {
    return page(
      `Log in · ${o.title}`,
      `<h1>Log in</h1><p class="dd-muted">${escapeHtml(o.title)}</p>${error ? `<p class="dd-auth-error" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/login"><input type="hidden" name="next" value="${escapeHtml(next)}">
${field("Username", "username", "text", `autocomplete="username" required autofocus value="${escapeHtml(username)}"`)}
${field("Password", "password", "password", 'autocomplete="current-password" required')}
<button type="submit">Log in</button></form>${hasAdmin(db) ? "" : firstRunHint}`,
      status,
    );
  };

  return (app: Elysia, edge: Edge) => {
    const cookie = (request: Request, token: string, expires: Date) =>
      sessionCookie(token, { port: requestPort(request), secure: edge.https(request), expires });
    return app
      .get("/login", ({ request }) => {
        const url = new URL(request.url);
        const next = safeNext(url.searchParams.get("next"));
        const who = access.identity(request);
        if (who.user) {
          return page(
            `Logged in · ${o.title}`,
            `<h1>Logged in</h1><p>You are ${escapeHtml(who.user.username)} (${escapeHtml(who.user.role)}).</p><p><a href="${escapeHtml(next)}">Continue</a></p><form method="post" action="/logout"><button>Log out</button></form>`,
          );
        }
        return loginPage(next);
      })
      .post(
        "/login",
        async ({ request, server }) => {
          if (!edge.sameOrigin(request)) return crossSite();
          const f = await readForm(request);
          if (f instanceof Response) return f;
          const next = safeNext(f.next);
          const ip = edge.ip(request, server);
          try {
            const r = await login(db, {
              username: f.username ?? "",
              password: f.password ?? "",
              ip,
              userAgent: request.headers.get("user-agent"),
              replaceToken: readSessionToken(request),
            });
            if (r.replacedSessionId) o.closeSession(r.replacedSessionId, "session replaced by a login");
            o.log.info("login.ok", { user: r.user.username, role: r.user.role });
            return redirect(next, { "set-cookie": cookie(request, r.token, r.session.expiresAt) });
          } catch (e) {
            if (e instanceof DashDevicesError) {
              o.log.warn("login.refused", { code: e.code, ip });
              const limited = e.code === "DD_RATE_LIMITED";
              const res = loginPage(
                next,
                e.detail.what + (e.detail.fix && limited ? ` ${e.detail.fix}` : ""),
                limited ? 429 : 401,
                f.username ?? "",
              );
              const wait = (e as { retryAfterMs?: number }).retryAfterMs;
              if (limited && wait) res.headers.set("retry-after", String(Math.ceil(wait / 1000)));
              return res;
            }
            throw e;
          }
        },
        { parse: "none" },
      )
      .post(
        "/logout",
        ({ request }) => {
          if (!edge.sameOrigin(request)) return crossSite();
          const sessionId = logout(db, readSessionToken(request));
          if (sessionId) o.closeSession(sessionId, "logged out");
          return redirect("/login", { "set-cookie": clearSessionCookie({ port: requestPort(request), secure: edge.https(request) }) });
        },
        { parse: "none" },
      )
      .get("/setup", ({ request }) => {
        const token = new URL(request.url).searchParams.get("token") ?? "";
        if (!checkSetupToken(db, token)) {
          return page(
            "Setup",
            "<h1>Setup link not valid</h1><p>This setup link is unknown, used or expired. Restart the server to get a new one, or create an admin from the command line (<code>--create-admin</code>).</p>",
            410,
          );
        }
        return page(
          `Setup · ${o.title}`,
          `<h1>Create the first admin</h1><p class="dd-muted">This account manages the device: who may watch, who may drive it.</p>
<form method="post" action="/setup"><input type="hidden" name="token" value="${escapeHtml(token)}">
${field("Username", "username", "text", 'autocomplete="username" required autofocus')}
${field("Password (at least 8 characters)", "password", "password", 'autocomplete="new-password" required minlength="8"')}
<button type="submit">Create admin</button></form>`,
        );
      })
      .post(
        "/setup",
        async ({ request, server }) => {
          if (!edge.sameOrigin(request)) return crossSite();
          const f = await readForm(request);
          if (f instanceof Response) return f;
          const ip = edge.ip(request, server);
          try {
            await completeSetup(db, { token: f.token ?? "", username: f.username ?? "", password: f.password ?? "", ip });
            const r = await login(db, {
              username: f.username ?? "",
              password: f.password ?? "",
              ip,
              userAgent: request.headers.get("user-agent"),
            });
            o.log.info("setup.done", { user: r.user.username });
            return redirect("/admin/", { "set-cookie": cookie(request, r.token, r.session.expiresAt) });
          } catch (e) {
            if (e instanceof DashDevicesError)
              return page(
                "Setup",
                `<h1>Setup</h1><p class="dd-auth-error" role="alert">${escapeHtml(e.detail.what)} ${escapeHtml(e.detail.fix ?? "")}</p><p><a href="/setup?token=${encodeURIComponent(f.token ?? "")}">Try again</a></p>`,
                400,
              );
            throw e;
          }
        },
        { parse: "none" },
      );
  };
}
