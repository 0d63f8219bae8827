/**
 * @module auth/csrf
 * Cross-site request forgery defences for state-changing HTTP requests (forms of /login, /admin):
 * - a per-session token, HMAC-SHA256(server secret, session id): stateless, survives restarts
 *   (the secret is in the database), differs per session, can't be forged without the secret;
 *   the page puts it in a hidden field or an `X-CSRF-Token` header (htmx `hx-headers`);
 * - `isSameOrigin(request)`: the Origin (else Referer) must name this host. Browsers send Origin on
 *   every POST and every WebSocket upgrade, so this is also the WebSocket hijacking check. With
 *   `allowedHosts` it also refuses DNS rebinding (a foreign name pointed at the device's address);
 *   `hostAllowed` is that list's rule, also used for every request by src/server/hosts.ts.
 */

import { DashDevicesError } from "../core/errors.ts";
import type { Db } from "../db/open.ts";
import { forwardedHeader } from "./cookie.ts";
import { loadSecret } from "./secret.ts";
import { safeEqual } from "./tokens.ts";

export const CSRF_FIELD = "_csrf";
export const CSRF_HEADER = "x-csrf-token";

/** The server's CSRF key (created once, stored in the database). Load it once at start-up. */
export function loadCsrfSecret(db: Db): Buffer {
  return loadSecret(db, "csrf");
}

/** The CSRF token of a session (same input, same token). */
export function csrfToken(secret: Uint8Array, sessionId: string): string {
  return new Bun.CryptoHasher("sha256", secret).update("dash-devices csrf v1\0" + sessionId).digest("base64url"); // HMAC-SHA256
}

/** Constant-time check of a submitted token against the session's. */
export function verifyCsrfToken(secret: Uint8Array, sessionId: string, candidate: unknown): boolean {
  return typeof candidate === "string" && candidate.length > 0 && safeEqual(csrfToken(secret, sessionId), candidate);
}

/** Throws DD_CSRF unless the token matches (never echoes either token). */
export function assertCsrfToken(secret: Uint8Array, sessionId: string, candidate: unknown): void {
  if (verifyCsrfToken(secret, sessionId, candidate)) return;
  throw new DashDevicesError("DD_CSRF", {
    what: "the request's CSRF token is missing or wrong.",
    expected: `the token of this session in the "${CSRF_FIELD}" field or the ${CSRF_HEADER} header`,
    found: typeof candidate === "string" && candidate ? "a token of another session or a forged one" : "no token",
    fix: "reload the page (it carries a fresh token) and submit again",
  });
}

export interface OriginOptions {
  /** Extra accepted origins ("https://gadget.example.org"), e.g. behind a reverse proxy. */
  allowedOrigins?: string[];
  /** Compare with X-Forwarded-Host instead of Host (only behind a proxy that sets it). */
  trustProxy?: boolean;
  /**
   * The names this device answers to ("gadget.local", "192.168.1.20:5000"; see `hostAllowed`).
   * When given, a request whose Host is not one of them is refused even if Origin matches Host:
   * that is how a DNS rebinding page (evil.example resolved to the device's address) looks.
   */
  allowedHosts?: readonly string[];
  /**
   * Accept a request that has neither Origin nor Referer (default false). Only for requests a
   * browser always sends Origin with when they come from a page (WebSocket upgrades, fetch POSTs),
   * so a missing one means a script or test client, not a cross-site page.
   */
  allowMissing?: boolean;
}

function parseOrigin(url: string): URL | null {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u : null;
  } catch {
    return null;
  }
}

/** host[:port] of `host` read with `scheme`, so "gadget:80" and "gadget" compare equal over http. */
function normalHost(host: string, scheme: string): string | null {
  return host ? (parseOrigin(`${scheme}//${host}`)?.host.toLowerCase() ?? null) : null;
}

/**
 * A Host header value ("gadget.local", "[::1]", "Gadget.local:5000") split into a lowercase name
 * (no trailing dot; IPv6 in brackets) and the port as written ("" when none), or null when it is
 * not a host.
 */
export function parseHost(hostPort: string): { name: string; port: string } | null {
  // A Host header is a name or an address and maybe a port; anything else (paths, userinfo) is no host.
  if (!/^[A-Za-z0-9._~%!$&'()*+,;=:[\]-]+$/.test(hostPort)) return null;
  const m = /^(.*?)(?::(\d{1,5}))?$/.exec(hostPort)!;
  const u = parseOrigin(`http://${m[1]}`);
  if (!u || u.username || u.password || u.port || u.pathname !== "/" || Number(m[2] ?? 0) > 65535) return null;
  // The port as written ("" when none: the scheme's default), so "gadget:80" means port 80 only.
  return { name: u.hostname.toLowerCase().replace(/\.$/, ""), port: m[2] ?? "" };
}

/**
 * Whether a Host header value (`name[:port]`) is one of `allowed`: an entry without a port allows
 * the name on any port, `name:port` that port only, `.example.org` that domain and its subdomains,
 * `*` any host. Names compare without case and without a trailing dot.
 * @example
 * hostAllowed("Gadget.local:5000", ["gadget.local"]); // true
 * hostAllowed("evil.example:5000", ["gadget.local"]); // false
 */
export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const h = parseHost(host);
  if (!h) return false;
  for (const entry of allowed) {
    const e = entry.trim().toLowerCase();
    if (e === "*") return true;
    if (e.startsWith(".")) {
      const domain = e.slice(1).replace(/\.$/, "");
      if (domain && (h.name === domain || h.name.endsWith(`.${domain}`))) return true;
      continue;
    }
    const a = parseHost(e);
    if (a && a.name === h.name && (!a.port || Number(a.port) === Number(h.port || 80))) return true;
  }
  return false;
}

/**
 * True when the request says it comes from a page of this host: its Origin header (or, without one,
 * its Referer) has the same host[:port] as the Host header. No Origin and no Referer, or
 * `Origin: null`, is false: a browser sends one of them on any state-changing request.
 * @example
 * if (request.method !== "GET" && !isSameOrigin(request)) return new Response("forbidden", { status: 403 });
 */
export function isSameOrigin(request: Request, opts: OriginOptions = {}): boolean {
  const h = request.headers;
  const origin = h.get("origin");
  const referer = h.get("referer");
  if (origin == null && !referer && opts.allowMissing) return true;
  const claimed = origin != null ? (origin === "null" ? null : parseOrigin(origin)) : referer ? parseOrigin(referer) : null;
  if (!claimed) return false;
  const claimedHost = claimed.host.toLowerCase();
  const forwarded = opts.trustProxy ? forwardedHeader(request, "x-forwarded-host") : undefined;
  const host = normalHost(forwarded || h.get("host") || parseOrigin(request.url)?.host || "", claimed.protocol);
  if (opts.allowedHosts && !hostAllowed(forwarded || h.get("host") || "", opts.allowedHosts)) return false;
  if (host && claimedHost === host) return true;
  const allowed = (opts.allowedOrigins ?? []).map((o) => parseOrigin(o)?.host.toLowerCase()).filter((x): x is string => !!x);
  return allowed.includes(claimedHost);
}
