/**
 * @module auth/roles
 * What each role may do. admin ⊃ operator ⊃ viewer: a viewer sees live state, an operator also
 * drives device controls, an admin also manages clients, sessions and users. No role (anonymous)
 * may do nothing by itself; an app that is public decides that before asking here.
 */

import { ROLES, type Role } from "../db/schema.ts";

export { ROLES, type Role };

export type Action = "view" | "operate" | "admin";

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };
const NEEDS: Record<Action, number> = { view: 1, operate: 2, admin: 3 };

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/**
 * Whether a role may perform an action.
 * @example
 * can("operator", "operate"); // true
 * can("viewer", "operate");   // false
 * can(null, "view");          // false (anonymous)
 */
export function can(role: Role | null | undefined, action: Action): boolean {
  if (!role || !isRole(role)) return false;
  return RANK[role] >= NEEDS[action];
}

/** The least role that may perform an action ("operate" → "operator"). */
export function roleFor(action: Action): Role {
  return action === "admin" ? "admin" : action === "operate" ? "operator" : "viewer";
}
