/**
 * @module auth/users
 * User accounts: create, list, change role, disable, reset password, delete, and check a password.
 * Password hashes never leave this file (functions return `PublicUser`). Every change is written to
 * the audit log in the same transaction as the change itself. The last enabled admin cannot be
 * deleted, demoted or disabled, so a device can't lock its owner out by a slip in /admin.
 */

import { and, asc, eq, ne, sql } from "drizzle-orm";
import { DashDevicesError, describe } from "../core/errors.ts";
import { audit, type AuditActor } from "../db/audit.ts";
import type { Db } from "../db/open.ts";
import { users, type PublicUser, type Role } from "../db/schema.ts";
import { hashPassword, verifyOrBurn } from "./password.ts";
import { POLICY } from "./policy.ts";
import { isRole, ROLES } from "./roles.ts";
import { clearUsernameFailures } from "./rate-limit.ts";
import { revokeUserSessionsIn } from "./sessions.ts";

export type { PublicUser };

export interface ChangeOptions {
  /** Who is making the change (for the audit log); omitted for the CLI or the server itself. */
  actor?: AuditActor;
  now?: Date;
}

const publicColumns = {
  id: users.id,
  username: users.username,
  role: users.role,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
  disabled: users.disabled,
};

/** Throws DD_BAD_USERNAME unless the name is 1-32 of A-Z a-z 0-9 . _ - (not starting with . _ -). */
export function validateUsername(username: unknown): string {
  const { min, max, pattern } = POLICY.username;
  if (typeof username !== "string" || username.length < min || username.length > max || !pattern.test(username)) {
    throw new DashDevicesError("DD_BAD_USERNAME", {
      what: "the username is not acceptable.",
      expected: `${min} to ${max} characters among A-Z a-z 0-9 . _ -, starting with a letter or digit`,
      found: describe(username, 40),
      fix: 'choose a name like "ana" or "lab-pi.2" (letters are compared case-insensitively)',
    });
  }
  return username;
}

function checkRole(role: unknown): Role {
  if (!isRole(role)) {
    throw new DashDevicesError("DD_BAD_OPTION", {
      what: "unknown role.",
      expected: ROLES.map((r) => JSON.stringify(r)).join(", "),
      found: describe(role, 40),
      fix: "use one of the three roles",
    });
  }
  return role;
}

function unknownUser(ref: number | string): DashDevicesError {
  return new DashDevicesError("DD_UNKNOWN_USER", {
    what: "no such user.",
    expected: "an existing user",
    found: typeof ref === "number" ? `user id ${ref}` : describe(ref, 40),
    fix: "list the users (listUsers) and pick one of them",
  });
}

export function getUser(db: Db, id: number): PublicUser | null {
  return db.select(publicColumns).from(users).where(eq(users.id, id)).get() ?? null;
}

export function findUserByUsername(db: Db, username: string): PublicUser | null {
  return db.select(publicColumns).from(users).where(sql`lower(${users.username}) = lower(${username})`).get() ?? null;
}

/** All users, by name. */
export function listUsers(db: Db): PublicUser[] {
  return db
    .select(publicColumns)
    .from(users)
    .orderBy(asc(sql`lower(${users.username})`))
    .all();
}

/** Enabled admins, optionally not counting one user. */
export function countAdmins(db: Db, exceptUserId?: number): number {
  const where = and(
    eq(users.role, "admin"),
    eq(users.disabled, false),
    exceptUserId === undefined ? undefined : ne(users.id, exceptUserId),
  );
  return db.select({ n: sql<number>`count(*)` }).from(users).where(where).get()?.n ?? 0;
}

function requireUser(db: Db, id: number): PublicUser {
  const user = getUser(db, id);
  if (!user) throw unknownUser(id);
  return user;
}

function guardLastAdmin(db: Db, user: PublicUser, change: string): void {
  if (user.role === "admin" && !user.disabled && countAdmins(db, user.id) === 0) {
    throw new DashDevicesError("DD_LAST_ADMIN", {
      what: `refusing to ${change} ${user.username}: it is the last enabled admin.`,
      expected: "at least one enabled admin left afterwards",
      found: `${user.username} is the only one`,
      fix: "make another user admin first (or reset the admin with scripts/create-admin.ts)",
    });
  }
}

/** Inserts a user inside an existing transaction (hash already computed). */
export function insertUserIn(tx: Db, username: string, passwordHash: string, role: Role, opts: ChangeOptions = {}): PublicUser {
  if (findUserByUsername(tx, username)) {
    throw new DashDevicesError("DD_USER_EXISTS", {
      what: `a user named ${JSON.stringify(username)} already exists.`,
      expected: "a username not taken (compared case-insensitively)",
      found: "an existing user with that name",
      fix: "choose another name, or reset that user's password instead",
    });
  }
  const now = opts.now ?? new Date();
  const user = tx
    .insert(users)
    .values({ username, passwordHash, role, createdAt: now, updatedAt: now, disabled: false })
    .returning(publicColumns)
    .get()!;
  audit(tx, { action: "user.create", actor: opts.actor, target: user.username, detail: { userId: user.id, role }, time: now });
  return user;
}

/**
 * Creates a user (role default "viewer").
 * @example
 * const ana = await createUser(db, { username: "ana", password: "correct horse", role: "operator" });
 */
export async function createUser(
  db: Db,
  input: { username: string; password: string; role?: Role },
  opts: ChangeOptions = {},
): Promise<PublicUser> {
  const username = validateUsername(input.username);
  const role = checkRole(input.role ?? "viewer");
  const hash = await hashPassword(input.password);
  return db.transaction((tx) => insertUserIn(tx, username, hash, role, opts), { behavior: "immediate" });
}

/** Changes a user's role; sessions keep going and see the new role at their next lookup. */
export function setRole(db: Db, userId: number, role: Role, opts: ChangeOptions = {}): PublicUser {
  checkRole(role);
  return db.transaction(
    (tx) => {
      const user = requireUser(tx, userId);
      if (user.role === role) return user;
      if (role !== "admin") guardLastAdmin(tx, user, `make ${role}`);
      const now = opts.now ?? new Date();
      tx.update(users).set({ role, updatedAt: now }).where(eq(users.id, userId)).run();
      audit(tx, {
        action: "admin.role",
        actor: opts.actor,
        target: user.username,
        detail: { userId, from: user.role, to: role },
        time: now,
      });
      return { ...user, role, updatedAt: now };
    },
    { behavior: "immediate" },
  );
}

/** Disables (or enables) a user; disabling revokes their sessions. Returns the revoked session ids. */
export function setDisabled(
  db: Db,
  userId: number,
  disabled: boolean,
  opts: ChangeOptions = {},
): { user: PublicUser; revokedSessionIds: string[] } {
  return db.transaction(
    (tx) => {
      const user = requireUser(tx, userId);
      if (disabled) guardLastAdmin(tx, user, "disable");
      const now = opts.now ?? new Date();
      tx.update(users).set({ disabled, updatedAt: now }).where(eq(users.id, userId)).run();
      const revokedSessionIds = disabled ? revokeUserSessionsIn(tx, userId, now) : [];
      audit(tx, {
        action: disabled ? "admin.user.disable" : "admin.user.enable",
        actor: opts.actor,
        target: user.username,
        detail: { userId, revokedSessions: revokedSessionIds.length },
        time: now,
      });
      return { user: { ...user, disabled, updatedAt: now }, revokedSessionIds };
    },
    { behavior: "immediate" },
  );
}

/**
 * Sets a new password and revokes the user's sessions (all, or all but `keepSessionId` when users
 * change their own), and lifts the user's login lock-outs (their failed logins stop counting against
 * the username; they still count against the addresses they came from). Returns the revoked
 * session ids, so the server can end their clients.
 */
export async function resetPassword(
  db: Db,
  userId: number,
  password: string,
  opts: ChangeOptions & { keepSessionId?: string } = {},
): Promise<{ revokedSessionIds: string[] }> {
  const hash = await hashPassword(password);
  return db.transaction(
    (tx) => {
      const user = requireUser(tx, userId);
      const now = opts.now ?? new Date();
      tx.update(users).set({ passwordHash: hash, updatedAt: now }).where(eq(users.id, userId)).run();
      clearUsernameFailures(tx, user.username);
      const revokedSessionIds = revokeUserSessionsIn(tx, userId, now, opts.keepSessionId);
      audit(tx, {
        action: "admin.user.password",
        actor: opts.actor,
        target: user.username,
        detail: { userId, revokedSessions: revokedSessionIds.length },
        time: now,
      });
      return { revokedSessionIds };
    },
    { behavior: "immediate" },
  );
}

/** Deletes a user and their sessions (the audit log keeps their name). Returns the ended session ids. */
export function deleteUser(db: Db, userId: number, opts: ChangeOptions = {}): { revokedSessionIds: string[] } {
  return db.transaction(
    (tx) => {
      const user = requireUser(tx, userId);
      guardLastAdmin(tx, user, "delete");
      const now = opts.now ?? new Date();
      const revokedSessionIds = revokeUserSessionsIn(tx, userId, now);
      tx.delete(users).where(eq(users.id, userId)).run(); // sessions rows go by ON DELETE CASCADE
      audit(tx, { action: "admin.user.delete", actor: opts.actor, target: user.username, detail: { userId, role: user.role }, time: now });
      return { revokedSessionIds };
    },
    { behavior: "immediate" },
  );
}

/**
 * Checks a username and password. Returns the user, or null when the name is unknown, the password
 * wrong, or either is malformed; all of these take one argon2 verification, so timing tells nothing.
 * A disabled user with the right password is returned (with `disabled: true`): the caller refuses.
 */
export async function verifyPassword(db: Db, username: string, password: string): Promise<PublicUser | null> {
  const row =
    typeof username === "string" && username.length <= POLICY.username.max
      ? db.select().from(users).where(sql`lower(${users.username}) = lower(${username})`).get()
      : undefined;
  const ok = await verifyOrBurn(password, row?.passwordHash);
  if (!ok || !row) return null;
  const { passwordHash: _hash, ...user } = row;
  return user;
}
