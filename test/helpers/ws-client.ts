/**
 * A test client that speaks exactly what htmx 4's hx-ws sends (form values plus `headers` with
 * HX-Request, HX-Source "tag#id", HX-Current-URL, HX-Target, and our glue's DD-Seq) and applies
 * the out-of-band fragments it receives to a tiny model of the page: id -> latest outer HTML.
 */
import { until } from "./server.ts";

export interface Frame {
  content?: string;
  v?: number;
  ack?: number;
  errors?: { code: string; message: string }[];
  [k: string]: unknown;
}

/** What every test tab has, whatever carries it: frames received and a model of the page. */
export abstract class TabClient {
  readonly frames: Frame[] = [];
  readonly raw: string[] = [];
  /** id -> outer HTML of the latest fragment for that id. */
  readonly dom = new Map<string, string>();
  seq = 0;
  closed = false;
  closeCode: number | undefined;

  protected onFrame(data: string): void {
    this.raw.push(data);
    this.apply(JSON.parse(data) as Frame);
  }

  protected apply(f: Frame): void {
    this.frames.push(f);
    if (f.content) for (const [id, html] of fragments(f.content)) this.dom.set(id, html);
  }

  /** Sends a control's values as htmx does. `tag` is the sending element's tag. */
  abstract send(id: string, values?: Record<string, unknown>, tag?: string): number;
  abstract close(): void;

  /** Shorthand for a slider/input: `{ [id]: String(value) }`. */
  set(id: string, value: unknown, tag = "div"): number {
    return this.send(id, { [id]: String(value) }, tag);
  }

  get lastAck(): number {
    let a = 0;
    for (const f of this.frames) if (f.ack && f.ack > a) a = f.ack;
    return a;
  }

  get errors(): { code: string; message: string }[] {
    return this.frames.flatMap((f) => f.errors ?? []);
  }

  /** Text content of the latest fragment for `id` (tags stripped, entities decoded). */
  text(id: string): string | undefined {
    const h = this.dom.get(id);
    return h === undefined ? undefined : decode(h.replace(/<[^>]*>/g, ""));
  }

  /** The `value` attribute of the first input inside the latest fragment for `id`. */
  inputValue(id: string): string | undefined {
    const h = this.dom.get(id);
    const m = h && /<input[^>]*\svalue="([^"]*)"/.exec(h);
    return m ? decode(m[1]!) : undefined;
  }

  async waitFor(cond: (c: this) => boolean, ms = 3000): Promise<void> {
    if (!(await until(() => cond(this), ms))) throw new Error(`timed out; last frames: ${this.raw.slice(-3).join("\n")}`);
  }

  async waitAck(seq: number, ms = 5000): Promise<void> {
    await this.waitFor((c) => c.lastAck >= seq, ms);
  }

  /** Sets a control as `set` does and waits for the server's ack; returns the message's number. */
  async change(id: string, value: unknown, tag = "div", ms?: number): Promise<number> {
    const seq = this.set(id, value, tag);
    await this.waitAck(seq, ms);
    return seq;
  }

  /** Clicks a button (its message as htmx sends it) and waits for the ack. */
  async click(id: string, ms?: number): Promise<number> {
    const seq = this.send(id, {}, "button");
    await this.waitAck(seq, ms);
    return seq;
  }

  /** Waits until the latest fragment for `id` reads `text`. */
  async waitText(id: string, text: string, ms?: number): Promise<void> {
    await this.waitFor((c) => c.text(id) === text, ms);
  }
}

export class WsClient extends TabClient {
  private constructor(
    readonly ws: WebSocket,
    readonly pageUrl: string,
  ) {
    super();
  }

  static async connect(
    wsUrl: string,
    opts: { version?: number; reconnect?: boolean; headers?: Record<string, string> } = {},
  ): Promise<WsClient> {
    const q = new URLSearchParams();
    if (opts.version !== undefined) q.set("v", String(opts.version));
    if (opts.reconnect) q.set("re", "1");
    const ws = new WebSocket(`${wsUrl}?${q}`, { headers: opts.headers } as unknown as string[]);
    const c = new WsClient(ws, wsUrl.replace(/^ws/, "http").replace(/\/ws$/, "/"));
    ws.onmessage = (e) => c.onFrame(String(e.data));
    ws.onclose = (e) => {
      c.closed = true;
      c.closeCode = e.code;
    };
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = (e) => reject(new Error(`WebSocket error: ${String((e as ErrorEvent).message ?? e)}`));
    });
    return c;
  }

  send(id: string, values: Record<string, unknown> = {}, tag = "div"): number {
    const seq = ++this.seq;
    const source = `${tag}#${encodeURI(id)}`;
    this.ws.send(
      JSON.stringify({
        ...values,
        headers: { "HX-Request": "true", "HX-Source": source, "HX-Current-URL": this.pageUrl, "HX-Target": source, "DD-Seq": String(seq) },
      }),
    );
    return seq;
  }

  sendRaw(data: string | Uint8Array): void {
    this.ws.send(data as string);
  }

  close(): void {
    this.ws.close();
  }
}

/** Splits content into top-level oob elements: [id, outerHTML]. Good enough for our own markup. */
export function fragments(content: string): [string, string][] {
  const out: [string, string][] = [];
  const re = /<([a-z0-9]+)\s[^>]*\bhx-swap-oob="outerMorph"[^>]*>/g;
  let m: RegExpExecArray | null;
  const starts: { tag: string; id: string; at: number }[] = [];
  while ((m = re.exec(content))) {
    const id = /\sid="([^"]*)"/.exec(m[0]);
    if (id) starts.push({ tag: m[1]!, id: decode(id[1]!), at: m.index });
  }
  for (let i = 0; i < starts.length; i++) {
    const end = i + 1 < starts.length ? starts[i + 1]!.at : content.length;
    out.push([starts[i]!.id, content.slice(starts[i]!.at, end)]);
  }
  return out;
}

export function decode(s: string): string {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}
