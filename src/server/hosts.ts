/**
 * @module hosts
 * Which Host names this server answers to, and what a request looks like from behind a trusted
 * reverse proxy (the client's address, the scheme and host the browser used).
 *
 * Why a list: a page on evil.example whose DNS answer is switched to the device's address (DNS
 * rebinding) sends `Host: evil.example` and `Origin: http://evil.example`; Origin equals Host, so
 * the same-origin check passes. Only the Host tells it apart, so every request (pages, assets,
 * forms, sockets, /admin, /login, /setup, /_dd/*) must name one of:
 * - any IP address (a rebinding page needs a DNS name; an address in Host means the browser went to
 *   that address, so its pages are this server's own; this also covers an address that changes
 *   after start (DHCP), a NAT or a container's port mapping);
 * - `localhost`, the machine's hostname, `HOSTNAME.local` (mDNS), the address it was bound to;
 * - names given with `--allowed-hosts a,b` / `ALLOWED_HOSTS` / `allowedHosts` (`*`: no check).
 * A refused request gets 421 with a page that names the Host seen and the option to set; it does
 * not list the device's names (the rebinding page can read it).
 */

import { hostname as osHostname } from "node:os";
import { hostAllowed, isSameOrigin, parseHost } from "../auth/csrf.ts";
import { forwardedHeader, isHttps } from "../auth/cookie.ts";
import { escapeHtml } from "../core/escape.ts";
import { formatError } from "../core/errors.ts";
import { AddressTabs } from "./address-tabs.ts";

export interface EdgeOptions {
  /** More names this server answers to (`gadget.example.org`, `name:port`, `.example.org`), `*` for any. */
  allowedHosts?: readonly string[];
  /**
   * A reverse proxy is the only way in: believe its X-Forwarded-For (client address),
   * X-Forwarded-Proto (https, for Secure cookies) and X-Forwarded-Host (the name to check).
   */
  trustProxy?: boolean;
}

/** What `server.requestIP` needs: Bun's server, as Elysia hands it to a route. */
export type PeerSource = { requestIP(r: Request): { address: string } | null } | null | undefined;

/** Refusals are logged once per host per minute: a scanner must not flood the log. */
const LOG_EVERY_MS = 60_000;

export class Edge {
  /** Names accepted besides IP addresses. */
  readonly names: readonly string[];
  /** `*` was given: no Host check (unsafe on a network, see --allowed-hosts). */
  readonly anyHost: boolean;
  readonly trustProxy: boolean;
  private readonly logged = new Map<string, number>();
  /** Host values already found allowed: a browser sends the same one on every request. */
  private readonly known = new Set<string>();
  /** Tabs per client address, over every app and transport of this server (address-tabs.ts). */
  readonly tabs = new AddressTabs();

  constructor(o: EdgeOptions & { bound?: string } = {}) {
    const extra = (o.allowedHosts ?? []).map((h) => h.trim()).filter(Boolean);
    this.anyHost = extra.includes("*");
    this.trustProxy = !!o.trustProxy;
    this.names = [...new Set([...ownNames(o.bound), ...extra].map((n) => n.toLowerCase()))];
  }

  /** The Host the browser used: X-Forwarded-Host behind a trusted proxy, else Host. */
  host(req: Request): string {
    const fwd = this.trustProxy ? forwardedHeader(req, "x-forwarded-host") : undefined;
    return fwd ?? req.headers.get("host") ?? hostOfUrl(req.url);
  }

  /** Whether `host` (a Host header value) names this server. */
  allows(host: string): boolean {
    if (this.anyHost || this.known.has(host)) return true;
    const h = parseHost(host);
    if (!h || (!isIpLiteral(h.name) && !hostAllowed(host, this.names))) return false;
    if (this.known.size < 256) this.known.add(host);
    return true;
  }

  /**
   * Undefined when the request's Host is one of ours; else the 421 answer (and `onRefused` is
   * called, at most once a minute per host, for the log).
   */
  check(req: Request, onRefused?: (host: string) => void): Response | undefined {
    const host = this.host(req);
    if (this.allows(host)) return undefined;
    const now = Date.now();
    if (onRefused && now - (this.logged.get(host) ?? 0) >= LOG_EVERY_MS) {
      if (this.logged.size > 1000) this.logged.clear();
      this.logged.set(host, now);
      onRefused(host.slice(0, 200));
    }
    return refusal(req, host, !this.trustProxy && req.headers.has("x-forwarded-host"));
  }

  /**
   * Undefined when the client at `ip` may open another tab, else the 429 answer (logged through
   * `onRefused`; the budget's own log line already named the address, so this is a warning).
   */
  admitTab(ip: string, onRefused?: (code: string) => void): Response | undefined {
    const e = this.tabs.refusal(ip);
    if (!e) return undefined;
    onRefused?.(e.ddCode);
    const headers: Record<string, string> = { "content-type": "text/plain; charset=utf-8" };
    const wait = this.tabs.retryAfter(ip);
    if (wait) headers["retry-after"] = String(wait);
    return new Response(e.message, { status: 429, headers });
  }

  /** The client's address: the nearest proxy's X-Forwarded-For entry when trusted, else the peer's. */
  ip(req: Request, server: PeerSource): string {
    const fwd = this.trustProxy ? forwardedHeader(req, "x-forwarded-for") : undefined;
    return fwd ?? server?.requestIP(req)?.address ?? "unknown";
  }

  /** Whether the browser reached us over https (X-Forwarded-Proto behind a trusted proxy). */
  https(req: Request): boolean {
    return isHttps(req, { trustProxy: this.trustProxy });
  }

  /**
   * The cross-site check of forms, posts and socket upgrades (Origin, else Referer, names the
   * host). `allowMissing`: also accept neither (socket upgrades and fetch posts, which a browser
   * always sends with Origin: a request without one is a script, not a page on another site).
   */
  sameOrigin(req: Request, allowMissing = false): boolean {
    return isSameOrigin(req, { trustProxy: this.trustProxy, allowMissing });
  }
}

/**
 * Whether a name from `parseHost` is an IP address. The URL parser has normalized it already: an
 * IPv4 address in any form ("127.1", "0x7f.1") reads as a dotted quad, and only a valid IPv6
 * address comes in brackets. (node:net's isIP would cost ~1 ms of every start-up to load.)
 */
function isIpLiteral(name: string): boolean {
  return name.startsWith("[") || /^\d{1,3}(\.\d{1,3}){3}$/.test(name);
}

/** localhost, the machine's hostname (and its first label), HOSTNAME.local, and the bound name. */
function ownNames(bound: string | undefined): string[] {
  const names = ["localhost"];
  const full = osHostname().toLowerCase();
  if (full) {
    const short = full.split(".")[0]!;
    names.push(full, short, `${short}.local`);
  }
  if (bound && !["0.0.0.0", "::", ""].includes(bound)) names.push(bound.includes(":") && !bound.startsWith("[") ? `[${bound}]` : bound);
  return names;
}

function hostOfUrl(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "";
  }
}

/** The 421 answer: the Host seen, what is accepted, the option that adds a name. */
function refusal(req: Request, host: string, proxied: boolean): Response {
  const seen = host.length > 200 ? `${host.slice(0, 200)}…` : host;
  const name = parseHost(host)?.name;
  const add = name
    ? `--allowed-hosts ${name} (or ALLOWED_HOSTS=${name}, or new App({ allowedHosts: ["${name}"] }))`
    : "--allowed-hosts NAME with the name you open the device by";
  const text = formatError("DD_BAD_HOST", {
    what: `this server does not answer to the host name ${JSON.stringify(seen)}.`,
    expected: "an IP address, localhost, this device's hostname or HOSTNAME.local, or a name given with --allowed-hosts",
    found: `Host: ${seen}`,
    fix: `if that is a name of this device (a DNS name, a reverse proxy), start the server with ${add}${proxied ? "; behind a reverse proxy, also --trust-proxy" : ""}. Otherwise a page on another site tried to reach the device through its own name (DNS rebinding) and was stopped.`,
  });
  const headers = { "cache-control": "no-store" };
  if (!/\btext\/html\b/.test(req.headers.get("accept") ?? ""))
    return new Response(text + "\n", { status: 421, headers: { ...headers, "content-type": "text/plain; charset=utf-8" } });
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Unknown host name</title></head><body style="font:16px/1.5 system-ui,sans-serif;max-width:46em;margin:2em auto;padding:0 1em"><h1>Unknown host name</h1><pre style="white-space:pre-wrap">${escapeHtml(text)}</pre></body></html>`;
  return new Response(html, { status: 421, headers: { ...headers, "content-type": "text/html; charset=utf-8" } });
}
