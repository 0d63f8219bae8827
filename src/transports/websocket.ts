/**
 * @module transports/websocket
 * The WebSocket transport (the default): `<body hx-ws:connect="ws?v=N">` so htmx's hx-ws
 * extension opens `/ws`, controls carry `hx-ws:send`, and frames go down the same socket. The
 * upgrade is done with Bun's own `server.upgrade` so each message reaches the runtime as the raw
 * string (size checked before parsing, no per-message wrapper); Elysia's Bun adapter dispatches
 * socket events to the handlers we put in `ws.data`. Cross-origin upgrades are refused.
 */

import type { ServerWebSocket } from "bun";
import hxWsJs from "htmx.org/dist/ext/hx-ws.min.js" with { type: "file" };
import type { Client, Transport } from "../core/client.ts";
import { QUERY } from "../core/wire.ts";
import { reverseLookup } from "../server/hostname.ts";
import { newTab } from "./tab.ts";
import type { TransportAdapter, TransportMount } from "./types.ts";

/** The socket's path, under the mount's prefix; the page names it relative to its base. */
export const WS_PATH = "/ws";

/** Hard limit enforced by Bun itself (the socket is closed above it); ours is lower and answered with an error frame. */
const SOCKET_MAX_PAYLOAD = 1024 * 1024;

interface SocketData {
  pong(ws: ServerWebSocket<SocketData>): void;
  open(ws: ServerWebSocket<SocketData>): void;
  message(ws: ServerWebSocket<SocketData>, msg: string | Buffer): void;
  drain(ws: ServerWebSocket<SocketData>): void;
  close(ws: ServerWebSocket<SocketData>): void;
}

/** Keep the socket of a background tab open (the device's clients table must be true, and a hidden
 *  tab must not miss a device event), reconnect quickly. */
const HTMX_WS = { ws: { pauseOnBackground: false, reconnectDelay: 250, reconnectMaxDelay: 5000, maxOutgoingMessagesQueueSize: 200 } };

const plain = (status: number, body: string) => new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });

function mount({ app, prefix, runtime: rt, edge, gate }: TransportMount): void {
  app.get(`${prefix}${WS_PATH}`, ({ request, server }) => {
    if (!edge.sameOrigin(request, true)) {
      rt.log.warn("ws.refused", { reason: "cross-origin", origin: request.headers.get("origin") ?? undefined });
      return plain(403, "Cross-origin WebSocket refused");
    }
    const who = gate(request, "socket");
    if (who instanceof Response) return who;
    const url = new URL(request.url);
    const version = Number(url.searchParams.get(QUERY.version)) || 0;
    const reconnect = url.searchParams.get(QUERY.reconnect) === "1";
    const info = { ip: edge.ip(request, server), userAgent: request.headers.get("user-agent") ?? "", origin: request.headers.get("origin") ?? "" };
    let client: Client | undefined;
    const data: SocketData = {
      open(ws) {
        const c = (client = newTab(rt, transportOf(ws), info, who));
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

function transportOf(ws: ServerWebSocket<SocketData>): Transport {
  return {
    send: (frame) => ws.send(frame),
    buffered: () => ws.getBufferedAmount(),
    close: (code, reason) => ws.close(code, reason),
    ping: () => ws.ping(),
  };
}

export const websocket: TransportAdapter = {
  name: "websocket",
  sendAttrs: (trigger) => ({ "hx-ws:send": true, "hx-trigger": trigger }),
  page: (version) => ({ scripts: ["hx-ws.js"], bodyAttrs: { "hx-ws:connect": `${WS_PATH.slice(1)}?v=${version}` }, htmxConfig: HTMX_WS }),
  mount,
  files: { "hx-ws.js": [hxWsJs, "text/javascript; charset=utf-8"] },
  serverConfig: { websocket: { maxPayloadLength: SOCKET_MAX_PAYLOAD, idleTimeout: 120, perMessageDeflate: false, sendPings: true } },
};
