// One role system: the database's CHECK on users.role (a migration, in SQL) takes exactly the roles
// of core/roles.ts, and the access rules rank them in that order.
import { expect, test } from "bun:test";
import { ROLES, hasRole, isRole, roleRank } from "../../src/core/roles.ts";
import { can } from "../../src/auth/roles.ts";
import { useTempDb } from "./temp-db.ts";

const db = useTempDb();

test("the database accepts every role of core/roles.ts and nothing else", () => {
  const insert = (role: string) =>
    db.sqlite.run("insert into users (username, password_hash, role, created_at, updated_at) values (?, 'x', ?, 0, 0)", [
      `u-${role}`,
      role,
    ]);
  for (const role of ROLES) insert(role);
  expect(() => insert("root")).toThrow(/CHECK/);
  expect(() => insert("Admin")).toThrow(/CHECK/);
});

test("roles rank from viewer to admin; no role and unknown roles rank below every role", () => {
  expect([...ROLES]).toEqual(["viewer", "operator", "admin"]);
  expect(ROLES.map(roleRank)).toEqual([0, 1, 2]);
  expect(hasRole("admin", "operator") && hasRole("operator", "operator") && !hasRole("viewer", "operator")).toBe(true);
  expect(hasRole(undefined, "viewer") || hasRole("root", "viewer") || hasRole("admin", "root")).toBe(false);
  expect(isRole("operator") && !isRole("Operator")).toBe(true);
  // the action vocabulary of auth/roles.ts is the same order
  expect(ROLES.map((r) => [can(r, "view"), can(r, "operate"), can(r, "admin")])).toEqual([
    [true, false, false],
    [true, true, false],
    [true, true, true],
  ]);
});
