/**
 * @module thread/edge-thread
 * The main thread's handle on the GPIO edge watcher (gpio-poller.ts): one device thread for every
 * GPIO line request of the process, started at the first listener. `watch(fd, sink)` hands it a
 * request's descriptor; edge records come back as messages, in order. `unwatch` waits (a few µs;
 * at most a second if the thread is wedged) until the thread has let go of the descriptor, so the
 * caller can close it without the thread reading a reused descriptor number. The thread keeps the
 * process alive only while something is watched, as the 10 ms timer it replaces did.
 */

import { EFD_CLOEXEC, EFD_NONBLOCK, libc } from "../libc.ts";
import { threadEntry, type RefWorker } from "./locate.ts";
import { CMD_UNWATCH, CMD_WATCH, RING, RING_BASE, type EdgeBatch, type StartMessage } from "./wire.ts";

const UNWATCH_WAIT_MS = 1000;

export type EdgeSink = (batch: EdgeBatch) => void;

export class EdgeThread {
  private static shared?: EdgeThread;
  private readonly worker: RefWorker;
  private readonly ctl: Int32Array;
  private readonly eventFd: number;
  private readonly sinks = new Map<number, EdgeSink>();
  private readonly wake = new BigUint64Array([1n]);
  private nextToken = 1;
  private written = 0;

  /** The process's edge watcher (started on first use). */
  static get(): EdgeThread {
    return (EdgeThread.shared ??= new EdgeThread());
  }

  private constructor() {
    const c = libc();
    const efd = c.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (efd < 0) throw new Error(`eventfd failed (errno ${-efd})`);
    this.eventFd = efd;
    const sab = new SharedArrayBuffer(4 * (RING_BASE + 3 * RING));
    this.ctl = new Int32Array(sab);
    this.worker = new Worker(threadEntry()) as RefWorker;
    this.worker.onmessage = (ev: MessageEvent) => {
      const b = ev.data as EdgeBatch;
      if (typeof b?.token === "number") this.sinks.get(b.token)?.(b);
    };
    this.worker.unref();
    const start: StartMessage = { role: "gpio", ctl: sab, eventFd: efd };
    this.worker.postMessage(start);
  }

  /** Start delivering the edge records of `fd` (a line request, O_NONBLOCK) to `sink`. */
  watch(fd: number, sink: EdgeSink): number {
    const token = this.nextToken++;
    this.sinks.set(token, sink);
    this.command(CMD_WATCH, fd, token);
    if (this.sinks.size === 1) this.worker.ref();
    return token;
  }

  /** Stop; returns once the thread no longer polls `fd`. */
  unwatch(token: number): void {
    if (!this.sinks.delete(token)) return;
    const index = this.command(CMD_UNWATCH, -1, token);
    const end = performance.now() + UNWATCH_WAIT_MS;
    for (;;) {
      const done = Atomics.load(this.ctl, 1);
      const left = end - performance.now();
      if (done >= index || left <= 0) break;
      Atomics.wait(this.ctl, 1, done, left);
    }
    if (this.sinks.size === 0) this.worker.unref();
  }

  /** Queue a command for the thread and wake it; returns the count of commands it must reach. */
  private command(op: number, fd: number, token: number): number {
    // The ring is full only if the thread is wedged: wait for room rather than overwrite.
    while (this.written - Atomics.load(this.ctl, 1) >= RING) Atomics.wait(this.ctl, 1, Atomics.load(this.ctl, 1), 50);
    const at = RING_BASE + 3 * (this.written % RING);
    this.ctl[at] = op;
    this.ctl[at + 1] = fd;
    this.ctl[at + 2] = token;
    this.written++;
    Atomics.store(this.ctl, 0, this.written);
    libc().write(this.eventFd, new Uint8Array(this.wake.buffer), 8);
    return this.written;
  }
}
