/**
 * @module auth/cookie
 * The session cookie: its name, its attributes, and reading it from a Cookie header.
 *
 * Attributes: HttpOnly (page scripts never see the token), Path=/, Secure when the request came over
 * https (a device on a LAN is usually plain http, where a Secure cookie would never come back), and
 * SameSite=Lax. Lax, not Strict: with Strict a person following a link to the device from another
 * site (a chat, a wiki, a dashboard of devices) arrives without the cookie and looks logged out on
 * that first page; Lax sends it on top-level GET navigations only, which change nothing here, and
 * withholds it from cross-site POSTs, iframes and fetches. What changes state is further guarded by a
 * CSRF token and a same-origin check (./csrf.ts), and WebSocket upgrades by the Origin check.
 */

export const SESSION_COOKIE = "dd_session";

export interface CookieOptions {
  /** Set Secure: pass `isHttps(request)`. */
  secure: boolean;
  /** When the cookie should go (the session's expiry); omitted = a browser-session cookie. */
  expires?: Date;
  now?: Date;
}

function attributes(opts: CookieOptions, maxAgeSeconds?: number): string {
  let s = "; Path=/; HttpOnly; SameSite=Lax";
  if (maxAgeSeconds !== undefined) s += `; Max-Age=${maxAgeSeconds}`;
  if (opts.expires) s += `; Expires=${opts.expires.toUTCString()}`;
  if (opts.secure) s += "; Secure";
  return s;
}

/**
 * The Set-Cookie value for a session token.
 * @example
 * set.headers["set-cookie"] = sessionCookie(token, { secure: isHttps(request), expires: session.expiresAt });
 */
export function sessionCookie(token: string, opts: CookieOptions): string {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new TypeError("sessionCookie: the token must be base64url");
  const maxAge = opts.expires ? Math.max(0, Math.floor((opts.expires.getTime() - (opts.now ?? new Date()).getTime()) / 1000)) : undefined;
  return `${SESSION_COOKIE}=${token}${attributes(opts, maxAge)}`;
}

/** The Set-Cookie value that deletes the session cookie (logout). */
export function clearSessionCookie(opts: { secure: boolean }): string {
  return `${SESSION_COOKIE}=${attributes({ secure: opts.secure, expires: new Date(0) }, 0)}`;
}

/** All cookies of a Cookie header (first occurrence of a name wins; bad %-escapes kept raw). */
export function parseCookies(header: string | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (!name || out.has(name)) continue;
    try {
      value = decodeURIComponent(value);
    } catch {
      /* keep raw */
    }
    out.set(name, value);
  }
  return out;
}

/** The session token from a request or a Cookie header, or undefined. */
export function readSessionToken(from: Request | string | null | undefined): string | undefined {
  const header = from instanceof Request ? from.headers.get("cookie") : from;
  return parseCookies(header).get(SESSION_COOKIE) || undefined;
}

/**
 * Whether the browser reached us over https. `trustProxy` also believes X-Forwarded-Proto: only set
 * it when a reverse proxy that sets that header is the only way in.
 */
export function isHttps(request: Request, opts: { trustProxy?: boolean } = {}): boolean {
  if (opts.trustProxy) {
    const proto = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
    if (proto) return proto === "https";
  }
  try {
    return new URL(request.url).protocol === "https:";
  } catch {
    return false;
  }
}
