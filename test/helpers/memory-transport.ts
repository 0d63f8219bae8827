/**
 * Unit tests of the core's parts without a server: an in-memory implementation of the core's own
 * Transport interface (what a socket is to the core), tabs made on it, messages shaped as htmx's
 * hx-ws sends them, and `settle()`, which lets queued jobs, locks and outbox flushes run.
 */
import { Client, type Transport } from "../../src/core/client.ts";
import { HEADER } from "../../src/core/wire.ts";
import { memoryLogger } from "../../src/core/log.ts";
import { Runtime, type RuntimeOptions } from "../../src/core/runtime.ts";

export type Frame = Record<string, unknown> & { content?: string; v?: number; ack?: number; errors?: { code: string; message: string }[] };

export class MemoryTransport implements Transport {
  /** Every frame sent, parsed. */
  readonly frames: Frame[] = [];
  /** What `send` answers (Bun's codes: bytes sent, -1 queued behind a backed-up socket, 0 dropped). */
  sendResult = 1;
  /** Bytes the "socket" says are waiting. */
  bufferedBytes = 0;
  closed: { code?: number; reason?: string } | undefined;

  send(frame: string): number {
    this.frames.push(JSON.parse(frame) as Frame);
    return this.sendResult;
  }
  buffered(): number {
    return this.bufferedBytes;
  }
  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
  }

  /** Acks in the order frames carried them. */
  get acks(): number[] {
    return this.frames.flatMap((f) => (f.ack ? [f.ack] : []));
  }
  /** Error codes in the order they came. */
  get errorCodes(): string[] {
    return this.frames.flatMap((f) => (f.errors ?? []).map((e) => e.code));
  }
  /** All content sent, concatenated. */
  get content(): string {
    return this.frames.map((f) => f.content ?? "").join("");
  }
}

/** A tab on an in-memory transport; errors of its queue's jobs are collected. */
export function memoryTab(): { client: Client; transport: MemoryTransport; jobErrors: unknown[] } {
  const transport = new MemoryTransport();
  const jobErrors: unknown[] = [];
  const client = new Client(transport, { ip: "127.0.0.1" }, (e) => jobErrors.push(e));
  return { client, transport, jobErrors };
}

/** A message as htmx's hx-ws sends it (the glue adds DD-Seq). */
export function message(id: string, value: unknown, seq: number, tag = "div"): string {
  return JSON.stringify({
    [id]: typeof value === "string" ? value : JSON.stringify(value),
    headers: { [HEADER.source]: `${tag}#${id}`, [HEADER.seq]: String(seq) },
  });
}

/**
 * Lets everything queued run: jobs, locks and callbacks that resolve through promises, then the
 * outboxes' flush (setImmediate). A fixed number of turns, no clock.
 */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
}

/** A promise the test resolves when it chooses (a callback that waits for the test). */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A runtime with its log in memory, built by `build`, validated, its first shared calls made. */
export async function memoryRuntime(build: (rt: Runtime) => void, opts: RuntimeOptions = {}): Promise<{ rt: Runtime; log: string[] }> {
  const logger = memoryLogger();
  const rt = new Runtime({ log: logger, ...opts });
  build(rt);
  rt.validate();
  await rt.initialShared();
  rt.started = true;
  return { rt, log: logger.lines };
}

/** A tab connected to `rt` with a current page (no snapshot), its first frame already flushed and dropped. */
export async function connectTab(rt: Runtime): Promise<ReturnType<typeof memoryTab>> {
  const tab = memoryTab();
  rt.connect(tab.client, rt.version, false);
  await settle();
  tab.transport.frames.length = 0;
  return tab;
}
