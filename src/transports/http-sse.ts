/**
 * @module transports/http-sse
 * The HTTP service, for networks where WebSockets are blocked (the original's `server_service`
 * NORMAL): controls post their values with htmx's `hx-post` (serialized per page with
 * `hx-sync="body:queue all"`, so order is kept and nothing is dropped), and everything the server
 * sends comes down one Server-Sent Events stream per tab, read by htmx's `hx-sse` extension.
 * A tab is the SSE stream; its posts name it with a random secret (`DD-Client`), never its id.
 * The messages are the same JSON the WebSocket carries, handled by the same runtime code.
 * Posts must be same-origin and are read no further than the runtime's message limit.
 */

import hxSseJs from "htmx.org/dist/ext/hx-sse.min.js" with { type: "file" };
import glueJs from "../../public/transport-sse.js" with { type: "file" };
import { BUDGET_CLOSE_CODE } from "../core/budgets.ts";
import type { Client, Transport } from "../core/client.ts";
import type { Runtime } from "../core/runtime.ts";
import { FRAME, HEADER } from "../core/wire.ts";
import type { AddressTabs } from "../server/address-tabs.ts";
import { readBody } from "../server/body.ts";
import { newTab } from "./tab.ts";
import type { Identity, TransportAdapter, TransportMount } from "./types.ts";

export const CLIENT_HEADER = "DD-Client";
export const EVENTS_PATH = "/_dd/events";
/** The post target, relative to the page (controls name it in `hx-post`). */
export const UPDATE_PATH = "/_dd/update";
/**
 * The last event of a stream the server ends (a budget's 1008, a session's end 4001): its data is
 * `{"code":N,"reason":"..."}`, as a WebSocket close carries them. The page's `hx-sse:close` names
 * it, so hx-sse stops instead of reconnecting, and the glue shows the reason.
 */
export const CLOSE_EVENT = "dd-close";

const enc = new TextEncoder();

/** One SSE event; multi-line data is split into data: lines as the spec requires. */
export function sseEvent(data: string, event?: string, id?: string | number): string {
  let s = "";
  if (event) s += `event: ${event}\n`;
  if (id !== undefined) s += `id: ${id}\n`;
  for (const line of data.split(/\r\n|\r|\n/)) s += `data: ${line}\n`;
  return s + "\n";
}

export class HttpService {
  private readonly bySecret = new Map<string, Client>();

  constructor(
    private readonly rt: Runtime,
    private readonly tabs: AddressTabs,
  ) {}

  /** GET /_dd/events: opens a tab's stream. `Last-Event-ID` (the version it had) marks a reconnect. */
  events(req: Request, ip: string, who: Identity = {}): Response {
    const url = new URL(req.url);
    const lastId = req.headers.get("last-event-id");
    const reconnect = lastId !== null;
    const version = Number(lastId ?? url.searchParams.get("v")) || 0;
    const rt = this.rt;
    const secret = crypto.randomUUID();
    let client: Client | undefined;
    let ctrl: ReadableStreamDefaultController<Uint8Array> | undefined;
    let ping: ReturnType<typeof setInterval> | undefined;
    const write = (s: string): number => {
      if (!ctrl) return 0;
      try {
        ctrl.enqueue(enc.encode(s));
        return s.length;
      } catch {
        return 0;
      }
    };
    let closed = false;
    const close = () => {
      if (ping) clearInterval(ping);
      if (client && !closed) {
        closed = true;
        this.bySecret.delete(secret);
        this.tabs.closed(ip);
        rt.disconnect(client);
      }
    };
    const stream = new ReadableStream<Uint8Array>({
      start: (c) => {
        ctrl = c;
        const transport: Transport = {
          send: (frame) => write(sseEvent(frame, "dd")),
          sendFrame: (frame) => {
            const { [FRAME.content]: content, ...meta } = frame;
            let out = "";
            const v = frame[FRAME.version] as number | undefined;
            if (content) out += sseEvent(String(content), undefined, v);
            out += sseEvent(JSON.stringify(meta), "dd", content ? undefined : v);
            return write(out);
          },
          buffered: () => (ctrl && ctrl.desiredSize !== null && ctrl.desiredSize < 0 ? -ctrl.desiredSize : 0),
          close: (code, reason) => {
            if (code === BUDGET_CLOSE_CODE) this.tabs.budgetClosed(ip);
            if (code !== undefined) write(sseEvent(JSON.stringify({ code, reason: reason ?? "" }), CLOSE_EVENT));
            try {
              ctrl?.close();
            } catch {}
            close();
          },
        };
        client = newTab(
          rt,
          transport,
          { ip, userAgent: req.headers.get("user-agent") ?? "", origin: req.headers.get("origin") ?? "" },
          who,
        );
        this.bySecret.set(secret, client);
        this.tabs.opened(ip);
        write(sseEvent(JSON.stringify({ [FRAME.hello]: { id: client.id, secret } }), "dd"));
        rt.connect(client, version, reconnect);
        // A comment line every 15 s keeps proxies from closing an idle stream.
        ping = setInterval(() => write(": ping\n\n"), 15000);
      },
      cancel: close,
    });
    req.signal?.addEventListener("abort", close);
    return new Response(stream, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        "x-accel-buffering": "no",
        connection: "keep-alive",
      },
    });
  }

  /**
   * POST /_dd/update: one control's values, as htmx posts them. Answers when they are handled. The
   * body is one message: it is read no further than the runtime's message limit.
   */
  async update(req: Request): Promise<Response> {
    const client = this.bySecret.get(req.headers.get(CLIENT_HEADER) ?? "");
    if (!client) return text(409, "[DD_BAD_MESSAGE] this page's event stream is not connected (reload the page)");
    const body = await readBody(req, this.rt.maxMessageBytes);
    if (body instanceof Response) return body;
    const values: Record<string, unknown> = {};
    const ctype = req.headers.get("content-type") ?? "";
    let form: [string, unknown][];
    try {
      const parsed: unknown = ctype.includes("application/json") ? JSON.parse(new TextDecoder().decode(body)) : undefined;
      if (parsed !== undefined && (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)))
        throw new TypeError("not an object");
      form =
        parsed !== undefined
          ? Object.entries(parsed)
          : [...(await new Response(body as unknown as BodyInit, { headers: { "content-type": ctype } }).formData()).entries()];
    } catch {
      return text(400, "[DD_BAD_MESSAGE] the body is neither a form nor a JSON object of control values");
    }
    for (const [k, v] of form) {
      if (k === "headers") continue;
      values[k] = k in values ? ([] as unknown[]).concat(values[k], v) : v;
    }
    const headers = { [HEADER.source]: req.headers.get(HEADER.source), [HEADER.seq]: req.headers.get(HEADER.seq) };
    this.rt.handleMessage(client, JSON.stringify({ ...values, headers }));
    await client.queue.run(() => undefined);
    return new Response(null, { status: 204 });
  }

  get size(): number {
    return this.bySecret.size;
  }
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/** As the WebSocket's: a background tab keeps its stream, and reconnects quickly. */
const HTMX_SSE = { sse: { pauseOnBackground: false, reconnectDelay: 250, reconnectMaxDelay: 5000 } };

function mount({ app, prefix, runtime, edge, gate }: TransportMount): void {
  const http = new HttpService(runtime, edge.tabs);
  app
    .get(`${prefix}${EVENTS_PATH}`, ({ request, server }) => {
      const who = gate(request, "socket");
      if (who instanceof Response) return who;
      const ip = edge.ip(request, server);
      const busy = edge.admitTab(ip, (code) => runtime.log.warn("sse.refused", { reason: code, ip }));
      if (busy) return busy;
      return http.events(request, ip, who);
    })
    .post(
      `${prefix}${UPDATE_PATH}`,
      ({ request }) => {
        if (!edge.sameOrigin(request, true)) return text(403, "Cross-origin request refused");
        const who = gate(request, "post");
        if (who instanceof Response) return who;
        return http.update(request);
      },
      { parse: "none" },
    );
}

export const httpSse: TransportAdapter = {
  name: "http",
  sendAttrs: (trigger) => ({ "hx-post": UPDATE_PATH.slice(1), "hx-trigger": trigger, "hx-sync": "body:queue all", "hx-swap": "none" }),
  page: (version) => ({
    scripts: ["hx-sse.js", "transport-sse.js"],
    bodyAttrs: { "hx-sse:connect": `${EVENTS_PATH.slice(1)}?v=${version}`, "hx-sse:close": CLOSE_EVENT },
    htmxConfig: HTMX_SSE,
  }),
  mount,
  files: { "hx-sse.js": [hxSseJs, "text/javascript; charset=utf-8"], "transport-sse.js": [glueJs, "text/javascript; charset=utf-8"] },
};
