/**
 * @module gpio/lines-base
 * What requested lines do regardless of where they live: argument checks, logical values, listeners
 * and the async iterator of edge events, release. The real and the simulated chip only read and
 * write bitmaps (bit i = `offsets[i]`) and push events in through `emit`.
 */

import { createLogger, type Logger } from "../../core/log.ts";
import { badArg, DeviceError } from "../device-error.ts";
import { bit, validateSettings } from "./settings.ts";
import type { Bit, EdgeEvent, GpioLines, LineSettings, OverflowEvent } from "./types.ts";

/** Edge events an iterator keeps when nobody is pulling; older ones are dropped. */
const ITERATOR_BACKLOG = 1024;

interface Waiter {
  queue: EdgeEvent[];
  finished?: boolean;
  wake?: (r: IteratorResult<EdgeEvent>) => void;
}

export abstract class GpioLinesBase implements GpioLines {
  readonly offsets: readonly number[];
  protected settings: LineSettings;
  protected readonly logger: Logger;
  private isReleased = false;
  private readonly edgeFns = new Set<(e: EdgeEvent) => void>();
  private readonly errorFns = new Set<(e: Error) => void>();
  private readonly overflowFns = new Set<(e: OverflowEvent) => void>();
  /** Sequence number of the last event delivered (a gap after it is an overflow). */
  private lastSeqno = 0;
  private readonly waiters = new Set<Waiter>();

  protected constructor(
    readonly device: string,
    offsets: readonly number[],
    settings: LineSettings,
    logger?: Logger,
  ) {
    this.offsets = Object.freeze([...offsets]);
    this.settings = { ...settings };
    this.logger = logger ?? createLogger();
  }

  /** Bitmap of the requested lines (bit i = offsets[i]) → logical values. */
  protected abstract doGet(mask: bigint): bigint;
  protected abstract doSet(bits: bigint, mask: bigint): void;
  protected abstract doReconfigure(settings: LineSettings): void;
  protected abstract doRelease(): void;
  /** Someone started or stopped listening for edges. */
  protected listenersChanged(): void {}

  get released(): boolean {
    return this.isReleased;
  }

  protected get hasListeners(): boolean {
    return this.edgeFns.size > 0 || this.waiters.size > 0;
  }

  protected live(op: string): void {
    if (this.isReleased) {
      throw new DeviceError(
        "DD_DEVICE_CLOSED",
        {
          what: `${op} on lines ${this.offsets.join(",")} of ${this.device} after they were released`,
          expected: "requested lines",
          found: "lines.release() (or chip.close()) was called earlier",
          fix: "request the lines again",
        },
        { device: this.device, operation: op },
      );
    }
  }

  protected index(offset: number | undefined, op: string): number {
    if (offset === undefined) return 0;
    const i = this.offsets.indexOf(offset);
    if (i < 0)
      throw badArg(
        `${op}: line ${offset} is not part of this request`,
        `one of ${this.offsets.join(", ")}`,
        offset,
        "request the line first (chip.request / chip.input / chip.output)",
        { device: this.device, line: offset },
      );
    return i;
  }

  read(offset?: number): Bit {
    this.live("read");
    const i = this.index(offset, "read");
    return Number((this.doGet(1n << BigInt(i)) >> BigInt(i)) & 1n) as Bit;
  }

  readAll(): Bit[] {
    this.live("readAll");
    const bits = this.doGet((1n << BigInt(this.offsets.length)) - 1n);
    return this.offsets.map((_, i) => Number((bits >> BigInt(i)) & 1n) as Bit);
  }

  private checkOutput(op: string, line: number): void {
    if ((this.settings.direction ?? "input") !== "output") {
      throw badArg(
        `${op}: line ${line} of ${this.device} is an input`,
        "a line requested as an output",
        'direction "input"',
        'request it with chip.output(line) or lines.reconfigure({ direction: "output" })',
        { device: this.device, line },
      );
    }
  }

  private checkValue(v: unknown, line: number): Bit {
    if (v !== 0 && v !== 1 && v !== true && v !== false)
      throw badArg("invalid GPIO value", "0, 1, true or false", v, "pass 0 or 1", { device: this.device, line });
    return bit(v);
  }

  write(value: Bit | boolean, offset?: number): void {
    this.live("write");
    const i = this.index(offset, "write");
    this.checkOutput("write", this.offsets[i]!);
    const b = BigInt(i);
    this.doSet(BigInt(this.checkValue(value, this.offsets[i]!)) << b, 1n << b);
  }

  writeAll(values: readonly (Bit | boolean)[] | Record<number, Bit | boolean>): void {
    this.live("writeAll");
    this.checkOutput("writeAll", this.offsets[0]!);
    let bits = 0n;
    let mask = 0n;
    const entries: Array<[number, unknown]> = Array.isArray(values)
      ? values.map((v, i) => [this.offsets[i] ?? -1, v])
      : Object.entries(values).map(([k, v]) => [Number(k), v]);
    if (Array.isArray(values) && values.length !== this.offsets.length) {
      throw badArg(
        "writeAll: wrong number of values",
        `${this.offsets.length} values (one per line, in offsets order)`,
        `${values.length}`,
        "pass an array per line or an object { offset: value }",
        { device: this.device },
      );
    }
    for (const [offset, v] of entries) {
      const i = this.index(offset, "writeAll");
      mask |= 1n << BigInt(i);
      if (this.checkValue(v, offset)) bits |= 1n << BigInt(i);
    }
    this.doSet(bits, mask);
  }

  reconfigure(settings: LineSettings): void {
    this.live("reconfigure");
    validateSettings(settings, this.offsets.length, { device: this.device, line: this.offsets[0] });
    this.doReconfigure(settings);
    this.settings = { ...settings };
    this.listenersChanged();
  }

  on(event: "edge", fn: (e: EdgeEvent) => void): () => void;
  on(event: "overflow", fn: (e: OverflowEvent) => void): () => void;
  on(event: "error", fn: (e: Error) => void): () => void;
  on(event: "edge" | "overflow" | "error", fn: ((e: EdgeEvent) => void) | ((e: OverflowEvent) => void) | ((e: Error) => void)): () => void {
    this.live("on");
    if (typeof fn !== "function") throw badArg("invalid listener", "a function", fn, "pass (event) => ...", { device: this.device });
    if (event === "edge") this.edgeFns.add(fn as (e: EdgeEvent) => void);
    else if (event === "overflow") this.overflowFns.add(fn as (e: OverflowEvent) => void);
    else if (event === "error") this.errorFns.add(fn as (e: Error) => void);
    else throw badArg("unknown event", `"edge", "overflow" or "error"`, event, 'listen for "edge"', { device: this.device });
    if (event === "edge") this.warnIfNoEdges();
    this.listenersChanged();
    return () => this.off(event, fn as never);
  }

  off(event: "edge" | "overflow" | "error", fn: (...args: never[]) => void): void {
    if (event === "edge") this.edgeFns.delete(fn as never);
    else if (event === "overflow") this.overflowFns.delete(fn as never);
    else this.errorFns.delete(fn as never);
    this.listenersChanged();
  }

  edges(): AsyncIterableIterator<EdgeEvent> {
    this.live("edges");
    this.warnIfNoEdges();
    const w: Waiter = { queue: [] };
    this.waiters.add(w);
    this.listenersChanged();
    const done = (): IteratorResult<EdgeEvent> => {
      w.finished = true;
      w.queue.length = 0;
      this.waiters.delete(w);
      this.listenersChanged();
      return { done: true, value: undefined };
    };
    const it: AsyncIterableIterator<EdgeEvent> = {
      next: () => {
        if (w.finished) return Promise.resolve({ done: true, value: undefined });
        const e = w.queue.shift();
        if (e) return Promise.resolve({ done: false, value: e });
        if (this.isReleased || !this.waiters.has(w)) return Promise.resolve(done());
        return new Promise((resolve) => (w.wake = resolve));
      },
      return: () => {
        w.wake?.({ done: true, value: undefined });
        return Promise.resolve(done());
      },
      [Symbol.asyncIterator]: () => it,
    };
    return it;
  }

  private warnIfNoEdges(): void {
    if (!this.settings.edge)
      this.logger.warn("gpio.no-edges", {
        device: this.device,
        lines: this.offsets.join(","),
        hint: 'request with { edge: "both" } to get edge events',
      });
  }

  /**
   * Deliver one edge event as read from the kernel's buffer (or the simulator's): a gap in sequence
   * numbers since the last one means the buffer overflowed, reported first with the exact count.
   */
  protected receive(e: EdgeEvent): void {
    // seqno is a u32 in the kernel: after a wrap (or a fresh request) count from the event itself.
    const gap = e.seqno > this.lastSeqno ? e.seqno - this.lastSeqno - 1 : 0;
    if (gap > 0) this.overflow({ lost: gap, afterSeqno: this.lastSeqno, seqno: e.seqno });
    this.lastSeqno = e.seqno;
    this.emit(e);
  }

  private overflow(o: OverflowEvent): void {
    if (this.overflowFns.size === 0) {
      this.logger.warn("gpio.overflow", {
        device: this.device,
        lines: this.offsets.join(","),
        lost: o.lost,
        afterSeqno: o.afterSeqno,
        seqno: o.seqno,
        hint: 'edge events came faster than they were read: listen with lines.on("overflow", ...), or raise eventBufferSize (max 1024)',
      });
      return;
    }
    for (const fn of [...this.overflowFns]) {
      try {
        fn(o);
      } catch (err) {
        this.fail(err instanceof Error ? err : new Error(String(err)));
      }
    }
  }

  /** Deliver one edge event to listeners and iterators. Listener errors go to "error" listeners. */
  protected emit(e: EdgeEvent): void {
    for (const fn of [...this.edgeFns]) {
      try {
        fn(e);
      } catch (err) {
        this.fail(err instanceof Error ? err : new Error(String(err)));
      }
    }
    for (const w of this.waiters) {
      if (w.wake) {
        const wake = w.wake;
        w.wake = undefined;
        wake({ done: false, value: e });
      } else {
        w.queue.push(e);
        if (w.queue.length > ITERATOR_BACKLOG) w.queue.shift();
      }
    }
  }

  /** Report an asynchronous failure (e.g. reading events); never throws. */
  protected fail(err: Error): void {
    if (this.errorFns.size === 0) {
      this.logger.error("gpio.error", { device: this.device, lines: this.offsets.join(","), error: err });
      return;
    }
    for (const fn of [...this.errorFns]) {
      try {
        fn(err);
      } catch (e) {
        this.logger.error("gpio.error-listener-threw", { device: this.device, error: e instanceof Error ? e : String(e) });
      }
    }
  }

  release(): void {
    if (this.isReleased) return;
    this.isReleased = true;
    try {
      this.doRelease();
    } finally {
      for (const w of this.waiters) w.wake?.({ done: true, value: undefined });
      this.waiters.clear();
      this.edgeFns.clear();
      this.errorFns.clear();
      this.overflowFns.clear();
      this.listenersChanged();
    }
  }
}
