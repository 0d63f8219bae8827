/**
 * @module auth/tokens
 * Random bearer tokens and their storage form. A token is 32 random bytes (base64url, 43 chars);
 * the database keeps only its SHA-256, so a stolen database file yields no usable cookie.
 * Comparisons of secrets go through `safeEqual` (constant time for equal lengths).
 */

import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const TOKEN_BYTES = 32;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** A fresh random token: 32 bytes from the OS CSPRNG, base64url without padding. */
export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString("base64url");
}

/** True when `s` has the shape of a token from {@link newToken} (rejects garbage before hashing). */
export function isTokenShaped(s: unknown): s is string {
  return typeof s === "string" && TOKEN_SHAPE.test(s);
}

/** SHA-256 of the token, hex: what the database stores and looks up. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Constant-time string equality (length is not secret: both sides are fixed-size hashes/HMACs). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}
