/**
 * @module auth/tab-login
 * One tab logged in with a real account from inside the app (App.loginTab, the original's
 * example3 login form): rate-limited and audited like /login, its session revoked when the tab
 * logs out or leaves. The login and session modules load on first use (no cost at start-up).
 */

import type { Client } from "../core/client.ts";
import { DashDevicesError } from "../core/errors.ts";
import type { Db } from "../db/open.ts";

/** Tabs logged in by loginTab: their session ends with the tab. */
const tabSessions = new WeakSet<Client>();

/** Logs `client` in as `username` (throws DD_LOGIN_FAILED or DD_RATE_LIMITED); sets its user and role. */
export async function loginTab(
  db: Db | undefined,
  client: Client,
  username: string,
  password: string,
): Promise<{ username: string; role: string }> {
  if (!db)
    throw new DashDevicesError("DD_BAD_OPTION", {
      what: "loginTab needs the app's database.",
      expected: "an app run with its database (the default)",
      found: "database: false, or run() not called yet",
      fix: "remove database: false",
    });
  const { login } = await import("./login.ts");
  const r = await login(db, { username, password, ip: client.ip, userAgent: client.userAgent });
  client.sessionId = r.session.id;
  client.user = { id: r.user.id, username: r.user.username, role: r.user.role };
  client.username = r.user.username;
  client.authentication = r.user.role;
  tabSessions.add(client);
  return { username: r.user.username, role: r.user.role };
}

/** Logs a tab out of the account loginTab logged it into (its session is revoked). */
export async function logoutTab(db: Db | undefined, client: Client): Promise<void> {
  if (db && client.sessionId && tabSessions.has(client)) {
    const { revokeSession } = await import("./sessions.ts");
    revokeSession(db, client.sessionId, {
      action: "logout",
      actor: { userId: client.user?.id, username: client.user?.username, clientId: client.id, ip: client.ip },
    });
  }
  tabSessions.delete(client);
  client.sessionId = undefined;
  client.user = undefined;
  client.username = undefined;
  client.authentication = undefined;
}

/** A tab that leaves while logged in by loginTab is logged out. */
export function loggedInByTab(client: Client): boolean {
  return tabSessions.has(client);
}
