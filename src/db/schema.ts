/**
 * @module db/schema
 * The single source of truth for what dash-devices keeps on disk: users, browser sessions, the audit
 * log, first-run setup tokens, failed logins (for rate limiting) and server secrets. drizzle-kit
 * generates `db/migrations/` from this file (`bun run scripts/db-generate.ts`); each table's row
 * types are inferred right beside it. Times are integer milliseconds since the epoch (Date in code).
 * No column ever holds a token or a password: only their hashes.
 */

import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { ROLES, type Role } from "../core/roles.ts";

// The one list of roles is core/roles.ts; the CHECK below repeats it in SQL (a migration is
// needed to change it) and test/db/schema-roles.test.ts checks that the two agree.
export { ROLES, type Role };

const ms = (name: string) => integer(name, { mode: "timestamp_ms" });

export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** As typed at creation; unique case-insensitively (index on lower(username)). */
    username: text("username").notNull(),
    /** Bun.password (argon2id) PHC string. */
    passwordHash: text("password_hash").notNull(),
    role: text("role", { enum: ROLES }).notNull().default("viewer"),
    createdAt: ms("created_at").notNull(),
    updatedAt: ms("updated_at").notNull(),
    disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    uniqueIndex("users_username_lower_idx").on(sql`lower(${t.username})`),
    index("users_role_idx").on(t.role),
    check("users_role_check", sql`${t.role} in ('admin', 'operator', 'viewer')`),
  ],
);
export type User = typeof users.$inferSelect;
/** A user as every function outside auth/users.ts sees it: never its password hash. */
export type PublicUser = Omit<User, "passwordHash">;
export type NewUser = typeof users.$inferInsert;

export const sessions = sqliteTable(
  "sessions",
  {
    /** Public handle (shown in /admin, put in the audit log); not a credential. */
    id: text("id").primaryKey(),
    /** SHA-256 (hex) of the cookie token; the token itself is never stored. */
    tokenHash: text("token_hash").notNull(),
    /** Null for an anonymous browser session. Deleting the user deletes their sessions. */
    userId: integer("user_id").references(() => users.id, { onDelete: "cascade" }),
    createdAt: ms("created_at").notNull(),
    expiresAt: ms("expires_at").notNull(),
    lastSeenAt: ms("last_seen_at").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    revokedAt: ms("revoked_at"),
  },
  (t) => [
    uniqueIndex("sessions_token_hash_idx").on(t.tokenHash),
    index("sessions_user_idx").on(t.userId),
    index("sessions_expires_idx").on(t.expiresAt),
  ],
);
export type Session = typeof sessions.$inferSelect;
export type NewSession = typeof sessions.$inferInsert;

/** Free-form, JSON-serializable detail of an audit entry. */
export type AuditDetail = Record<string, unknown>;

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    time: ms("time").notNull(),
    /** No foreign key on purpose: the log outlives the users it mentions, unchanged. */
    actorUserId: integer("actor_user_id"),
    actorUsername: text("actor_username"),
    sessionId: text("session_id"),
    clientId: text("client_id"),
    ip: text("ip"),
    /** Dotted verb: "login.ok", "login.failed", "client.connect", "value.change", "admin.role", ... */
    action: text("action").notNull(),
    target: text("target"),
    detail: text("detail", { mode: "json" }).$type<AuditDetail>(),
  },
  (t) => [
    // Newest-first paging: SQLite appends the rowid (= id) to every index, so (time) serves
    // ORDER BY time DESC, id DESC; the others serve the admin page's filters.
    index("audit_time_idx").on(t.time),
    index("audit_action_time_idx").on(t.action, t.time),
    index("audit_actor_id_time_idx").on(t.actorUserId, t.time),
    index("audit_actor_name_time_idx").on(sql`lower(${t.actorUsername})`, t.time),
  ],
);
export type AuditRow = typeof auditLog.$inferSelect;
export type NewAuditRow = typeof auditLog.$inferInsert;

export const setupTokens = sqliteTable(
  "setup_tokens",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    tokenHash: text("token_hash").notNull(),
    createdAt: ms("created_at").notNull(),
    expiresAt: ms("expires_at").notNull(),
    /** Set when the token created the first admin, or when a newer token replaced it. */
    usedAt: ms("used_at"),
  },
  (t) => [uniqueIndex("setup_tokens_hash_idx").on(t.tokenHash)],
);
export type SetupToken = typeof setupTokens.$inferSelect;

/** One row per failed login: the sliding windows of the rate limiter count these. */
export const loginFailures = sqliteTable(
  "login_failures",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    time: ms("time").notNull(),
    ip: text("ip").notNull(),
    /**
     * lower(username) as typed, whether or not such a user exists; set to null when that user then
     * logs in (the failure stops counting against the username, still counts against the IP).
     */
    usernameKey: text("username_key"),
  },
  (t) => [
    index("login_failures_ip_time_idx").on(t.ip, t.time),
    index("login_failures_user_time_idx").on(t.usernameKey, t.time),
    index("login_failures_time_idx").on(t.time),
  ],
);
export type LoginFailure = typeof loginFailures.$inferSelect;

/** Server secrets generated once (e.g. the CSRF HMAC key). Same trust boundary as the file. */
export const secrets = sqliteTable("secrets", {
  name: text("name").primaryKey(),
  /** base64url */
  value: text("value").notNull(),
  createdAt: ms("created_at").notNull(),
});
export type Secret = typeof secrets.$inferSelect;
