/**
 * @module auth/setup
 * First run without a default password: while no enabled admin exists, each start makes a one-time
 * setup token (only its hash is stored; older unused ones stop working) that the caller prints as a
 * link on the device's console; whoever opens it chooses the first admin's name and password.
 * `createAdmin` / `resetAdmin` do the same from a shell (scripts/create-admin.ts, the binary's flag),
 * for the owner who has the console but lost the password.
 */

import { and, eq, gt, isNull } from "drizzle-orm";
import { DashDevicesError } from "../core/errors.ts";
import { audit, type AuditActor } from "../db/audit.ts";
import type { Db } from "../db/open.ts";
import { setupTokens, users } from "../db/schema.ts";
import { hashPassword } from "./password.ts";
import { POLICY } from "./policy.ts";
import { clearUsernameFailures } from "./rate-limit.ts";
import { revokeUserSessionsIn } from "./sessions.ts";
import { hashToken, isTokenShaped, newToken, safeEqual } from "./tokens.ts";
import { countAdmins, findUserByUsername, insertUserIn, validateUsername, type PublicUser } from "./users.ts";

/** Where the setup page lives; the caller prints `${baseUrl}${SETUP_PATH}?token=...`. */
export const SETUP_PATH = "/setup";

export type SetupState = { needed: false } | { needed: true; token: string; expiresAt: Date };

export function hasAdmin(db: Db): boolean {
  return countAdmins(db) > 0;
}

/**
 * When no enabled admin exists, issues a fresh setup token (shown once: print it, never log it
 * elsewhere) and retires unused older ones; otherwise `{ needed: false }`.
 * @example
 * const setup = ensureSetup(db);
 * if (setup.needed) console.log(`Open ${url}${SETUP_PATH}?token=${setup.token} to create the admin`);
 */
export function ensureSetup(db: Db, opts: { ttlMs?: number; now?: Date } = {}): SetupState {
  // The usual start (an admin exists) only reads: no write transaction, no lock on the file.
  if (hasAdmin(db)) return { needed: false };
  const now = opts.now ?? new Date();
  return db.transaction(
    (tx) => {
      if (hasAdmin(tx)) return { needed: false } as const;
      tx.update(setupTokens).set({ usedAt: now }).where(isNull(setupTokens.usedAt)).run();
      const token = newToken();
      const expiresAt = new Date(now.getTime() + (opts.ttlMs ?? POLICY.setupTokenTtlMs));
      tx.insert(setupTokens)
        .values({ tokenHash: hashToken(token), createdAt: now, expiresAt })
        .run();
      audit(tx, { action: "setup.token", detail: { expiresAt: expiresAt.toISOString() }, time: now });
      return { needed: true, token, expiresAt } as const;
    },
    { behavior: "immediate" },
  );
}

function badSetupToken(found: string): DashDevicesError {
  return new DashDevicesError("DD_SETUP_TOKEN", {
    what: "this setup link does not work.",
    expected: "the link printed by the most recent start of the server, unused and less than a day old",
    found,
    fix: "restart the server and use the new link it prints, or create an admin with scripts/create-admin.ts",
  });
}

/** Whether a setup token is live (for showing the setup form before asking for a password). */
export function checkSetupToken(db: Db, token: string, now = new Date()): boolean {
  if (!isTokenShaped(token)) return false;
  const hash = hashToken(token);
  const row = db
    .select({ tokenHash: setupTokens.tokenHash })
    .from(setupTokens)
    .where(and(eq(setupTokens.tokenHash, hash), isNull(setupTokens.usedAt), gt(setupTokens.expiresAt, now)))
    .get();
  return !!row && safeEqual(row.tokenHash, hash);
}

/**
 * Creates the first admin with a setup token, which is then spent. Throws DD_SETUP_TOKEN for an
 * unknown, used or expired token or when an admin exists already, and DD_BAD_USERNAME/DD_BAD_PASSWORD.
 */
export async function completeSetup(
  db: Db,
  input: { token: string; username: string; password: string; ip?: string; now?: Date },
): Promise<PublicUser> {
  const username = validateUsername(input.username);
  if (!checkSetupToken(db, input.token, input.now)) throw badSetupToken("an unknown, used or expired token");
  const hash = await hashPassword(input.password); // slow: outside the write transaction
  const now = input.now ?? new Date();
  return db.transaction(
    (tx) => {
      // Checked again inside the transaction: two tabs submitting the form at once make one admin.
      if (!checkSetupToken(tx, input.token, now)) throw badSetupToken("a token used a moment ago");
      if (hasAdmin(tx)) throw badSetupToken("an admin exists already");
      const actor: AuditActor = { ip: input.ip ?? null };
      const user = insertUserIn(tx, username, hash, "admin", { actor, now });
      tx.update(setupTokens)
        .set({ usedAt: now })
        .where(eq(setupTokens.tokenHash, hashToken(input.token)))
        .run();
      audit(tx, {
        action: "setup.complete",
        actor: { ...actor, userId: user.id, username: user.username },
        target: user.username,
        time: now,
      });
      return user;
    },
    { behavior: "immediate" },
  );
}

/** Creates an admin from the command line. Throws DD_USER_EXISTS when the name is taken. */
export async function createAdmin(db: Db, input: { username: string; password: string; actor?: AuditActor }): Promise<PublicUser> {
  const username = validateUsername(input.username);
  const hash = await hashPassword(input.password);
  return db.transaction((tx) => insertUserIn(tx, username, hash, "admin", { actor: input.actor ?? { username: "cli" } }), {
    behavior: "immediate",
  });
}

/**
 * Makes `username` an enabled admin with this password, creating it if needed, ends its sessions
 * and lifts its login lock-outs. The way back in for an owner who forgot the password.
 */
export async function resetAdmin(
  db: Db,
  input: { username: string; password: string; actor?: AuditActor },
): Promise<{ user: PublicUser; created: boolean; revokedSessionIds: string[] }> {
  const username = validateUsername(input.username);
  const hash = await hashPassword(input.password);
  const actor = input.actor ?? { username: "cli" };
  return db.transaction(
    (tx) => {
      const existing = findUserByUsername(tx, username);
      clearUsernameFailures(tx, username); // lifts the lock-out the owner came to the console for
      if (!existing) return { user: insertUserIn(tx, username, hash, "admin", { actor }), created: true, revokedSessionIds: [] };
      const now = new Date();
      tx.update(users).set({ passwordHash: hash, role: "admin", disabled: false, updatedAt: now }).where(eq(users.id, existing.id)).run();
      const revokedSessionIds = revokeUserSessionsIn(tx, existing.id, now);
      audit(tx, {
        action: "admin.reset",
        actor,
        target: existing.username,
        detail: { userId: existing.id, from: existing.role },
        time: now,
      });
      return { user: { ...existing, role: "admin" as const, disabled: false, updatedAt: now }, created: false, revokedSessionIds };
    },
    { behavior: "immediate" },
  );
}
