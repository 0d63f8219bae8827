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
import { loadAssets, serveAsset } from "./assets.ts";
import { renderPage } from "./page.ts";
import { clientsideJson } from "../core/clientside.ts";
import { reverseLookup } from "./hostname.ts";
import { EVENTS_PATH, HttpService, UPDATE_PATH } from "./http-service.ts";

export interface ServeOptions {
  host: string;
  port: number;
  title: string;
  /** "websocket" (default) or "http": posts up, Server-Sent Events down. */
  serverService?: "websocket" | "http";
}

export interface RunningServer {
  /** e.g. "http://127.0.0.1:5000" */
  readonly url: string;
  readonly port: number;
  readonly hostname: string;
  stop(): Promise<void>;
}

interface SocketData {
  open(ws: ServerWebSocket<SocketData>): void;
  message(ws: ServerWebSocket<SocketData>, msg: string | Buffer): void;
  drain(ws: ServerWebSocket<SocketData>): void;
  close(ws: ServerWebSocket<SocketData>): void;
}

/** Hard limit enforced by Bun itself (the socket is closed above it); ours is lower and answered with an error frame. */
const SOCKET_MAX_PAYLOAD = 1024 * 1024;

export async function serve(rt: Runtime, o: ServeOptions): Promise<RunningServer> {
  const assets = await loadAssets();
  const clientside = rt.clientside.length ? clientsideJson(rt.clientside) : undefined;
  const http = o.serverService === "http" ? new HttpService(rt) : undefined;
  const html = (body: string, status = 200) => new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });

  const app = new Elysia({
    serve: { reusePort: false, idleTimeout: 30 },
    websocket: { maxPayloadLength: SOCKET_MAX_PAYLOAD, idleTimeout: 120, perMessageDeflate: false, sendPings: true },
  })
    .get("/", () => {
      try {
        const body = rt.renderLayout();
        return html(renderPage({ title: o.title, body, version: rt.version, assets, graphs: rt.hasType("dcc.Graph"), clientside, http: !!http }));
      } catch (e) {
        rt.log.error("page.error", { error: e as Error });
        return html(`<!doctype html><title>Error</title><pre>The page could not be rendered; see the server log.</pre>`, 500);
      }
    })
    .get(`${ASSET_PREFIX}:name`, ({ params, request }) => serveAsset(assets, params.name, request))
    .get(EVENTS_PATH, ({ request, server }) => (http ? http.events(request, server?.requestIP(request)?.address ?? "") : notFound()))
    .post(UPDATE_PATH, ({ request }) => {
      if (!http) return notFound();
      if (!sameOrigin(request)) return new Response("Cross-origin request refused", { status: 403 });
      return http.update(request);
    }, { parse: "none" })
    .get(WS_PATH, ({ request, server }) => {
      if (!sameOrigin(request)) {
        rt.log.warn("ws.refused", { reason: "cross-origin", origin: request.headers.get("origin") ?? undefined });
        return new Response("Cross-origin WebSocket refused", { status: 403 });
      }
      const url = new URL(request.url);
      const version = Number(url.searchParams.get(QUERY.version)) || 0;
      const reconnect = url.searchParams.get(QUERY.reconnect) === "1";
      const userAgent = request.headers.get("user-agent") ?? "";
      const origin = request.headers.get("origin") ?? "";
      let client: Client | undefined;
      const data: SocketData = {
        open(ws) {
          const c = (client = new Client(transportOf(ws), { ip: ws.remoteAddress, userAgent, origin }, (e) => rt.reportError(e, c)));
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
      };
      if (server?.upgrade(request, { data })) return undefined;
      return new Response("Expected a WebSocket upgrade", { status: 400 });
    })
    .onError(({ code, error }) => {
      if (code === "NOT_FOUND") return new Response("Not found", { status: 404, headers: { "content-type": "text/plain" } });
      rt.log.error("http.error", { code: String(code), error: error as Error });
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
      for (const c of rt.clients) c.transport.close(1001, "server stopping");
      await app.stop(true);
    },
  };
}

function notFound(): Response {
  return new Response("Not found", { status: 404, headers: { "content-type": "text/plain" } });
}

function transportOf(ws: ServerWebSocket<SocketData>): Transport {
  return {
    send: (frame) => ws.send(frame),
    buffered: () => ws.getBufferedAmount(),
    close: (code, reason) => ws.close(code, reason),
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
