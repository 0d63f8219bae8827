/**
 * @module admin/guard
 * Defense in depth for the console: /admin is already admins-only at the door (access.adminGate),
 * and every console callback asks again here before it reads or changes anything. The tab must
 * carry an admin user, and the database must agree right now: its session live, its user enabled
 * and still an admin (a role change or revocation counts at once, not at the next page load).
 * The answer is the acting admin, in the shape the audit log wants.
 */

import type { Client } from "../core/client.ts";
import { DashDevicesError } from "../core/errors.ts";
import type { AuditActor } from "../db/audit.ts";
import { audit } from "../db/audit.ts";
import type { Db } from "../db/open.ts";
import { getSession } from "../auth/sessions.ts";

/** The audit actor of a tab: who, from which session, tab and address. */
export function actorOf(c: Client): AuditActor {
  return { userId: c.user?.id ?? null, username: c.user?.username ?? null, sessionId: c.sessionId ?? null, clientId: c.id, ip: c.ip };
}

function stillAdmin(db: Db, c: Client): boolean {
  if (c.user?.role !== "admin" || !c.sessionId) return false;
  const s = getSession(db, c.sessionId);
  if (!s || s.revokedAt || s.expiresAt.getTime() <= Date.now()) return false;
  return !!s.user && s.user.id === c.user.id && !s.user.disabled && s.user.role === "admin";
}

/**
 * The acting admin of a console callback, or DD_NOT_AUTHORIZED (shown to the tab as a toast,
 * written to the audit log as "admin.refused", and the callback does nothing).
 */
export function requireAdmin(db: Db, client: Client | undefined, what: string): AuditActor {
  if (client && stillAdmin(db, client)) return actorOf(client);
  if (client) {
    try {
      audit(db, { action: "admin.refused", actor: actorOf(client), target: what, detail: { role: client.user?.role ?? null } });
    } catch {
      // the refusal stands even if the log cannot be written
    }
  }
  throw new DashDevicesError("DD_NOT_AUTHORIZED", {
    what: `the admin console refused "${what}": this tab is not an admin's (any more).`,
    expected: "a logged-in admin with a live session",
    found: client?.user ? `${client.user.username}, whose session or role no longer allows it` : "no admin login",
    fix: "log in again as an admin (/login?next=/admin/)",
  });
}
