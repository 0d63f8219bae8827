import { describe, expect, spyOn, test } from "bun:test";
import { queryAudit } from "../../src/db/audit.ts";
import { createSession, lookupSession } from "../../src/auth/sessions.ts";
import {
  countAdmins,
  createUser,
  deleteUser,
  findUserByUsername,
  listUsers,
  resetPassword,
  setDisabled,
  setRole,
  validateUsername,
  verifyPassword,
} from "../../src/auth/users.ts";
import { useTempDb } from "../db/temp-db.ts";
import { rejected, thrown } from "../helpers/errors.ts";

const t = useTempDb();

const codeOf = (fn: () => unknown) => thrown(fn).code;
const codeOfAsync = async (p: Promise<unknown>) => (await rejected(p)).code;

describe("usernames", () => {
  test("accepts simple names and refuses the rest with DD_BAD_USERNAME", () => {
    for (const ok of ["ana", "Ana.B", "lab-pi_2", "x", "a".repeat(32)]) expect(validateUsername(ok)).toBe(ok);
    for (const bad of ["", " ana", "ana ", "a b", "é", ".ana", "-x", "a".repeat(33), "a/b", 42, null])
      expect(codeOf(() => validateUsername(bad))).toBe("DD_BAD_USERNAME");
  });

  test("are unique case-insensitively", async () => {
    await createUser(t.db, { username: "Ana", password: "password-1" });
    expect(await codeOfAsync(createUser(t.db, { username: "aNA", password: "password-2" }))).toBe("DD_USER_EXISTS");
    expect(findUserByUsername(t.db, "ANA")?.username).toBe("Ana");
    expect(listUsers(t.db).length).toBe(1);
  });
});

describe("users", () => {
  test("create: default role viewer, no hash in what comes back, audited", async () => {
    const u = await createUser(t.db, { username: "ana", password: "correct horse" }, { actor: { username: "boss" } });
    expect(u).toMatchObject({ username: "ana", role: "viewer", disabled: false });
    expect("passwordHash" in u).toBe(false);
    expect(listUsers(t.db).every((x) => !("passwordHash" in x))).toBe(true);
    const stored = t.sqlite.query("SELECT password_hash FROM users").get() as { password_hash: string };
    expect(stored.password_hash.startsWith("$argon2id$")).toBe(true);
    expect(queryAudit(t.db, { action: "user.create" }).rows[0]).toMatchObject({ actorUsername: "boss", target: "ana" });
  });

  test("a weak password is refused without being echoed", async () => {
    const err = await rejected(createUser(t.db, { username: "ana", password: "short" }));
    expect(err.code).toBe("DD_BAD_PASSWORD");
    expect(err.message).not.toContain("short");
    expect(await codeOfAsync(createUser(t.db, { username: "ana", password: "        " }))).toBe("DD_BAD_PASSWORD");
    expect(listUsers(t.db)).toEqual([]);
  });

  test("an unknown role is refused", async () => {
    expect(await codeOfAsync(createUser(t.db, { username: "ana", password: "password-1", role: "root" as never }))).toBe("DD_BAD_OPTION");
  });

  test("verifyPassword: right password → user; wrong or unknown → null", async () => {
    await createUser(t.db, { username: "Ana", password: "correct horse" });
    expect((await verifyPassword(t.db, "ana", "correct horse"))?.username).toBe("Ana");
    expect(await verifyPassword(t.db, "ana", "Correct horse")).toBeNull();
    expect(await verifyPassword(t.db, "nobody", "correct horse")).toBeNull();
    expect(await verifyPassword(t.db, "a".repeat(5000), "x")).toBeNull();
  });

  test("verifying an unknown user still spends one argon2 verification, as a known one does", async () => {
    await createUser(t.db, { username: "ana", password: "correct horse" });
    const verify = spyOn(Bun.password, "verify"); // calls through: the real hash runs
    try {
      await verifyPassword(t.db, "ana", "wrong password");
      expect(verify).toHaveBeenCalledTimes(1);
      await verifyPassword(t.db, "nobody", "wrong password");
      expect(verify).toHaveBeenCalledTimes(2);
      await verifyPassword(t.db, "bad name!", "wrong password");
      expect(verify).toHaveBeenCalledTimes(3);
    } finally {
      verify.mockRestore();
    }
  });

  test("setRole changes the role that session lookups report, and is audited", async () => {
    const u = await createUser(t.db, { username: "ana", password: "correct horse", role: "viewer" });
    const { token } = createSession(t.db, { userId: u.id });
    expect(lookupSession(t.db, token)?.user?.role).toBe("viewer");
    setRole(t.db, u.id, "operator", { actor: { username: "boss" } });
    expect(lookupSession(t.db, token)?.user?.role).toBe("operator");
    expect(queryAudit(t.db, { action: "admin.role" }).rows[0]?.detail).toEqual({ userId: u.id, from: "viewer", to: "operator" });
    expect(codeOf(() => setRole(t.db, 999, "viewer"))).toBe("DD_UNKNOWN_USER");
  });

  test("the last enabled admin cannot be demoted, disabled or deleted", async () => {
    const a = await createUser(t.db, { username: "root1", password: "password-1", role: "admin" });
    expect(codeOf(() => setRole(t.db, a.id, "operator"))).toBe("DD_LAST_ADMIN");
    expect(codeOf(() => setDisabled(t.db, a.id, true))).toBe("DD_LAST_ADMIN");
    expect(codeOf(() => deleteUser(t.db, a.id))).toBe("DD_LAST_ADMIN");
    const b = await createUser(t.db, { username: "root2", password: "password-2", role: "admin" });
    setRole(t.db, a.id, "operator");
    expect(countAdmins(t.db)).toBe(1);
    expect(codeOf(() => deleteUser(t.db, b.id))).toBe("DD_LAST_ADMIN");
  });

  test("resetPassword: new password works, old does not, the user's sessions end (but the kept one)", async () => {
    const u = await createUser(t.db, { username: "ana", password: "old password" });
    const s1 = createSession(t.db, { userId: u.id });
    const s2 = createSession(t.db, { userId: u.id });
    const { revokedSessionIds } = await resetPassword(t.db, u.id, "new password", { keepSessionId: s2.session.id });
    expect(revokedSessionIds).toEqual([s1.session.id]);
    expect(lookupSession(t.db, s1.token)).toBeNull();
    expect(lookupSession(t.db, s2.token)).not.toBeNull();
    expect(await verifyPassword(t.db, "ana", "old password")).toBeNull();
    expect((await verifyPassword(t.db, "ana", "new password"))?.id).toBe(u.id);
  });

  test("disable ends sessions and enable does not revive them; delete removes sessions, keeps the audit", async () => {
    await createUser(t.db, { username: "boss", password: "password-0", role: "admin" });
    const u = await createUser(t.db, { username: "ana", password: "password-1", role: "operator" });
    const s = createSession(t.db, { userId: u.id });
    expect(setDisabled(t.db, u.id, true).revokedSessionIds).toEqual([s.session.id]);
    expect(lookupSession(t.db, s.token)).toBeNull();
    expect((await verifyPassword(t.db, "ana", "password-1"))?.disabled).toBe(true);
    setDisabled(t.db, u.id, false);
    expect(lookupSession(t.db, s.token)).toBeNull();
    const s2 = createSession(t.db, { userId: u.id });
    expect(deleteUser(t.db, u.id).revokedSessionIds).toEqual([s2.session.id]);
    expect(lookupSession(t.db, s2.token)).toBeNull();
    expect((t.sqlite.query("SELECT count(*) AS n FROM sessions WHERE user_id = ?").get(u.id) as { n: number }).n).toBe(0);
    expect(queryAudit(t.db, { action: "admin.user.delete" }).rows[0]?.target).toBe("ana");
  });
});
