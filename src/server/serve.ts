/**
 * @module serve
 * The HTTP and WebSocket adapter: an Elysia app on Bun that serves the page, the embedded
 * assets and `/ws`. The WebSocket upgrade is done with Bun's own `server.upgrade` so each message
 * reaches the runtime as the raw string (size checked before parsing, no per-message wrapper);
 * Elysia's Bun adapter dispatches socket events to the handlers we put in `ws.data`.
 *
 * The edge, registered before any route so it covers all of them (Elysia hooks apply only to
 * routes added after them): every request gets the security headers (./headers.ts) and must name
 * one of our hosts (./hosts.ts), and one error handler logs failures and answers without their text.
 */

import { Elysia } from "elysia";
import type { ServerWebSocket } from "bun";
import { Client, type Transport } from "../core/client.ts";
import type { Runtime } from "../core/runtime.ts";
import { ASSET_PREFIX, QUERY, WS_PATH } from "../core/wire.ts";
import { loadAssets, serveAsset, type Asset } from "./assets.ts";
import type { Logger } from "../core/log.ts";
import { renderPage } from "./page.ts";
import { clientsideJson } from "../core/clientside.ts";
import { reverseLookup } from "./hostname.ts";
import { EVENTS_PATH, HttpService, UPDATE_PATH } from "./http-service.ts";
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

/** Who a request is, as far as the app's access rules know (nothing in a public app). */
export interface Identity {
  sessionId?: string;
  user?: { id: number; username: string; role: string };
}

/** Decides on a page load, socket upgrade or post: an identity, or the response to send instead. */
export type Gate = (req: Request, kind: "page" | "socket" | "post") => Identity | Response;

/** A runtime served at a path prefix: the app at "", the admin console at "/admin". */
export interface Mount {
  prefix: string;
  runtime: Runtime;
  title: string;
  /** "websocket" (default) or "http": posts up, Server-Sent Events down. */
  serverService?: "websocket" | "http";
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

interface SocketData {
  pong(ws: ServerWebSocket<SocketData>): void;
  open(ws: ServerWebSocket<SocketData>): void;
  message(ws: ServerWebSocket<SocketData>, msg: string | Buffer): void;
  drain(ws: ServerWebSocket<SocketData>): void;
  close(ws: ServerWebSocket<SocketData>): void;
}

/** Hard limit enforced by Bun itself (the socket is closed above it); ours is lower and answered with an error frame. */
const SOCKET_MAX_PAYLOAD = 1024 * 1024;

export async function serve(mounts: Mount[], o: ServeOptions): Promise<RunningServer> {
  const assets = await loadAssets();
  const app = new Elysia({
    serve: { reusePort: false, idleTimeout: 30 },
    websocket: { maxPayloadLength: SOCKET_MAX_PAYLOAD, idleTimeout: 120, perMessageDeflate: false, sendPings: true },
  });
  const edge = new Edge({ ...o.edge, bound: o.host });
  if (edge.anyHost) o.log.warn("host.check_off", { message: "--allowed-hosts * : any Host name is answered, so a web page can reach this device through DNS rebinding" });
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
  const shown = { scheme: o.tls ? "https" : "http", host: o.host, port: server.port!, mdnsName: o.mdnsName, interfaces: o.interfaces } as const;
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

const html = (body: string, status = 200, extra: Record<string, string> = {}) => new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...extra } });
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
  if (/\btext\/html\b/.test(req.headers.get("accept") ?? "")) return html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Error</title></head><body><h1>Error</h1><p>${text}</p></body></html>`, 500);
  return plain(500, `Internal error. ${text}`);
}

/** Serves one runtime under a prefix: its page, assets, WebSocket, and the HTTP service. */
function mount(app: Elysia, m: Mount, assets: Map<string, Asset>, edge: Edge): void {
  const rt = m.runtime;
  const p = m.prefix;
  const clientside = rt.clientside.length ? clientsideJson(rt.clientside) : undefined;
  // Clientside callbacks are compiled in the page from their source text: only that page may eval.
  const pageHeaders: Record<string, string> = clientside ? { "content-security-policy": contentSecurityPolicy({ evalScripts: true }) } : {};
  const http = m.serverService === "http" ? new HttpService(rt) : undefined;
  const pass = (req: Request, kind: "page" | "socket" | "post"): Identity | Response => (m.gate ? m.gate(req, kind) : {});
  // A prefixed page carries <base href="/admin/"> so its relative URLs (ws, _dd/...) resolve under
  // the prefix whether it was loaded as /admin or /admin/.
  app
    .get(`${p}/`, ({ request }) => {
      const who = pass(request, "page");
      if (who instanceof Response) return who;
      try {
        const body = rt.renderLayout();
        return html(renderPage({ title: m.title, body, version: rt.version, assets, graphs: rt.hasType("dcc.Graph"), clientside, http: !!http, base: p ? `${p}/` : undefined }), 200, pageHeaders);
      } catch (e) {
        rt.log.error("page.error", { error: e as Error });
        return html(`<!doctype html><title>Error</title><pre>The page could not be rendered; see the server log.</pre>`, 500);
      }
    })
    .get(`${p}${ASSET_PREFIX}:name`, ({ params, request }) => serveAsset(assets, params.name, request))
    .get(`${p}${EVENTS_PATH}`, ({ request, server }) => {
      if (!http) return notFound();
      const who = pass(request, "socket");
      if (who instanceof Response) return who;
      return http.events(request, edge.ip(request, server), who);
    })
    .post(`${p}${UPDATE_PATH}`, ({ request }) => {
      if (!http) return notFound();
      if (!edge.sameOrigin(request, true)) return plain(403, "Cross-origin request refused");
      const who = pass(request, "post");
      if (who instanceof Response) return who;
      return http.update(request);
    }, { parse: "none" })
    .get(`${p}${WS_PATH}`, ({ request, server }) => {
      if (!edge.sameOrigin(request, true)) {
        rt.log.warn("ws.refused", { reason: "cross-origin", origin: request.headers.get("origin") ?? undefined });
        return plain(403, "Cross-origin WebSocket refused");
      }
      const who = pass(request, "socket");
      if (who instanceof Response) return who;
      const url = new URL(request.url);
      const version = Number(url.searchParams.get(QUERY.version)) || 0;
      const reconnect = url.searchParams.get(QUERY.reconnect) === "1";
      const userAgent = request.headers.get("user-agent") ?? "";
      const origin = request.headers.get("origin") ?? "";
      const ip = edge.ip(request, server);
      let client: Client | undefined;
      const data: SocketData = {
        open(ws) {
          const c = (client = new Client(transportOf(ws), { ip, userAgent, origin }, (e) => rt.reportError(e, c)));
          identify(c, who);
          rt.connect(c, version, reconnect);
          void reverseLookup(c.ip).then((name) => {
            if (name) c.hostname = name;
          });
        },
        message(_ws, msg) {
          if (client) rt.handleMessage(client, msg);
        },
        drain() {
          client?.outbox.drain();
        },
        close() {
          if (client) rt.disconnect(client);
        },
        pong() {
          if (client) client.pong();
        },
      };
      if (server?.upgrade(request, { data })) return undefined;
      return new Response("Expected a WebSocket upgrade", { status: 400 });
    });
}

/** Puts who the request was into the client, for callbacks (`ctx.client.user`) and the console. */
export function identify(c: Client, who: Identity): void {
  c.sessionId = who.sessionId;
  if (who.user) {
    c.user = who.user;
    c.username = who.user.username;
    if (c.authentication === undefined) c.authentication = who.user.role;
  }
}

function notFound(): Response {
  return new Response("Not found", { status: 404, headers: { "content-type": "text/plain" } });
}

function transportOf(ws: ServerWebSocket<SocketData>): Transport {
  return {
    send: (frame) => ws.send(frame),
    buffered: () => ws.getBufferedAmount(),
    close: (code, reason) => ws.close(code, reason),
    ping: () => ws.ping(),
  };
}
