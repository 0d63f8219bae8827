/**
 * @module auth/password
 * Password hashing with Bun.password (argon2id, Bun's defaults: 64 MiB, 2 passes) and the rules a
 * new password must meet. `verifyOrBurn` spends the same work when there is no user to check, so the
 * time of a refusal does not tell whether a username exists.
 */

import { DashDevicesError } from "../core/errors.ts";
import { POLICY } from "./policy.ts";

const ALGORITHM = { algorithm: "argon2id" } as const;
let dummyHash: Promise<string> | undefined;

/** Throws DD_BAD_PASSWORD when the password is unusable. Never echoes the password. */
export function validatePassword(password: unknown): string {
  const { min, max } = POLICY.password;
  if (typeof password !== "string") {
    throw new DashDevicesError("DD_BAD_PASSWORD", {
      what: "the password is missing.",
      expected: `a string of ${min} to ${max} characters`,
      found: typeof password,
      fix: "pass the password as a string",
    });
  }
  const length = [...password].length;
  if (length < min || length > max || password.trim() === "") {
    throw new DashDevicesError("DD_BAD_PASSWORD", {
      what: "the password is not acceptable.",
      expected: `${min} to ${max} characters, not only spaces`,
      found: `${length} character(s)`,
      fix: `choose a password of at least ${min} characters (a few random words work well)`,
    });
  }
  return password;
}

/** argon2id PHC string for a validated password. */
export async function hashPassword(password: string): Promise<string> {
  return Bun.password.hash(validatePassword(password), ALGORITHM);
}

/**
 * Checks a password against a stored hash, or, with no hash (unknown user), against a dummy hash of
 * the same cost, and returns false either way for the latter.
 */
export async function verifyOrBurn(password: string, hash: string | null | undefined): Promise<boolean> {
  if (typeof password !== "string" || password.length > POLICY.password.max * 4) password = "";
  if (!hash) {
    dummyHash ??= Bun.password.hash("dash-devices: no such user", ALGORITHM);
    await Bun.password.verify(password, await dummyHash).catch(() => false);
    return false;
  }
  try {
    return await Bun.password.verify(password, hash);
  } catch {
    return false; // a corrupt hash refuses, it does not crash the login
  }
}
