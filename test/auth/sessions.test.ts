import { expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { POLICY } from "../../src/auth/policy.ts";
import {
  createSession,
  getSession,
  listSessions,
  lookupSession,
  pruneSessions,
  revokeSession,
  revokeUserSessions,
} from "../../src/auth/sessions.ts";
import { isTokenShaped } from "../../src/auth/tokens.ts";
import { createUser } from "../../src/auth/users.ts";
import { queryAudit } from "../../src/db/audit.ts";
import { openDatabase } from "../../src/db/open.ts";
import { useTempDb } from "../db/temp-db.ts";

const t = useTempDb();

const T0 = new Date(Date.UTC(2030, 0, 1));
const later = (ms: number) => new Date(T0.getTime() + ms);
const dbText = () =>
  ["users", "sessions", "audit_log", "setup_tokens", "login_failures"]
    .map((tb) => JSON.stringify(t.sqlite.query(`SELECT * FROM ${tb}`).all()))
    .join("\n");

test("a session's token is 32 random bytes in base64url and only its SHA-256 is stored", () => {
  const { token, session } = createSession(t.db, { ip: "192.168.1.5", userAgent: "Firefox", now: T0 });
  expect(isTokenShaped(token)).toBe(true);
  expect(Buffer.from(token, "base64url").length).toBe(32);
  expect(createSession(t.db).token).not.toBe(token);
  const row = t.sqlite.query("SELECT token_hash FROM sessions WHERE id = ?").get(session.id) as { token_hash: string };
  expect(row.token_hash).toBe(createHash("sha256").update(token).digest("hex"));
  expect(dbText()).not.toContain(token);
  expect(session).toMatchObject({ userId: null, user: null, ip: "192.168.1.5", userAgent: "Firefox", revokedAt: null });
  expect(session.id).not.toContain(token.slice(0, 8));
});

test("lookup finds a live session and refuses unknown, malformed and missing tokens", () => {
  const { token, session } = createSession(t.db, { now: T0 });
  expect(lookupSession(t.db, token, { now: later(1) })?.id).toBe(session.id);
  const other = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
  for (const bad of [other, "", "x", token + "x", undefined, null, "'; DROP TABLE sessions; --"])
    expect(lookupSession(t.db, bad as string)).toBeNull();
});

test("default lifetimes: 30 days anonymous, 7 days logged in; expired sessions are refused", async () => {
  const u = await createUser(t.db, { username: "ana", password: "password-1" });
  const anon = createSession(t.db, { now: T0 });
  const user = createSession(t.db, { userId: u.id, now: T0 });
  expect(anon.session.expiresAt.getTime() - T0.getTime()).toBe(POLICY.anonymousSessionTtlMs);
  expect(user.session.expiresAt.getTime() - T0.getTime()).toBe(POLICY.loginSessionTtlMs);
  expect(lookupSession(t.db, user.token, { now: later(POLICY.loginSessionTtlMs - 1) })).not.toBeNull();
  expect(lookupSession(t.db, user.token, { now: later(POLICY.loginSessionTtlMs) })).toBeNull();
  const short = createSession(t.db, { ttlMs: 1000, now: T0 });
  expect(lookupSession(t.db, short.token, { now: later(999) })).not.toBeNull();
  expect(lookupSession(t.db, short.token, { now: later(1000) })).toBeNull();
});

test("last seen is written at most once per touch interval", () => {
  const { token, session } = createSession(t.db, { now: T0 });
  const stored = () =>
    (t.sqlite.query("SELECT last_seen_at FROM sessions WHERE id = ?").get(session.id) as { last_seen_at: number }).last_seen_at;
  expect(lookupSession(t.db, token, { now: later(POLICY.touchIntervalMs - 1) })?.lastSeenAt).toEqual(T0);
  expect(stored()).toBe(T0.getTime());
  expect(lookupSession(t.db, token, { now: later(POLICY.touchIntervalMs) })?.lastSeenAt).toEqual(later(POLICY.touchIntervalMs));
  expect(stored()).toBe(later(POLICY.touchIntervalMs).getTime());
  expect(lookupSession(t.db, token, { now: later(POLICY.touchIntervalMs + 5), touchIntervalMs: 1 })?.lastSeenAt).toEqual(
    later(POLICY.touchIntervalMs + 5),
  );
});

test("revokeSession ends a session once, audited; revokeUserSessions ends only that user's", async () => {
  const a = await createUser(t.db, { username: "ana", password: "password-1" });
  const b = await createUser(t.db, { username: "bob", password: "password-2" });
  const s = createSession(t.db);
  expect(revokeSession(t.db, s.session.id, { actor: { username: "boss" } })).toBe(true);
  expect(revokeSession(t.db, s.session.id)).toBe(false);
  expect(revokeSession(t.db, "no-such-id")).toBe(false);
  expect(lookupSession(t.db, s.token)).toBeNull();
  expect(getSession(t.db, s.session.id)?.revokedAt).toBeInstanceOf(Date);
  expect(queryAudit(t.db, { action: "session.revoke" }).rows).toMatchObject([{ target: s.session.id, actorUsername: "boss" }]);

  const a1 = createSession(t.db, { userId: a.id });
  const a2 = createSession(t.db, { userId: a.id });
  const b1 = createSession(t.db, { userId: b.id });
  expect(revokeUserSessions(t.db, a.id).sort()).toEqual([a1.session.id, a2.session.id].sort());
  expect(lookupSession(t.db, a1.token)).toBeNull();
  expect(lookupSession(t.db, a2.token)).toBeNull();
  expect(lookupSession(t.db, b1.token)?.user?.username).toBe("bob");
  expect(revokeUserSessions(t.db, a.id)).toEqual([]);
});

test("listSessions shows live sessions with their user; pruneSessions removes long-dead rows", async () => {
  const a = await createUser(t.db, { username: "ana", password: "password-1" });
  const live = createSession(t.db, { userId: a.id, now: T0 });
  const anon = createSession(t.db, { now: T0 });
  const dead = createSession(t.db, { ttlMs: 10, now: T0 });
  revokeSession(t.db, anon.session.id, { now: T0 });
  const listed = listSessions(t.db, { now: later(1000) });
  expect(listed.map((s) => s.id)).toEqual([live.session.id]);
  expect(listed[0]?.user?.username).toBe("ana");
  expect(listSessions(t.db, { userId: a.id, now: later(1000) }).length).toBe(1);
  expect(pruneSessions(t.db, { now: later(1000), graceMs: 0 })).toBe(2);
  expect(getSession(t.db, dead.session.id)).toBeNull();
  expect(getSession(t.db, live.session.id)).not.toBeNull();
});

test("sessions survive closing and reopening the database", () => {
  const { token, session } = createSession(t.db, { ip: "10.1.1.1" });
  t.close();
  const again = openDatabase({ path: t.path });
  try {
    expect(lookupSession(again.db, token)?.id).toBe(session.id);
  } finally {
    again.close();
  }
});
