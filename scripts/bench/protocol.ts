/**
 * @module bench/protocol
 * Lean bench clients that put on the wire exactly what a page sends: over the WebSocket, the
 * JSON htmx 4's `hx-ws:send` builds for a slider (`{"rs":"7","headers":{"HX-Request":"true",
 * "HX-Source":"div#rs","HX-Current-URL":...,"HX-Target":"div#rs","DD-Seq":"N"}}`); over the
 * HTTP service, the form post htmx's `hx-post` makes (same headers plus DD-Client, keep-alive)
 * with updates read from the Server-Sent Events stream. Unlike test/helpers/ws-client.ts they
 * keep no history: each frame is only searched for the awaited marker and the ack, so the
 * client's own cost stays small and constant over thousands of samples.
 */

import { QUERY } from "../../src/core/wire.ts";

/** The JSON hx-ws:send sends for a control `id` holding `value`. */
export function wsMessage(id: string, value: string, seq: number, pageUrl: string): string {
  const source = `div#${encodeURI(id)}`;
  return JSON.stringify({
    [id]: value,
    headers: { "HX-Request": "true", "HX-Source": source, "HX-Current-URL": pageUrl, "HX-Target": source, "DD-Seq": String(seq) },
  });
}

/** The headers htmx 4 sets on an hx-post from control `id` (plus our glue's DD-Seq and DD-Client). */
export function postHeaders(id: string, seq: number, pageUrl: string, origin: string, secret: string): Record<string, string> {
  const source = `div#${encodeURI(id)}`;
  return {
    "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
    Accept: "text/html",
    Origin: origin,
    "HX-Request": "true",
    "HX-Source": source,
    "HX-Current-URL": pageUrl,
    "HX-Target": source,
    "HX-Request-Type": "partial",
    "DD-Seq": String(seq),
    "DD-Client": secret,
  };
}

interface Want {
  marker: string;
  resolve: (t: number) => void;
}

/** Reads `"ack":N` from a frame without parsing the rest. */
function ackOf(frame: string): number {
  const i = frame.lastIndexOf('"ack":');
  return i < 0 ? 0 : parseInt(frame.slice(i + 6), 10) || 0;
}

/** Common part: wait for a frame containing a marker (time taken on arrival) and for acks. */
abstract class MarkerClient {
  protected want: Want | undefined;
  private ackWant: { seq: number; resolve: () => void } | undefined;
  lastAck = 0;
  frames = 0;
  seq = 0;

  protected onFrame(frame: string): void {
    this.frames++;
    const w = this.want;
    if (w && frame.includes(w.marker) && frame.includes("hx-swap-oob")) {
      this.want = undefined;
      w.resolve(performance.now());
    }
    const a = ackOf(frame);
    if (a > this.lastAck) {
      this.lastAck = a;
      if (this.ackWant && a >= this.ackWant.seq) {
        const r = this.ackWant.resolve;
        this.ackWant = undefined;
        r();
      }
    }
  }

  /** Resolves with the arrival time of the first frame containing `marker`. */
  protected expect(marker: string, ms: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.want = undefined;
        reject(new Error(`no frame with ${marker} within ${ms} ms`));
      }, ms);
      this.want = {
        marker,
        resolve: (t) => {
          clearTimeout(timer);
          resolve(t);
        },
      };
    });
  }

  waitAck(seq: number, ms = 5000): Promise<void> {
    if (this.lastAck >= seq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ack ${seq} within ${ms} ms (last ${this.lastAck})`)), ms);
      this.ackWant = {
        seq,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
  }
}

/** One tab over the WebSocket service (or any echo server: `raw` skips the query). */
export class BenchWs extends MarkerClient {
  private constructor(
    readonly ws: WebSocket,
    readonly pageUrl: string,
  ) {
    super();
  }

  /** `baseUrl` is http://127.0.0.1:port; `version` is the shared version the page was rendered at. */
  static async open(baseUrl: string, o: { version?: number; path?: string } = {}): Promise<BenchWs> {
    const q = o.path ? "" : `?${QUERY.version}=${o.version ?? 0}`;
    const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}${o.path ?? "/ws"}${q}`, {
      headers: { Origin: baseUrl },
    } as unknown as string[]);
    const c = new BenchWs(ws, `${baseUrl}/`);
    ws.onmessage = (e) => c.onFrame(typeof e.data === "string" ? e.data : String(e.data));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`WebSocket to ${baseUrl} did not open`)), 10000);
      ws.onopen = () => {
        clearTimeout(timer);
        resolve();
      };
      ws.onerror = () => {
        clearTimeout(timer);
        reject(new Error(`WebSocket to ${baseUrl} failed`));
      };
    });
    return c;
  }

  /** Sends control `id` = `value` as hx-ws:send does; returns its DD-Seq. */
  send(id: string, value: number): number {
    const seq = ++this.seq;
    this.ws.send(wsMessage(id, String(value), seq, this.pageUrl));
    return seq;
  }

  /**
   * One sample: send, and time until the frame with `marker` arrives (ms). The message is built
   * before the clock starts, as htmx has built it before it calls send.
   */
  async roundTrip(id: string, value: number, marker: string, ms = 5000): Promise<{ ms: number; seq: number }> {
    const seq = ++this.seq;
    const msg = wsMessage(id, String(value), seq, this.pageUrl);
    const arrived = this.expect(marker, ms);
    const t0 = performance.now();
    this.ws.send(msg);
    return { ms: (await arrived) - t0, seq };
  }

  /** Echo server sample: the same message, timed until it comes back. */
  async echo(msg: string, ms = 5000): Promise<number> {
    const arrived = this.expect(msg.slice(0, 24), ms);
    const t0 = performance.now();
    this.ws.send(msg);
    return (await arrived) - t0;
  }

  protected override onFrame(frame: string): void {
    // Echo frames carry no hx-swap-oob: accept them by prefix.
    const w = this.want;
    if (w && !frame.includes("hx-swap-oob") && frame.startsWith(w.marker)) {
      this.want = undefined;
      this.frames++;
      w.resolve(performance.now());
      return;
    }
    super.onFrame(frame);
  }

  close(): void {
    this.ws.close();
  }
}

/** One tab over the HTTP service: an SSE stream down, keep-alive form posts up. */
export class BenchHttp extends MarkerClient {
  private secret = "";
  private readonly abort = new AbortController();
  private readonly origin: string;

  private constructor(readonly baseUrl: string) {
    super();
    this.origin = baseUrl;
  }

  static async open(baseUrl: string, o: { version?: number } = {}): Promise<BenchHttp> {
    const c = new BenchHttp(baseUrl);
    const res = await fetch(`${baseUrl}/_dd/events?${QUERY.version}=${o.version ?? 0}`, {
      signal: c.abort.signal,
      headers: { Accept: "text/event-stream" },
    });
    if (!res.ok || !res.body) throw new Error(`event stream: HTTP ${res.status}`);
    void c.read(res.body);
    const end = Date.now() + 10000;
    while (!c.secret && Date.now() < end) await Bun.sleep(2);
    if (!c.secret) throw new Error("event stream sent no hello");
    return c;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const dec = new TextDecoder();
    let buf = "";
    try {
      for await (const chunk of body) {
        buf += dec.decode(chunk, { stream: true });
        let i: number;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let data = "";
          for (const line of block.split("\n")) if (line.startsWith("data: ")) data += (data ? "\n" : "") + line.slice(6);
          if (!data) continue;
          if (!this.secret && data.includes('"hello"')) this.secret = (JSON.parse(data) as { hello: { secret: string } }).hello.secret;
          this.onFrame(data);
        }
      }
    } catch {
      // aborted
    }
  }

  private post(id: string, value: number, seq: number): Promise<Response> {
    return fetch(`${this.baseUrl}/_dd/update`, {
      method: "POST",
      body: `${encodeURIComponent(id)}=${encodeURIComponent(String(value))}`,
      headers: postHeaders(id, seq, `${this.baseUrl}/`, this.origin, this.secret),
      keepalive: true,
    });
  }

  /**
   * One sample: post the control's value, time until the fragment with `marker` arrives on the
   * event stream; then wait for the post's answer, as `hx-sync="body:queue all"` makes the page
   * wait before its next post.
   */
  async roundTrip(id: string, value: number, marker: string, ms = 5000): Promise<{ ms: number; seq: number }> {
    const seq = ++this.seq;
    const arrived = this.expect(marker, ms);
    const t0 = performance.now();
    const res = this.post(id, value, seq);
    const t1 = await arrived;
    const r = await res;
    await r.arrayBuffer();
    if (r.status >= 300) throw new Error(`POST /_dd/update: HTTP ${r.status}`);
    return { ms: t1 - t0, seq };
  }

  close(): void {
    this.abort.abort();
  }
}

/** Raw HTTP floor: POST the same form body to Bun's echo, keep-alive, until the body is back. */
export async function httpEcho(url: string, body: string, headers: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  const r = await fetch(url, { method: "POST", body, headers, keepalive: true });
  await r.text();
  return performance.now() - t0;
}
