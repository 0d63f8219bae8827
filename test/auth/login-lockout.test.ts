// Issue 10, H3 and M1: the login rate limit holds under parallel guesses (a slot is taken before
// the password is hashed), a guesser at one address can't lock the owner out from another, and a
// password reset (the users API, or --create-admin NAME --reset) lifts the user's lock-out.
import { beforeEach, expect, spyOn, test } from "bun:test";
import { DashDevicesError } from "../../src/core/errors.ts";
import { login } from "../../src/auth/login.ts";
import { DEFAULT_LIMITS, RateLimitedError, type RateLimits } from "../../src/auth/rate-limit.ts";
import { resetAdmin } from "../../src/auth/setup.ts";
import { createUser, resetPassword } from "../../src/auth/users.ts";
import { queryAudit } from "../../src/db/audit.ts";
import { openDatabase } from "../../src/db/open.ts";
import { useTempDb } from "../db/temp-db.ts";
import { rejected } from "../helpers/errors.ts";

const t = useTempDb();
let ownerId: number;
beforeEach(async () => {
  ownerId = (await createUser(t.db, { username: "owner", password: "correct horse", role: "admin" })).id;
});

const T0 = Date.UTC(2030, 0, 1);
const at = (s: number) => new Date(T0 + s * 1000);
/** The documented limit of failed logins per username from one address (POLICY.loginPerUserIp). */
const PER_USER_IP = 10;
/** Small limits so a test needs few argon2 hashes; the three keys have distinct sizes. */
const small: RateLimits = {
  perIp: { max: 6, windowMs: 60_000 },
  perUserIp: { max: 3, windowMs: 60_000 },
  perUsername: { max: 5, windowMs: 60_000 },
};

async function attempt(username: string, password: string, ip: string, now: Date, limits: RateLimits = small, db = t.db): Promise<string> {
  try {
    await login(db, { username, password, ip, now, limits });
    return "ok";
  } catch (e) {
    if (e instanceof RateLimitedError) return `limited ${e.scope}`;
    if (e instanceof DashDevicesError) return e.code;
    throw e;
  }
}

const refusal = (p: Promise<unknown>) => rejected(p, RateLimitedError);

test("H3: 60 parallel wrong passwords to login(): only the limit is hashed, the rest are refused before hashing", async () => {
  const verify = spyOn(Bun.password, "verify");
  try {
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => attempt("owner", `guess-${i}`, "6.6.6.6", at(0), DEFAULT_LIMITS)),
    );
    const max = PER_USER_IP;
    expect(results.filter((r) => r === "DD_LOGIN_FAILED").length).toBe(max);
    expect(results.filter((r) => r.startsWith("limited")).length).toBe(60 - max);
    expect(verify.mock.calls.length).toBe(max); // argon2 ran once per admitted attempt, no more
    expect(queryAudit(t.db, { action: "login.failed" }).total).toBe(max);
    expect(queryAudit(t.db, { action: "login.limited" }).total).toBe(1);
  } finally {
    verify.mockRestore();
  }
});

test("H3: a right password in a parallel burst gives its slot back; the wrong ones keep theirs", async () => {
  const results = await Promise.all([
    attempt("owner", "correct horse", "6.6.6.6", at(0)),
    ...Array.from({ length: 5 }, (_, i) => attempt("owner", `guess-${i}`, "6.6.6.6", at(0))),
  ]);
  // The right password took the first slot (it was first in), then gave it back.
  expect(results[0]).toBe("ok");
  expect(results.filter((r) => r === "DD_LOGIN_FAILED").length).toBe(small.perUserIp.max - 1);
  expect((t.sqlite.query("SELECT count(*) AS n FROM login_failures WHERE username_key = 'owner'").get() as { n: number }).n).toBe(
    small.perUserIp.max - 1,
  );
  expect(await attempt("owner", "guess-x", "6.6.6.6", at(1))).toBe("DD_LOGIN_FAILED"); // the slot is free again
  expect(await attempt("owner", "correct horse", "6.6.6.6", at(2))).toBe("limited user-ip");
});

test("M1: a guesser at one address is locked out; the owner at another address still logs in", async () => {
  for (let i = 0; i < small.perUserIp.max; i++) expect(await attempt("owner", `guess-${i}`, "6.6.6.6", at(i))).toBe("DD_LOGIN_FAILED");
  const e = await refusal(login(t.db, { username: "owner", password: "correct horse", ip: "6.6.6.6", now: at(4), limits: small }));
  expect(e.scope).toBe("user-ip");
  expect(await attempt("owner", "correct horse", "192.168.1.9", at(5))).toBe("ok");
});

test("M1: with the default limits, ten wrong guesses from one address do not lock the owner out from another", async () => {
  for (let i = 0; i < 10; i++) expect(await attempt("owner", `guess-${i}`, "6.6.6.6", at(i), DEFAULT_LIMITS)).toBe("DD_LOGIN_FAILED");
  expect(await attempt("owner", "correct horse", "6.6.6.6", at(11), DEFAULT_LIMITS)).toBe("limited user-ip");
  expect(await attempt("owner", "correct horse", "192.168.1.9", at(12), DEFAULT_LIMITS)).toBe("ok");
});

test("M1: one address spraying many usernames still meets the per-IP limit", async () => {
  for (let i = 0; i < small.perIp.max; i++) expect(await attempt(`user${i}`, "x", "6.6.6.6", at(i))).toBe("DD_LOGIN_FAILED");
  const e = await refusal(login(t.db, { username: "owner", password: "correct horse", ip: "6.6.6.6", now: at(10), limits: small }));
  expect(e.scope).toBe("ip");
  // True text: it says to wait, and does not promise that a password reset lifts it (it does not).
  expect(e.message).toContain("too many failed logins from this address");
  expect(e.message).not.toContain("reset");
  await resetPassword(t.db, ownerId, "another horse");
  expect(await attempt("owner", "another horse", "6.6.6.6", at(11))).toBe("limited ip");
  expect(await attempt("owner", "another horse", "7.7.7.7", at(11))).toBe("ok");
});

test("M1: guesses from many addresses meet the per-username backstop; an admin's password reset lifts it, as the refusal says", async () => {
  // Two addresses stay under their own limits, but together fill the username's window.
  for (let i = 0; i < small.perUsername.max; i++)
    expect(await attempt("owner", `guess-${i}`, `6.6.6.${i % 2}`, at(i))).toBe("DD_LOGIN_FAILED");
  const e = await refusal(login(t.db, { username: "owner", password: "correct horse", ip: "192.168.1.9", now: at(10), limits: small }));
  expect(e.scope).toBe("username");

  await resetPassword(t.db, ownerId, "another horse", { now: at(11) });
  expect(await attempt("owner", "another horse", "192.168.1.9", at(12))).toBe("ok");
  expect(e.message).toContain("have an admin reset this user's password");
  expect(e.message).toContain("which lifts it");
});

test("M1: the refusal at the locked address says other addresses are not affected and a reset lifts it, and both are true", async () => {
  for (let i = 0; i < small.perUserIp.max; i++) await attempt("owner", `guess-${i}`, "6.6.6.6", at(i));
  const e = await refusal(login(t.db, { username: "owner", password: "correct horse", ip: "6.6.6.6", now: at(4), limits: small }));
  expect(e.code).toBe("DD_RATE_LIMITED");
  expect(e.message).toContain("logins from other addresses are not affected");
  expect(e.message).toContain("which lifts it");
  expect(await attempt("owner", "correct horse", "10.0.0.2", at(5))).toBe("ok");
  await resetPassword(t.db, ownerId, "another horse", { now: at(6) });
  expect(await attempt("owner", "another horse", "6.6.6.6", at(7))).toBe("ok");
});

test("M1: resetAdmin (what --create-admin NAME --reset runs) lifts the lock-out", async () => {
  for (let i = 0; i < small.perUsername.max; i++) await attempt("owner", `guess-${i}`, `6.6.6.${i % 2}`, at(i));
  expect(await attempt("owner", "correct horse", "6.6.6.9", at(10))).toBe("limited username");
  await resetAdmin(t.db, { username: "OWNER", password: "another horse" });
  expect(await attempt("owner", "another horse", "6.6.6.9", at(11))).toBe("ok");
  // The failures still count against the addresses they came from.
  expect((t.sqlite.query("SELECT count(*) AS n FROM login_failures WHERE ip LIKE '6.6.6.%'").get() as { n: number }).n).toBe(
    small.perUsername.max,
  );
});

test("M1: --create-admin NAME --reset at the console lifts the lock-out (a real process on the same file)", async () => {
  for (let i = 0; i < 10; i++) await attempt("owner", `guess-${i}`, "6.6.6.6", new Date(), DEFAULT_LIMITS);
  expect(await attempt("owner", "correct horse", "6.6.6.6", new Date(), DEFAULT_LIMITS)).toStartWith("limited");
  t.close();
  const dataDir = t.path.replace(/\/dash-devices\.sqlite$/, "");
  const p = Bun.spawn(["bun", "examples/example1.ts", "--create-admin", "owner", "--reset", "--data-dir", dataDir], {
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
  });
  p.stdin.write("another horse\n");
  p.stdin.end();
  expect(await p.exited, await new Response(p.stderr).text()).toBe(0);
  const out = await new Response(p.stdout).text();
  expect(out).toContain('reset admin "owner"');
  expect(out).toContain("its failed logins no longer lock it out");
  const again = openDatabase({ path: t.path });
  try {
    expect(await attempt("owner", "another horse", "6.6.6.6", new Date(), DEFAULT_LIMITS, again.db)).toBe("ok");
  } finally {
    again.close();
  }
}, 30_000);
