// Issue 10, H3 and M1 over real HTTP: a burst of parallel wrong passwords to POST /login is hashed
// only up to the limit (the rest answer 429 with Retry-After at once), and an admin's password
// reset in the /admin console lifts the lock-out its refusal promises it lifts.
import { describe, expect, spyOn, test } from "bun:test";
import { type App, html } from "../../src/index.ts";
import { queryAudit } from "../../src/db/audit.ts";
import { findUserByUsername } from "../../src/auth/users.ts";
import { cookieOf, post } from "../helpers/admin.ts";
import { useApp, useTabs } from "../helpers/fixtures.ts";

/** The documented limit of failed logins per username from one address (POLICY.loginPerUserIp). */
const PER_USER_IP = 10;

const plain = (app: App) => {
  app.layout = html.Div("device");
};

describe("POST /login under a burst of guesses", () => {
  const s = useApp(plain, { database: true, users: { boss: "admin" } });

  test("H3: 60 parallel wrong passwords: at most the limit are hashed, the rest get 429 with Retry-After", async () => {
    const verify = spyOn(Bun.password, "verify"); // counts argon2 verifications in this process (the server's)
    let responses: Response[];
    try {
      responses = await Promise.all(
        Array.from({ length: 60 }, (_, i) => post(s.url, "/login", { username: "boss", password: `guess-${i}`, next: "/" })),
      );
    } finally {
      verify.mockRestore();
    }
    const max = PER_USER_IP;
    const refused = responses.filter((r) => r.status === 401);
    const limited = responses.filter((r) => r.status === 429);
    expect(refused.length + limited.length).toBe(60);
    expect(verify.mock.calls.length).toBeLessThanOrEqual(max);
    expect(queryAudit(s.db, { action: "login.failed" }).total).toBeLessThanOrEqual(max);
    expect(refused.length).toBeLessThanOrEqual(max);
    expect(limited.length).toBeGreaterThanOrEqual(60 - max);
    for (const r of limited) {
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(cookieOf(r)).toBe("");
    }
    expect(await limited[0]!.text()).toContain("too many failed logins");
    for (const r of refused) await r.text();
  });
});

describe("the /admin console's password reset", () => {
  const s = useApp(plain, { database: true, users: { owner: "admin", ana: "operator" } });
  const tabs = useTabs(s);

  test("M1: a reset from /admin lifts a user's lock-out, as the 429 page says it does", async () => {
    const owner = await s.login("owner");
    for (let i = 0; i < PER_USER_IP; i++)
      expect((await post(s.url, "/login", { username: "ana", password: `guess-${i}` })).status).toBe(401);
    const locked = await post(s.url, "/login", { username: "ana", password: "ana-password" });
    expect(locked.status).toBe(429);
    const promise = await locked.text();

    const adm = await tabs.open({ cookie: owner, path: "/admin/ws" });
    adm.send("user_pick", { user_pick: String(findUserByUsername(s.db, "ana")!.id) }, "select");
    adm.send("user_password", { user_password: "a-new-password" });
    await adm.click("user_reset");
    expect(adm.text("users_status")).toContain("New password set for ana");
    adm.close();

    const after = await post(s.url, "/login", { username: "ana", password: "a-new-password", next: "/" });
    expect(after.status).toBe(303);
    expect(cookieOf(after)).not.toBe("");
    expect(promise).toContain("have an admin reset this user"); // the page said so, and it was true
  });
});
