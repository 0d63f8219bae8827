/**
 * @module serve
 * The HTTP and WebSocket adapter: an Elysia app on Bun that serves the page, the embedded
 * assets and `/ws`. The WebSocket upgrade is done with Bun's own `server.upgrade` so each message
 * reaches the runtime as the raw string (size checked before parsing, no per-message wrapper);
 * Elysia's Bun adapter dispatches socket events to the handlers we put in `ws.data`.
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

export interface ServeOptions {
  host: string;
  port: number;
  log: Logger;
  /** Extra routes (login, setup, logout) added before the mounts. */
  routes?: (app: Elysia) => unknown;
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
  /** e.g. "http://127.0.0.1:5000" */
  readonly url: string;
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
  o.routes?.(app);
  for (const m of mounts) mount(app, m, assets);
  app.onError(({ code, error }) => {
    if (code === "NOT_FOUND") return notFound();
    o.log.error("http.error", { code: String(code), error: error as Error });
    return new Response("Internal error", { status: 500 });
  });

  app.listen({ hostname: o.host, port: o.port });
  const server = app.server!;
  const shownHost = o.host === "0.0.0.0" || o.host === "::" ? "127.0.0.1" : o.host;
  return {
    url: `http://${shownHost}:${server.port}`,
    port: server.port!,
    hostname: o.host,
    async stop() {
      for (const m of mounts) for (const c of m.runtime.clients) c.transport.close(1001, "server stopping");
      await app.stop(true);
    },
  };
}

const html = (body: string, status = 200) => new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });

/** Serves one runtime under a prefix: its page, assets, WebSocket, and the HTTP service. */
function mount(app: Elysia, m: Mount, assets: Map<string, Asset>): void {
  const rt = m.runtime;
  const p = m.prefix;
  const clientside = rt.clientside.length ? clientsideJson(rt.clientside) : undefined;
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
        return html(renderPage({ title: m.title, body, version: rt.version, assets, graphs: rt.hasType("dcc.Graph"), clientside, http: !!http, base: p ? `${p}/` : undefined }));
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
      return http.events(request, server?.requestIP(request)?.address ?? "", who);
    })
    .post(`${p}${UPDATE_PATH}`, ({ request }) => {
      if (!http) return notFound();
      if (!sameOrigin(request)) return new Response("Cross-origin request refused", { status: 403 });
      const who = pass(request, "post");
      if (who instanceof Response) return who;
      return http.update(request);
    }, { parse: "none" })
    .get(`${p}${WS_PATH}`, ({ request, server }) => {
      if (!sameOrigin(request)) {
        rt.log.warn("ws.refused", { reason: "cross-origin", origin: request.headers.get("origin") ?? undefined });
        return new Response("Cross-origin WebSocket refused", { status: 403 });
      }
      const who = pass(request, "socket");
      if (who instanceof Response) return who;
      const url = new URL(request.url);
      const version = Number(url.searchParams.get(QUERY.version)) || 0;
      const reconnect = url.searchParams.get(QUERY.reconnect) === "1";
      const userAgent = request.headers.get("user-agent") ?? "";
      const origin = request.headers.get("origin") ?? "";
      let client: Client | undefined;
      const data: SocketData = {
        open(ws) {
          const c = (client = new Client(transportOf(ws), { ip: ws.remoteAddress, userAgent, origin }, (e) => rt.reportError(e, c)));
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

/**
 * Browsers always send Origin on WebSocket upgrades; a page from another site must not drive the
 * device with the user's cookies (cross-site WebSocket hijacking). Non-browser clients that send
 * no Origin are allowed.
 */
export function sameOrigin(req: Request): boolean {
  const origin = req.headers.get("origin");
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.get("host");
  } catch {
    return false;
  }
}
