/**
 * @module auth/tokens
 * Random bearer tokens and their storage form. A token is 32 random bytes (base64url, 43 chars);
 * the database keeps only its SHA-256, so a stolen database file yields no usable cookie.
 * Comparisons of secrets go through `safeEqual` (constant time for equal lengths).
 */

// Bun's own crypto (the Web Crypto global and Bun.CryptoHasher), not node:crypto: loading that
// module cost ~2.5 ms of every start-up. Same algorithms, same outputs.

const TOKEN_BYTES = 32;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** A fresh random token: 32 bytes from the OS CSPRNG, base64url without padding. */
export function newToken(): string {
  return randomBase64url(TOKEN_BYTES);
}

/** True when `s` has the shape of a token from {@link newToken} (rejects garbage before hashing). */
export function isTokenShaped(s: unknown): s is string {
  return typeof s === "string" && TOKEN_SHAPE.test(s);
}

/** SHA-256 of the token, hex: what the database stores and looks up. */
export function hashToken(token: string): string {
  return new Bun.CryptoHasher("sha256").update(token).digest("hex");
}

/** Constant-time string equality (length is not secret: both sides are fixed-size hashes/HMACs). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** `n` bytes from the OS CSPRNG, base64url without padding. */
export function randomBase64url(n: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(n))).toString("base64url");
}
