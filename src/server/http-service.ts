/**
 * @module http-service
 * The HTTP service, for networks where WebSockets are blocked (the original's `server_service`
 * NORMAL): controls post their values with htmx's `hx-post` (serialized per page with
 * `hx-sync="body:queue all"`, so order is kept and nothing is dropped), and everything the server
 * sends comes down one Server-Sent Events stream per tab, read by htmx's `hx-sse` extension.
 * A tab is the SSE stream; its posts name it with a random secret (`DD-Client`), never its id.
 * The messages are the same JSON the WebSocket carries, handled by the same runtime code.
 */

import { Client, type Transport } from "../core/client.ts";
import type { Runtime } from "../core/runtime.ts";
import { FRAME, HEADER, HTTP_UPDATE_PATH } from "../core/wire.ts";
import { identify, type Identity } from "./serve.ts";
import { readBody } from "./body.ts";

export const CLIENT_HEADER = "DD-Client";
export const EVENTS_PATH = "/_dd/events";
export const UPDATE_PATH = `/${HTTP_UPDATE_PATH}`;

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

  constructor(private readonly rt: Runtime) {}

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
    const close = () => {
      if (ping) clearInterval(ping);
      if (client) {
        this.bySecret.delete(secret);
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
          close: () => {
            try {
              ctrl?.close();
            } catch {}
            close();
          },
        };
        client = new Client(transport, { ip, userAgent: req.headers.get("user-agent") ?? "", origin: req.headers.get("origin") ?? "" }, (e) => rt.reportError(e, client));
        identify(client, who);
        this.bySecret.set(secret, client);
        write(sseEvent(JSON.stringify({ [FRAME.hello]: { id: client.id, secret } }), "dd"));
        rt.connect(client, version, reconnect);
        // A comment line every 15 s keeps proxies from closing an idle stream.
        ping = setInterval(() => write(": ping\n\n"), 15000);
      },
      cancel: close,
    });
    req.signal?.addEventListener("abort", close);
    return new Response(stream, {
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no", connection: "keep-alive" },
    });
  }

  /**
   * POST /_dd/update: one control's values, as htmx posts them. Answers when they are handled. The
   * body is one message: it is read no further than the runtime's message limit.
   */
  async update(req: Request): Promise<Response> {
    const client = this.bySecret.get(req.headers.get(CLIENT_HEADER) ?? "");
    if (!client) return text(409, "[DD_BAD_MESSAGE] this page's event stream is not connected (reload the page)");
    // Element access reads the runtime's private limit (type-checked, unlike a cast).
    const body = await readBody(req, this.rt["maxMessageBytes"]);
    if (body instanceof Response) return body;
    const values: Record<string, unknown> = {};
    const ctype = req.headers.get("content-type") ?? "";
    let form: [string, unknown][];
    try {
      const parsed: unknown = ctype.includes("application/json") ? JSON.parse(new TextDecoder().decode(body)) : undefined;
      if (parsed !== undefined && (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))) throw new TypeError("not an object");
      form = parsed !== undefined ? Object.entries(parsed) : [...(await new Response(body as unknown as BodyInit, { headers: { "content-type": ctype } }).formData()).entries()];
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
