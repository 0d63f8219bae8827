/**
 * @module roles
 * The one list of roles, from least to most powerful: a viewer sees live state, an operator also
 * drives device controls, an admin also manages clients, sessions and users; each role may do what
 * the ones before it may. The database's column (db/schema.ts), the access rules
 * (server/access.ts), callbacks' `{ role }` (core/graph.ts) and the admin console's lists all read
 * it from here. A tab with no role (anonymous) has none of them.
 */

export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** A role's place in ROLES (viewer 0, operator 1, admin 2); -1 for no role or an unknown one. */
export function roleRank(role: string | null | undefined): number {
  return role ? (ROLES as readonly string[]).indexOf(role) : -1;
}

/**
 * Whether `role` is `needed` or above; no role, or an unknown one (either side), never is.
 * @example
 * hasRole("admin", "operator"); // true
 * hasRole("viewer", "operator"); // false
 * hasRole(undefined, "viewer");  // false
 */
export function hasRole(role: string | null | undefined, needed: string): boolean {
  const r = roleRank(role);
  const n = roleRank(needed);
  return r >= 0 && n >= 0 && r >= n;
}
