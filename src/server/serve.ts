/**
 * @module serve
 * The web server: an Elysia app on Bun that serves each mounted runtime's page and embedded
 * assets, and mounts the runtime's transport (src/transports/: WebSocket, or HTTP posts + SSE),
 * which adds its own routes. The page loads what its components declare in `assets`.
 *
 * The edge, registered before any route so it covers all of them (Elysia hooks apply only to
 * routes added after them): every request gets the security headers (./headers.ts) and must name
 * one of our hosts (./hosts.ts), and one error handler logs failures and answers without their text.
 */

import { Elysia } from "elysia";
import type { Runtime } from "../core/runtime.ts";
import { ASSET_PREFIX } from "../core/wire.ts";
import { loadAssets, serveAsset, type Asset } from "./assets.ts";
import type { Logger } from "../core/log.ts";
import { collectAssets, renderPage } from "./page.ts";
import { CLIENTSIDE_ASSETS, clientsideJson } from "../core/clientside.ts";
import { transportNamed, transportServerConfig, type Gate, type Identity, type TransportName } from "../transports/index.ts";
import { Edge, type EdgeOptions } from "./hosts.ts";
import { contentSecurityPolicy, securityHeaders } from "./headers.ts";
import { primaryUrl, shownUrls, type InterfaceList } from "./addresses.ts";

export interface ServeOptions {
  host: string;
  port: number;
  log: Logger;
  /** Which Host names to answer besides the device's own; whether a reverse proxy is trusted. */
  edge?: EdgeOptions;
  /** Extra routes (login, setup, logout) added before the mounts; `edge` reads client address and scheme. */
  routes?: (app: Elysia, edge: Edge) => unknown;
  /** Serve https with this PEM key and certificate (./tls.ts). */
  tls?: { cert: string; key: string };
  /** The .local name to print first (mDNS answers it). */
  mdnsName?: string;
  /** @internal the machine's interfaces, for the printed URLs (tests pass their own). */
  interfaces?: InterfaceList;
}

export type { Gate, Identity };

/** A runtime served at a path prefix: the app at "", the admin console at "/admin". */
export interface Mount {
  prefix: string;
  runtime: Runtime;
  title: string;
  /** The transport (src/transports/): "websocket" (default) or "http" (posts up, Server-Sent Events down). */
  serverService?: TransportName;
  gate?: Gate;
}

export interface RunningServer {
  /** e.g. "http://127.0.0.1:5000": the bound address, or on every interface the first LAN address (localhost when there is none). */
  readonly url: string;
  /** What to print: NAME.local (with mDNS) and every LAN address, each ending in "/". */
  readonly urls: readonly string[];
  readonly port: number;
  readonly hostname: string;
  stop(): Promise<void>;
}

export async function serve(mounts: Mount[], o: ServeOptions): Promise<RunningServer> {
  const assets = await loadAssets();
  const app = new Elysia({
    serve: { reusePort: false, idleTimeout: 30 },
    ...transportServerConfig(),
  });
  const edge = new Edge({ ...o.edge, bound: o.host });
  if (edge.anyHost)
    o.log.warn("host.check_off", {
      message: "--allowed-hosts * : any Host name is answered, so a web page can reach this device through DNS rebinding",
    });
  const headers = securityHeaders();
  app.onError(({ code, error, request }) => {
    if (code === "NOT_FOUND") return notFound();
    if (code === "PARSE" || code === "VALIDATION") return plain(400, "Bad request");
    o.log.error("http.error", { code: String(code), method: request.method, path: pathOf(request), error: error as Error });
    return failed(request);
  });
  app.onRequest(({ request, set }) => {
    Object.assign(set.headers, headers);
    return edge.check(request, (host) => o.log.warn("host.refused", { host, path: pathOf(request) }));
  });
  o.routes?.(app, edge);
  for (const m of mounts) mount(app, m, assets, edge);

  app.listen({ hostname: o.host, port: o.port, ...(o.tls ? { tls: o.tls } : {}) });
  const server = app.server!;
  const shown = {
    scheme: o.tls ? "https" : "http",
    host: o.host,
    port: server.port!,
    mdnsName: o.mdnsName,
    interfaces: o.interfaces,
  } as const;
  return {
    url: primaryUrl(shown),
    urls: shownUrls(shown),
    port: server.port!,
    hostname: o.host,
    async stop() {
      for (const m of mounts) for (const c of m.runtime.clients) c.transport.close(1001, "server stopping");
      await app.stop(true);
    },
  };
}

const html = (body: string, status = 200, extra: Record<string, string> = {}) =>
  new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...extra } });
const plain = (status: number, body: string) => new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });

function pathOf(req: Request): string {
  try {
    return new URL(req.url).pathname.slice(0, 200); // never the query: it may carry a setup token
  } catch {
    return "";
  }
}

/** A 500 that says where the details are, never what they are. */
function failed(req: Request): Response {
  const text = "The server failed on this request; the details are in its log.";
  if (/\btext\/html\b/.test(req.headers.get("accept") ?? ""))
    return html(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Error</title></head><body><h1>Error</h1><p>${text}</p></body></html>`,
      500,
    );
  return plain(500, `Internal error. ${text}`);
}

/** Serves one runtime under a prefix: its page and assets, and its transport's routes. */
function mount(app: Elysia, m: Mount, assets: Map<string, Asset>, edge: Edge): void {
  const rt = m.runtime;
  const p = m.prefix;
  const transport = transportNamed(m.serverService);
  const clientside = rt.clientside.length ? clientsideJson(rt.clientside) : undefined;
  // Clientside callbacks are compiled in the page from their source text: only that page may eval.
  const pageHeaders: Record<string, string> = clientside ? { "content-security-policy": contentSecurityPolicy({ evalScripts: true }) } : {};
  const gate = (req: Request, kind: "page" | "socket" | "post"): Identity | Response => (m.gate ? m.gate(req, kind) : {});
  // A prefixed page carries <base href="/admin/"> so its relative URLs (ws, _dd/...) resolve under
  // the prefix whether it was loaded as /admin or /admin/.
  app
    .get(`${p}/`, ({ request }) => {
      const who = gate(request, "page");
      if (who instanceof Response) return who;
      try {
        const body = rt.renderLayout();
        // After the render, which records the types in the layout: the files they need.
        const needs = [...rt.components.specsInUse()].map((s) => s.assets);
        if (clientside) needs.push(CLIENTSIDE_ASSETS);
        const extras = collectAssets(needs, assets);
        return html(
          renderPage({
            title: m.title,
            body,
            version: rt.version,
            assets,
            transport: transport.page(rt.version),
            extras,
            clientside,
            base: p ? `${p}/` : undefined,
          }),
          200,
          pageHeaders,
        );
      } catch (e) {
        rt.log.error("page.error", { error: e as Error });
        return html(`<!doctype html><title>Error</title><pre>The page could not be rendered; see the server log.</pre>`, 500);
      }
    })
    .get(`${p}${ASSET_PREFIX}:name`, ({ params, request }) => serveAsset(assets, params.name, request));
  transport.mount({ app, prefix: p, runtime: rt, edge, gate });
}

function notFound(): Response {
  return new Response("Not found", { status: 404, headers: { "content-type": "text/plain" } });
}
