import { beforeEach, expect, test } from "bun:test";
import { login, logout } from "../../src/auth/login.ts";
import { createSession, lookupSession } from "../../src/auth/sessions.ts";
import { createUser, setDisabled } from "../../src/auth/users.ts";
import { queryAudit } from "../../src/db/audit.ts";
import { useTempDb } from "../db/temp-db.ts";
import { rejected } from "../helpers/errors.ts";

const t = useTempDb();
beforeEach(async () => {
  await createUser(t.db, { username: "Ana", password: "correct horse", role: "operator" });
});

const dump = () =>
  ["users", "sessions", "audit_log", "setup_tokens", "login_failures", "secrets"]
    .map((tb) => JSON.stringify(t.sqlite.query(`SELECT * FROM ${tb}`).all()))
    .join("\n");

test("the right password gives a fresh session of that user, audited as login.ok", async () => {
  const r = await login(t.db, { username: "ana", password: "correct horse", ip: "192.168.1.9", userAgent: "Firefox" });
  expect(r.user).toMatchObject({ username: "Ana", role: "operator" });
  expect(r.session).toMatchObject({ userId: r.user.id, ip: "192.168.1.9", userAgent: "Firefox" });
  expect(lookupSession(t.db, r.token)?.user?.username).toBe("Ana");
  expect(queryAudit(t.db, { action: "login.ok" }).rows).toMatchObject([
    { actorUserId: r.user.id, actorUsername: "Ana", sessionId: r.session.id, ip: "192.168.1.9" },
  ]);
});

test("a wrong password and an unknown user are refused with the very same message", async () => {
  const wrong = await rejected(login(t.db, { username: "ana", password: "wrong horse", ip: "1.1.1.1" }));
  const unknown = await rejected(login(t.db, { username: "nobody", password: "correct horse", ip: "1.1.1.1" }));
  const malformed = await rejected(login(t.db, { username: "bad name!", password: "x", ip: "1.1.1.1" }));
  expect(wrong.code).toBe("DD_LOGIN_FAILED");
  expect(unknown.code).toBe("DD_LOGIN_FAILED");
  expect(unknown.message).toBe(wrong.message);
  expect(malformed.message).toBe(wrong.message);
  expect(wrong.message).not.toContain("wrong horse");
});

test("failed logins are audited; a name that is no user is not stored (it may be a mistyped password)", async () => {
  await rejected(login(t.db, { username: "ANA", password: "wrong horse", ip: "1.1.1.1" }));
  await rejected(login(t.db, { username: "MySecretPassw0rd", password: "x", ip: "1.1.1.2" }));
  const rows = queryAudit(t.db, { action: "login.failed" }).rows;
  expect(rows).toMatchObject([
    { ip: "1.1.1.2", actorUsername: null, target: null, detail: { knownUser: false } },
    { ip: "1.1.1.1", actorUsername: "Ana", target: "Ana", detail: { knownUser: true } },
  ]);
  expect(JSON.stringify(t.sqlite.query("SELECT * FROM audit_log").all())).not.toContain("MySecretPassw0rd");
});

test("login replaces the browser's anonymous session (no session fixation)", async () => {
  const anon = createSession(t.db, { ip: "1.1.1.1" });
  const r = await login(t.db, { username: "ana", password: "correct horse", ip: "1.1.1.1", replaceToken: anon.token });
  expect(r.replacedSessionId).toBe(anon.session.id);
  expect(r.token).not.toBe(anon.token);
  expect(r.session.id).not.toBe(anon.session.id);
  expect(lookupSession(t.db, anon.token)).toBeNull();
});

test("a disabled account is refused even with the right password", async () => {
  await createUser(t.db, { username: "boss", password: "password-0", role: "admin" });
  setDisabled(t.db, 1, true);
  const e = await rejected(login(t.db, { username: "ana", password: "correct horse", ip: "1.1.1.1" }));
  expect(e.code).toBe("DD_LOGIN_FAILED");
  expect(e.message).toContain("disabled");
  expect(queryAudit(t.db, { action: "login.disabled" }).total).toBe(1);
});

test("logout ends the session at once and only once", async () => {
  const r = await login(t.db, { username: "ana", password: "correct horse", ip: "1.1.1.1" });
  expect(logout(t.db, r.token, { ip: "1.1.1.1" })).toBe(r.session.id);
  expect(lookupSession(t.db, r.token)).toBeNull();
  expect(logout(t.db, r.token)).toBeNull();
  expect(logout(t.db, "garbage")).toBeNull();
  expect(queryAudit(t.db, { action: "logout" }).rows).toMatchObject([{ target: r.session.id, actorUsername: "Ana" }]);
});

test("no password and no token is stored in the database or put in an audit row", async () => {
  const anon = createSession(t.db);
  const r = await login(t.db, { username: "ana", password: "correct horse", ip: "1.1.1.1", replaceToken: anon.token });
  await rejected(login(t.db, { username: "ana", password: "wrong horse battery", ip: "1.1.1.1" }));
  logout(t.db, r.token);
  const text = dump();
  for (const secret of ["correct horse", "wrong horse battery", r.token, anon.token]) expect(text).not.toContain(secret);
});
