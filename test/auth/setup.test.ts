import { expect, test } from "bun:test";
import type { DashDevicesError } from "../../src/core/errors.ts";
import { login } from "../../src/auth/login.ts";
import { createSession, lookupSession } from "../../src/auth/sessions.ts";
import { checkSetupToken, completeSetup, createAdmin, ensureSetup, hasAdmin, resetAdmin } from "../../src/auth/setup.ts";
import { createUser, listUsers, setDisabled, verifyPassword } from "../../src/auth/users.ts";
import { queryAudit } from "../../src/db/audit.ts";
import { useTempDb } from "../db/temp-db.ts";
import { rejected } from "../helpers/errors.ts";

const t = useTempDb();

const codeOf = async (p: Promise<unknown>) => (await rejected(p)).code;
const T0 = new Date(Date.UTC(2030, 0, 1));
const dump = () =>
  ["setup_tokens", "audit_log", "users"].map((tb) => JSON.stringify(t.sqlite.query(`SELECT * FROM ${tb}`).all())).join("\n");

test("first run: a one-time token creates the admin, then setup is over", async () => {
  const s = ensureSetup(t.db);
  if (!s.needed) throw new Error("setup should be needed on an empty database");
  expect(checkSetupToken(t.db, s.token)).toBe(true);
  expect(dump()).not.toContain(s.token);
  const admin = await completeSetup(t.db, { token: s.token, username: "Owner", password: "correct horse", ip: "192.168.1.2" });
  expect(admin).toMatchObject({ username: "Owner", role: "admin" });
  expect(hasAdmin(t.db)).toBe(true);
  expect(ensureSetup(t.db)).toEqual({ needed: false });
  expect(checkSetupToken(t.db, s.token)).toBe(false);
  expect(await codeOf(completeSetup(t.db, { token: s.token, username: "Mallory", password: "password-9" }))).toBe("DD_SETUP_TOKEN");
  expect((await login(t.db, { username: "owner", password: "correct horse", ip: "1.1.1.1" })).user.role).toBe("admin");
  expect(queryAudit(t.db, { action: "setup.complete" }).rows).toMatchObject([{ actorUsername: "Owner", ip: "192.168.1.2" }]);
});

test("each start issues a new token and retires the older one", async () => {
  const a = ensureSetup(t.db);
  const b = ensureSetup(t.db);
  if (!a.needed || !b.needed) throw new Error("setup should be needed");
  expect(a.token).not.toBe(b.token);
  expect(await codeOf(completeSetup(t.db, { token: a.token, username: "owner", password: "password-1" }))).toBe("DD_SETUP_TOKEN");
  expect((await completeSetup(t.db, { token: b.token, username: "owner", password: "password-1" })).role).toBe("admin");
});

test("an expired, unknown or malformed token is refused", async () => {
  const s = ensureSetup(t.db, { now: T0, ttlMs: 60_000 });
  if (!s.needed) throw new Error("setup should be needed");
  expect(
    await codeOf(completeSetup(t.db, { token: s.token, username: "owner", password: "password-1", now: new Date(T0.getTime() + 60_000) })),
  ).toBe("DD_SETUP_TOKEN");
  for (const token of ["", "nope", "A".repeat(43)])
    expect(await codeOf(completeSetup(t.db, { token, username: "owner", password: "password-1" }))).toBe("DD_SETUP_TOKEN");
  expect(listUsers(t.db)).toEqual([]);
});

test("a bad username or password leaves the token usable", async () => {
  const s = ensureSetup(t.db);
  if (!s.needed) throw new Error("setup should be needed");
  expect(await codeOf(completeSetup(t.db, { token: s.token, username: "no spaces", password: "password-1" }))).toBe("DD_BAD_USERNAME");
  expect(await codeOf(completeSetup(t.db, { token: s.token, username: "owner", password: "short" }))).toBe("DD_BAD_PASSWORD");
  expect((await completeSetup(t.db, { token: s.token, username: "owner", password: "password-1" })).role).toBe("admin");
});

test("two submissions of one token at once make exactly one admin", async () => {
  const s = ensureSetup(t.db);
  if (!s.needed) throw new Error("setup should be needed");
  const results = await Promise.allSettled([
    completeSetup(t.db, { token: s.token, username: "first", password: "password-1" }),
    completeSetup(t.db, { token: s.token, username: "second", password: "password-2" }),
  ]);
  expect(results.filter((r) => r.status === "fulfilled").length).toBe(1);
  const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
  expect((refused.reason as DashDevicesError).code).toBe("DD_SETUP_TOKEN");
  expect(listUsers(t.db).length).toBe(1);
});

test("a setup token cannot be used once an admin was created another way", async () => {
  const s = ensureSetup(t.db);
  if (!s.needed) throw new Error("setup should be needed");
  await createAdmin(t.db, { username: "cli-admin", password: "password-1" });
  expect(await codeOf(completeSetup(t.db, { token: s.token, username: "owner", password: "password-2" }))).toBe("DD_SETUP_TOKEN");
});

test("users without any admin still need setup", async () => {
  await createUser(t.db, { username: "viewer1", password: "password-1" });
  expect(ensureSetup(t.db).needed).toBe(true);
});

test("createAdmin refuses a taken name; resetAdmin makes an existing user an enabled admin and ends their sessions", async () => {
  await createAdmin(t.db, { username: "boss", password: "password-0" });
  expect(await codeOf(createAdmin(t.db, { username: "BOSS", password: "password-1" }))).toBe("DD_USER_EXISTS");
  const ana = await createUser(t.db, { username: "ana", password: "password-1", role: "viewer" });
  setDisabled(t.db, ana.id, true);
  const s = createSession(t.db, { userId: ana.id });
  const r = await resetAdmin(t.db, { username: "ANA", password: "new password" });
  expect(r.created).toBe(false);
  expect(r.user).toMatchObject({ id: ana.id, role: "admin", disabled: false });
  expect(lookupSession(t.db, s.token)).toBeNull();
  expect((await verifyPassword(t.db, "ana", "new password"))?.role).toBe("admin");
  expect((await resetAdmin(t.db, { username: "newbie", password: "password-3" })).created).toBe(true);
  expect(queryAudit(t.db, { action: "admin.reset" }).rows).toMatchObject([{ actorUsername: "cli", target: "ana" }]);
});
