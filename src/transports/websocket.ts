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
import glueJs from "../../public/transport-ws.js" with { type: "file" };
import { BUDGET_CLOSE_CODE } from "../core/budgets.ts";
import type { Client, ClientInfo, Transport } from "../core/client.ts";
import type { Runtime } from "../core/runtime.ts";
import { QUERY } from "../core/wire.ts";
import type { AddressTabs } from "../server/address-tabs.ts";
import { cachedHostname, reverseLookup } from "../server/hostname.ts";
import { newTab } from "./tab.ts";
import type { Identity, TransportAdapter, TransportMount } from "./types.ts";

/** The socket's path, under the mount's prefix; the page names it relative to its base. */
export const WS_PATH = "/ws";

/** Hard limit enforced by Bun itself (the socket is closed above it); ours is lower and answered with an error frame. */
const SOCKET_MAX_PAYLOAD = 1024 * 1024;

/**
 * One socket's event handlers, which Elysia's Bun adapter finds in `ws.data` and calls: one object
 * per socket (the methods on the prototype), not a set of closures per socket.
 */
class SocketEvents {
  client: Client | undefined;

  /** Who opened the socket, until it is open (then the client holds it). */
  private request: { version: number; reconnect: boolean; info: ClientInfo; who: Identity } | undefined;

  constructor(
    private readonly rt: Runtime,
    private readonly tabs: AddressTabs,
    version: number,
    reconnect: boolean,
    info: ClientInfo,
    who: Identity,
  ) {
    this.request = { version, reconnect, info, who };
  }

  open(ws: ServerWebSocket<SocketEvents>): void {
    const r = this.request!;
    this.request = undefined;
    this.tabs.opened(r.info.ip);
    const c = (this.client = newTab(this.rt, new WsTransport(ws, this), r.info, r.who));
    this.rt.connect(c, r.version, r.reconnect);
    lookUpHostname(c);
  }
  message(_ws: ServerWebSocket<SocketEvents>, msg: string | Buffer): void {
    if (this.client) this.rt.handleMessage(this.client, msg);
  }
  drain(): void {
    this.client?.outbox.drain();
  }
  close(): void {
    if (!this.client) return;
    this.tabs.closed(this.client.ip);
    this.rt.disconnect(this.client);
  }
  /** The server closed this tab over a budget: it counts against its address (address-tabs.ts). */
  budgetClosed(): void {
    if (this.client) this.tabs.budgetClosed(this.client.ip);
  }
  pong(): void {
    this.client?.pong();
  }
}

/** A tab's transport over its socket. */
class WsTransport implements Transport {
  /** Bun's send answers -1 whenever bytes are left waiting (test/transports/ws-backpressure-send.test.ts). */
  readonly backpressureInSend = true;
  constructor(
    private readonly ws: ServerWebSocket<SocketEvents>,
    private readonly events: SocketEvents,
  ) {}
  send(frame: string): number {
    return this.ws.send(frame);
  }
  buffered(): number {
    return this.ws.getBufferedAmount();
  }
  close(code?: number, reason?: string): void {
    if (code === BUDGET_CLOSE_CODE) this.events.budgetClosed();
    this.ws.close(code, reason);
  }
  ping(): void {
    this.ws.ping();
  }
}

/** The reverse DNS name for the clients table: from the cache at once, else in the background. */
function lookUpHostname(c: Client): void {
  const known = cachedHostname(c.ip);
  if (known !== null) c.hostname = known;
  else
    void reverseLookup(c.ip).then((name) => {
      if (name) c.hostname = name;
    });
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
    const ip = edge.ip(request, server);
    const busy = edge.admitTab(ip, (code) => rt.log.warn("ws.refused", { reason: code, ip }));
    if (busy) return busy;
    const info = {
      ip,
      userAgent: request.headers.get("user-agent") ?? "",
      origin: request.headers.get("origin") ?? "",
    };
    const data = new SocketEvents(rt, edge.tabs, version, reconnect, info, who);
    if (server?.upgrade(request, { data })) return undefined;
    return new Response("Expected a WebSocket upgrade", { status: 400 });
  });
}

export const websocket: TransportAdapter = {
  name: "websocket",
  sendAttrs: (trigger) => ({ "hx-ws:send": true, "hx-trigger": trigger }),
  page: (version) => ({
    scripts: ["hx-ws.js", "transport-ws.js"],
    bodyAttrs: { "hx-ws:connect": `${WS_PATH.slice(1)}?v=${version}` },
    htmxConfig: HTMX_WS,
  }),
  mount,
  files: { "hx-ws.js": [hxWsJs, "text/javascript; charset=utf-8"], "transport-ws.js": [glueJs, "text/javascript; charset=utf-8"] },
  serverConfig: { websocket: { maxPayloadLength: SOCKET_MAX_PAYLOAD, idleTimeout: 120, perMessageDeflate: false, sendPings: true } },
};
