/**
 * A test tab over the HTTP service: reads its Server-Sent Events stream (content events and "dd"
 * meta events) and posts control values as htmx's hx-post does (form-encoded, HX-Source, DD-Seq,
 * DD-Client), one post after another as `hx-sync="body:queue all"` makes a page do.
 */
import { TabClient, type Frame } from "./ws-client.ts";

export class HttpClient extends TabClient {
  private secret = "";
  private chain: Promise<unknown> = Promise.resolve();
  private readonly abort = new AbortController();
  lastStatus = 0;

  private constructor(readonly baseUrl: string) {
    super();
  }

  static async connect(baseUrl: string, opts: { version?: number } = {}): Promise<HttpClient> {
    const c = new HttpClient(baseUrl);
    const res = await fetch(`${baseUrl}/_dd/events?v=${opts.version ?? 0}`, { signal: c.abort.signal });
    if (!res.ok || !res.body) throw new Error(`event stream: HTTP ${res.status}`);
    void c.read(res.body);
    await c.waitFor((x) => x.secret !== "");
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
          let event = "";
          const data: string[] = [];
          for (const line of block.split("\n")) {
            if (line.startsWith("event: ")) event = line.slice(7);
            else if (line.startsWith("data: ")) data.push(line.slice(6));
          }
          if (!data.length) continue;
          const text = data.join("\n");
          this.raw.push(text);
          if (event === "dd") {
            const f = JSON.parse(text) as Frame & { hello?: { secret: string } };
            if (f.hello) this.secret = f.hello.secret;
            this.apply(f);
          } else this.apply({ content: text });
        }
      }
    } catch {
      // aborted
    }
    this.closed = true;
  }

  send(id: string, values: Record<string, unknown> = {}, tag = "div"): number {
    const seq = ++this.seq;
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(values)) for (const x of Array.isArray(v) ? v : [v]) form.append(k, String(x));
    this.chain = this.chain.then(async () => {
      const r = await fetch(`${this.baseUrl}/_dd/update`, {
        method: "POST",
        body: form,
        headers: { "HX-Request": "true", "HX-Source": `${tag}#${encodeURI(id)}`, "DD-Seq": String(seq), "DD-Client": this.secret },
      });
      this.lastStatus = r.status;
    });
    return seq;
  }

  close(): void {
    this.abort.abort();
  }
}
