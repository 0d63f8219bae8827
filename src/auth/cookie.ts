/**
 * @module auth/cookie
 * The session cookie: its name, its attributes, and reading it from a Cookie header.
 *
 * Name: `dd_session_<port>` (the port the browser used). Browsers keep cookies per host, not per
 * port, and send them to every port of the host: two apps on one device (5000 and 5001) would
 * otherwise overwrite each other's session, and one would read the other's token.
 *
 * Attributes: HttpOnly (page scripts never see the token), Path=/, Secure when the request came over
 * https (a device on a LAN is usually plain http, where a Secure cookie would never come back), and
 * SameSite=Lax. Lax, not Strict: with Strict a person following a link to the device from another
 * site (a chat, a wiki, a dashboard of devices) arrives without the cookie and looks logged out on
 * that first page; Lax sends it on top-level GET navigations only, which change nothing here, and
 * withholds it from cross-site POSTs, iframes and fetches. What changes state is further guarded by a
 * CSRF token and a same-origin check (./csrf.ts), and WebSocket upgrades by the Origin check.
 */

/** The prefix of the session cookie's name; the name is `dd_session_<port>` (sessionCookieName). */
export const SESSION_COOKIE = "dd_session";

/** The session cookie's name for the port the browser uses: `dd_session_5000`. */
export function sessionCookieName(port: number | string): string {
  return `${SESSION_COOKIE}_${String(port).replace(/[^0-9]/g, "") || "80"}`;
}

/** The port a request was sent to, as the browser saw it (its URL's, else the scheme's default). */
export function requestPort(request: Request): string {
  try {
    const u = new URL(request.url);
    return u.port || (u.protocol === "https:" ? "443" : "80");
  } catch {
    return "80";
  }
}

export interface CookieOptions {
  /** The port the browser uses (`requestPort(request)`): part of the cookie's name. */
  port: number | string;
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
 * set.headers["set-cookie"] = sessionCookie(token, { port: requestPort(request), secure: isHttps(request), expires: session.expiresAt });
 */
export function sessionCookie(token: string, opts: CookieOptions): string {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new TypeError("sessionCookie: the token must be base64url");
  const maxAge = opts.expires ? Math.max(0, Math.floor((opts.expires.getTime() - (opts.now ?? new Date()).getTime()) / 1000)) : undefined;
  return `${sessionCookieName(opts.port)}=${token}${attributes(opts, maxAge)}`;
}

/** The Set-Cookie value that deletes the session cookie (logout). */
export function clearSessionCookie(opts: { port: number | string; secure: boolean }): string {
  return `${sessionCookieName(opts.port)}=${attributes({ port: opts.port, secure: opts.secure, expires: new Date(0) }, 0)}`;
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

/**
 * The session token of a request (the cookie named for the port it was sent to), or of a Cookie
 * header for `port`; undefined when there is none.
 * @example
 * readSessionToken(request); readSessionToken("dd_session_5000=abc", 5000); // "abc"
 */
export function readSessionToken(request: Request): string | undefined;
export function readSessionToken(header: string | null | undefined, port: number | string): string | undefined;
export function readSessionToken(from: Request | string | null | undefined, port?: number | string): string | undefined {
  const header = from instanceof Request ? from.headers.get("cookie") : from;
  const name = sessionCookieName(from instanceof Request ? requestPort(from) : (port ?? 80));
  return parseCookies(header).get(name) || undefined;
}

/**
 * Whether the browser reached us over https. `trustProxy` also believes X-Forwarded-Proto: only set
 * it when a reverse proxy that sets that header is the only way in.
 */
export function isHttps(request: Request, opts: { trustProxy?: boolean } = {}): boolean {
  if (opts.trustProxy) {
    const proto = forwardedHeader(request, "x-forwarded-proto")?.toLowerCase();
    if (proto) return proto === "https";
  }
  try {
    return new URL(request.url).protocol === "https:";
  } catch {
    return false;
  }
}

/**
 * The value the nearest proxy put in an X-Forwarded-* header: the last of a comma-separated list
 * (proxies append to what the client sent, so only the last entry is the proxy's own). Read it
 * only when a trusted proxy is the only way in.
 */
export function forwardedHeader(request: Request, name: string): string | undefined {
  const v = request.headers.get(name);
  if (!v) return undefined;
  const last = v.slice(v.lastIndexOf(",") + 1).trim();
  return last || undefined;
}
