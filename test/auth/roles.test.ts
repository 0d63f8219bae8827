import { expect, test } from "bun:test";
import { can, isRole, roleFor, type Action, type Role } from "../../src/auth/roles.ts";

test("can(role, action): admin ⊃ operator ⊃ viewer; anonymous and unknown roles may do nothing", () => {
  const table: [Role | null | undefined | string, Record<Action, boolean>][] = [
    ["admin", { view: true, operate: true, admin: true }],
    ["operator", { view: true, operate: true, admin: false }],
    ["viewer", { view: true, operate: false, admin: false }],
    [null, { view: false, operate: false, admin: false }],
    [undefined, { view: false, operate: false, admin: false }],
    ["root", { view: false, operate: false, admin: false }],
  ];
  for (const [role, expected] of table) {
    for (const action of ["view", "operate", "admin"] as Action[])
      expect([role, action, can(role as Role, action)]).toEqual([role, action, expected[action]]);
  }
});

test("isRole and roleFor", () => {
  expect(["admin", "operator", "viewer"].every(isRole)).toBe(true);
  expect(isRole("Admin")).toBe(false);
  expect(roleFor("operate")).toBe("operator");
  expect(roleFor("admin")).toBe("admin");
  expect(roleFor("view")).toBe("viewer");
});
