import { beforeEach, expect, test } from "bun:test";
import { DashDevicesError } from "../../src/core/errors.ts";
import { login } from "../../src/auth/login.ts";
import { checkLoginAllowed, RateLimitedError, type RateLimits } from "../../src/auth/rate-limit.ts";
import { createUser } from "../../src/auth/users.ts";
import { queryAudit } from "../../src/db/audit.ts";
import { openDatabase } from "../../src/db/open.ts";
import { useTempDb } from "../db/temp-db.ts";

const t = useTempDb();
beforeEach(async () => {
  await createUser(t.db, { username: "ana", password: "correct horse" });
});

const T0 = Date.UTC(2030, 0, 1);
const at = (s: number) => new Date(T0 + s * 1000);
const byUser: RateLimits = {
  perIp: { max: 100, windowMs: 60_000 },
  perUserIp: { max: 100, windowMs: 60_000 },
  perUsername: { max: 3, windowMs: 60_000 },
};
const byIp: RateLimits = {
  perIp: { max: 3, windowMs: 60_000 },
  perUserIp: { max: 100, windowMs: 60_000 },
  perUsername: { max: 100, windowMs: 60_000 },
};
const failures = () => (t.sqlite.query("SELECT count(*) AS n FROM login_failures").get() as { n: number }).n;

async function attempt(username: string, password: string, ip: string, now: Date, limits: RateLimits, db = t.db): Promise<string> {
  try {
    await login(db, { username, password, ip, now, limits });
    return "ok";
  } catch (e) {
    if (e instanceof RateLimitedError) return `limited ${e.scope} ${e.retryAfterMs}`;
    if (e instanceof DashDevicesError) return e.code;
    throw e;
  }
}

test("per username: after max failures in the window even the right password waits, then the window slides", async () => {
  expect(await attempt("ana", "wrong-1", "1.1.1.1", at(0), byUser)).toBe("DD_LOGIN_FAILED");
  expect(await attempt("ANA", "wrong-2", "1.1.1.2", at(10), byUser)).toBe("DD_LOGIN_FAILED");
  expect(await attempt("ana", "wrong-3", "1.1.1.3", at(20), byUser)).toBe("DD_LOGIN_FAILED");
  // the oldest failure (t=0) leaves the 60 s window at t=60: 30 s to wait at t=30
  expect(await attempt("ana", "correct horse", "1.1.1.4", at(30), byUser)).toBe("limited username 30000");
  expect(await attempt("ana", "correct horse", "1.1.1.4", at(59.999), byUser)).toBe("limited username 1");
  expect(await attempt("ana", "correct horse", "1.1.1.4", at(60), byUser)).toBe("ok");
});

test("the refusal is a DD_RATE_LIMITED error that gives the wait, and refused attempts are not counted", async () => {
  for (let i = 0; i < 3; i++) await attempt("ana", `wrong-${i}`, "1.1.1.1", at(i), byUser);
  const before = failures();
  let err: unknown;
  try {
    await login(t.db, { username: "ana", password: "x", ip: "9.9.9.9", now: at(2), limits: byUser });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(RateLimitedError);
  expect((err as DashDevicesError).code).toBe("DD_RATE_LIMITED");
  expect((err as RateLimitedError).retryAfterMs).toBe(58_000);
  expect((err as Error).message).toContain("try again in 58 s");
  expect(failures()).toBe(before);
});

test("unknown usernames are limited the same way (no hint that the user does not exist)", async () => {
  for (let i = 0; i < 3; i++) expect(await attempt("ghost", `wrong-${i}`, "1.1.1.1", at(i), byUser)).toBe("DD_LOGIN_FAILED");
  expect(await attempt("ghost", "x", "1.1.1.1", at(3), byUser)).toStartWith("limited username");
});

test("per IP: many usernames from one address are limited; other addresses are not", async () => {
  expect(await attempt("u1", "x", "6.6.6.6", at(0), byIp)).toBe("DD_LOGIN_FAILED");
  expect(await attempt("u2", "x", "6.6.6.6", at(1), byIp)).toBe("DD_LOGIN_FAILED");
  expect(await attempt("ana", "x", "6.6.6.6", at(2), byIp)).toBe("DD_LOGIN_FAILED");
  expect(await attempt("ana", "correct horse", "6.6.6.6", at(3), byIp)).toBe("limited ip 57000");
  expect(await attempt("ana", "correct horse", "7.7.7.7", at(3), byIp)).toBe("ok");
});

test("a successful login clears its username's failures from its address but not its address's", async () => {
  await attempt("ana", "wrong-1", "1.1.1.1", at(0), byUser);
  await attempt("ana", "wrong-2", "1.1.1.1", at(1), byUser);
  expect(await attempt("ana", "correct horse", "1.1.1.1", at(2), byUser)).toBe("ok");
  expect(await attempt("ana", "wrong-3", "1.1.1.1", at(3), byUser)).toBe("DD_LOGIN_FAILED");
  expect(await attempt("ana", "wrong-4", "1.1.1.1", at(4), byUser)).toBe("DD_LOGIN_FAILED");
  expect(await attempt("ana", "correct horse", "1.1.1.1", at(5), byUser)).toBe("ok");
  expect((t.sqlite.query("SELECT count(*) AS n FROM login_failures WHERE ip = '1.1.1.1'").get() as { n: number }).n).toBe(4);
});

test("the lock-out is audited once, when the window fills", async () => {
  for (let i = 0; i < 3; i++) await attempt("ana", `wrong-${i}`, "1.1.1.1", at(i), byUser);
  for (let i = 0; i < 5; i++) await attempt("ana", "x", "1.1.1.1", at(3 + i), byUser);
  expect(queryAudit(t.db, { action: "login.limited" }).total).toBe(1);
  expect(queryAudit(t.db, { action: "login.failed" }).total).toBe(3);
});

test("the count survives a restart (it is in the database)", async () => {
  for (let i = 0; i < 3; i++) await attempt("ana", `wrong-${i}`, "1.1.1.1", at(i), byUser);
  t.close();
  const again = openDatabase({ path: t.path });
  try {
    expect(() => checkLoginAllowed(again.db, "2.2.2.2", "ana", byUser, at(10))).toThrow(RateLimitedError);
    expect(await attempt("ana", "correct horse", "2.2.2.2", at(10), byUser, again.db)).toStartWith("limited username");
  } finally {
    again.close();
  }
});

test("old failures are pruned as new ones come", async () => {
  for (let i = 0; i < 3; i++) await attempt(`u${i}`, "x", `1.1.1.${i}`, at(i), byUser);
  expect(failures()).toBe(3);
  await attempt("u9", "x", "1.1.1.9", at(3600), byUser);
  expect(failures()).toBe(1);
});
