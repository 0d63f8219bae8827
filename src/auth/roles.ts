/**
 * @module auth/roles
 * What each role may do, in actions: view (live state), operate (drive device controls), admin
 * (manage clients, sessions and users). The roles themselves and their order are core/roles.ts;
 * an action needs the role of the same rank. No role (anonymous) may do nothing by itself; an app
 * that is public decides that before asking here.
 */

import { hasRole, isRole, ROLES, type Role } from "../core/roles.ts";

export { isRole, ROLES, type Role };

export type Action = "view" | "operate" | "admin";

/** The least role that may perform an action ("operate" → "operator"). */
const NEEDS: Record<Action, Role> = { view: "viewer", operate: "operator", admin: "admin" };

/**
 * Whether a role may perform an action.
 * @example
 * can("operator", "operate"); // true
 * can("viewer", "operate");   // false
 * can(null, "view");          // false (anonymous)
 */
export function can(role: Role | null | undefined, action: Action): boolean {
  return hasRole(role, NEEDS[action]);
}

/** The least role that may perform an action ("operate" → "operator"). */
export function roleFor(action: Action): Role {
  return NEEDS[action];
}
