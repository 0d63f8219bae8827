/**
 * @module redirect
 * `--http-redirect N`: with TLS on the main port, a second small listener on port N answers every
 * http:// request with a 308 to the same host and path on the https port, so a person who types
 * `gadget.local:8080` (or follows an old bookmark) lands on the encrypted page. It is an edge like the
 * main server's: the same Host allow-list (a rebinding page gets 421, not a redirect naming the
 * device) and the same security headers. It serves nothing else; a 308 keeps a POST a POST.
 */

import { parseHost } from "../auth/csrf.ts";
import type { Logger } from "../core/log.ts";
import { Edge, type EdgeOptions } from "./hosts.ts";
import { securityHeaders } from "./headers.ts";

export interface RedirectOptions {
  host: string;
  port: number;
  /** The https port to send browsers to. */
  tlsPort: number;
  edge?: EdgeOptions;
  log: Logger;
}

export interface RedirectServer {
  readonly port: number;
  stop(): Promise<void>;
}

export function startRedirect(o: RedirectOptions): RedirectServer {
  const edge = new Edge({ ...o.edge, bound: o.host });
  const headers = securityHeaders();
  const server = Bun.serve({
    hostname: o.host,
    port: o.port,
    reusePort: false,
    idleTimeout: 10,
    fetch(req) {
      const refused = edge.check(req, (host) => o.log.warn("host.refused", { host, port: server.port, listener: "http-redirect" }));
      if (refused) return withHeaders(refused, headers);
      const url = new URL(req.url);
      const name = parseHost(edge.host(req))?.name ?? url.hostname;
      const location = `https://${name}${o.tlsPort === 443 ? "" : `:${o.tlsPort}`}${url.pathname}${url.search}`;
      return new Response(null, { status: 308, headers: { ...headers, location, "cache-control": "no-store" } });
    },
  });
  return {
    port: server.port!,
    async stop() {
      await server.stop(true);
    },
  };
}

function withHeaders(r: Response, headers: Record<string, string>): Response {
  for (const [k, v] of Object.entries(headers)) r.headers.set(k, v);
  return r;
}
