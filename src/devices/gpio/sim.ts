/**
 * @module gpio/sim
 * A simulated GPIO chip behind the same interface as the real one. The test (or the demo) plays
 * the outside world: `sim.setInput(line, 1)` drives a pin, `sim.level(line)` shows what an output
 * drives. Requests follow the kernel's rules (one owner per line, same validity checks), bias pulls
 * floating inputs, active-low inverts, and edges are detected and debounced as the kernel does: a
 * change is reported once the line has been stable for the debounce period, shorter glitches are
 * dropped. Events arrive asynchronously, like the real chip's, through a buffer of the request's
 * `eventBufferSize` (default 1024, as the real chip asks the kernel for): events wait there until
 * someone listens, and when it is full the oldest are dropped, which listeners see as an
 * "overflow" event with the exact count, as on the real chip.
 */

import type { Logger } from "../../core/log.ts";
import { checkInt } from "../device-error.ts";
import { MAX_EVENT_BUFFER } from "./uapi.ts";
import { ERRNO } from "../errno.ts";
import { realClock, type SimClock } from "../sim-clock.ts";
import { gpioError } from "./errors.ts";
import { GpioLinesBase } from "./lines-base.ts";
import { bit, initialBits, normalizeOffsets, validateSettings } from "./settings.ts";
import type { Bit, EdgeEvent, GpioChip, GpioChipInfo, GpioLineInfo, GpioLines, LineRequest, LineSettings } from "./types.ts";

export interface SimGpioChipOptions {
  /** Chip number: the path becomes `sim:gpiochipN`. */
  chip?: number;
  /** Number of lines (default 32). */
  lines?: number;
  /** Line names, by offset (e.g. `["GPIO0", "GPIO1", ...]`). */
  names?: readonly string[];
  label?: string;
  clock?: SimClock;
  logger?: Logger;
}

interface SimLine {
  name: string;
  /** Level the outside world drives; undefined = floating. */
  external?: Bit;
  owner?: SimGpioLines;
  /** Physical level driven when the owner is an output. */
  out: Bit;
  /** Last logical level edge detection acted on. */
  seen?: Bit;
  cancelDebounce?: () => void;
  lineSeqno: number;
}

export class SimGpioChip implements GpioChip {
  readonly simulated = true;
  readonly path: string;
  private readonly lines: SimLine[];
  private readonly label: string;
  private readonly chipNumber: number;
  readonly clock: SimClock;
  private readonly logger?: Logger;
  private readonly requests = new Set<SimGpioLines>();

  constructor(options: SimGpioChipOptions = {}) {
    this.chipNumber = options.chip ?? 0;
    this.path = `sim:gpiochip${this.chipNumber}`;
    const n = checkInt("line count", options.lines ?? 32, 1, 512);
    this.lines = Array.from({ length: n }, (_, i) => ({ name: options.names?.[i] ?? "", out: 0, lineSeqno: 0 }));
    this.label = options.label ?? "dash-devices-sim";
    this.clock = options.clock ?? realClock;
    this.logger = options.logger;
  }

  info(): GpioChipInfo {
    return { name: `gpiochip${this.chipNumber}`, label: this.label, lines: this.lines.length };
  }

  private line(offset: number): SimLine {
    checkInt(
      "line offset",
      offset,
      0,
      this.lines.length - 1,
      { device: this.path, line: offset },
      `this chip has lines 0..${this.lines.length - 1}`,
    );
    return this.lines[offset]!;
  }

  lineInfo(offset: number): GpioLineInfo {
    const l = this.line(offset);
    const s = l.owner?.current;
    return {
      offset,
      name: l.name,
      consumer: l.owner?.consumer ?? "",
      used: !!l.owner,
      direction: s?.direction ?? "input",
      activeLow: !!s?.activeLow,
      bias: s?.bias,
      drive: s?.direction === "output" ? (s.drive ?? "push-pull") : "push-pull",
      edge: s?.direction === "output" ? undefined : s?.edge,
      debounceMs: s?.debounceMs,
    };
  }

  findLine(name: string): number | undefined {
    const i = this.lines.findIndex((l) => l.name === name);
    return i < 0 ? undefined : i;
  }

  request(request: LineRequest): GpioLines {
    const offsets = normalizeOffsets(request.lines, this.path);
    for (const o of offsets) this.line(o);
    validateSettings(request, offsets.length, { device: this.path, line: offsets[0] });
    const busy = offsets.find((o) => this.lines[o]!.owner);
    if (busy !== undefined) {
      throw gpioError(ERRNO.EBUSY, {
        device: this.path,
        line: busy,
        operation: "GPIO_V2_GET_LINE_IOCTL",
        consumer: this.lines[busy]!.owner!.consumer,
      });
    }
    const depth = checkInt(
      "eventBufferSize",
      request.eventBufferSize ?? MAX_EVENT_BUFFER,
      1,
      MAX_EVENT_BUFFER,
      { device: this.path, line: offsets[0] },
      "the kernel keeps at most 1024 events per request",
    );
    const req = new SimGpioLines(this, offsets, request, request.consumer ?? "dash-devices", depth, this.logger);
    this.requests.add(req);
    for (const o of offsets) this.lines[o]!.owner = req;
    this.apply(req, request);
    return req;
  }

  input(offset: number, settings: Omit<LineSettings, "direction" | "initial" | "drive"> = {}): GpioLines {
    return this.request({ ...settings, lines: offset, direction: "input" });
  }

  output(
    offset: number,
    initial: Bit | boolean = 0,
    settings: Omit<LineSettings, "direction" | "initial" | "edge" | "debounceMs"> = {},
  ): GpioLines {
    return this.request({ ...settings, lines: offset, direction: "output", initial });
  }

  close(): void {
    for (const r of [...this.requests]) r.release();
  }

  // ---- the outside world (tests, demos) ----

  /** Drive a pin from outside: 0, 1, or undefined to let it float (bias decides). */
  setInput(offset: number, level: Bit | boolean | undefined): void {
    const l = this.line(offset);
    l.external = level === undefined ? undefined : bit(level);
    this.changed(offset);
  }

  /** The physical level on a pin: what an output drives, else what the outside drives, else the pull. */
  level(offset: number): Bit {
    const l = this.line(offset);
    const s = l.owner?.current;
    const pull: Bit | undefined = s?.bias === "pull-up" ? 1 : s?.bias === "pull-down" ? 0 : undefined;
    if (s?.direction === "output") {
      if (s.drive === "open-drain" && l.out === 1) return l.external ?? pull ?? 1;
      if (s.drive === "open-source" && l.out === 0) return l.external ?? pull ?? 0;
      return l.out;
    }
    return l.external ?? pull ?? 0;
  }

  /** What an output line drives, or undefined when the line is not an output. */
  outputValue(offset: number): Bit | undefined {
    const l = this.line(offset);
    return l.owner?.current.direction === "output" ? this.level(offset) : undefined;
  }

  // ---- used by SimGpioLines ----

  /** @internal */ logical(offset: number): Bit {
    const s = this.lines[offset]!.owner?.current;
    const v = this.level(offset);
    return (s?.activeLow ? 1 - v : v) as Bit;
  }

  /** @internal */ setOutputs(req: SimGpioLines, bits: bigint, mask: bigint): void {
    req.offsets.forEach((o, i) => {
      if (!((mask >> BigInt(i)) & 1n)) return;
      const v = Number((bits >> BigInt(i)) & 1n) as Bit;
      this.lines[o]!.out = (req.current.activeLow ? 1 - v : v) as Bit;
      this.changed(o);
    });
  }

  /** @internal */ apply(req: SimGpioLines, s: LineSettings): void {
    const initial = initialBits(s.initial, req.offsets.length);
    req.offsets.forEach((o, i) => {
      const l = this.lines[o]!;
      l.cancelDebounce?.();
      l.cancelDebounce = undefined;
      if ((s.direction ?? "input") === "output") {
        const v = Number((initial >> BigInt(i)) & 1n) as Bit;
        l.out = (s.activeLow ? 1 - v : v) as Bit;
      }
      l.seen = this.logical(o); // (re)enabling edge detection starts from the current level: no spurious event
    });
  }

  /** @internal */ free(req: SimGpioLines): void {
    this.requests.delete(req);
    for (const o of req.offsets) {
      const l = this.lines[o]!;
      l.cancelDebounce?.();
      l.cancelDebounce = undefined;
      if (l.owner === req) l.owner = undefined;
      l.seen = undefined;
    }
  }

  /** A pin may have changed: run edge detection (with debounce) for its owner. */
  private changed(offset: number): void {
    const l = this.lines[offset]!;
    const req = l.owner;
    const s = req?.current;
    const now = this.logical(offset);
    if (!req || !s || (s.direction ?? "input") !== "input" || !s.edge) {
      l.seen = now;
      return;
    }
    const debounce = s.debounceMs ?? 0;
    if (debounce <= 0) {
      if (now !== l.seen) this.edge(req, offset, now);
      return;
    }
    l.cancelDebounce?.();
    l.cancelDebounce = undefined;
    if (now === l.seen) return; // back where it was before the period ran out: a glitch
    l.cancelDebounce = this.clock.setTimer(debounce, () => {
      l.cancelDebounce = undefined;
      if (l.owner !== req) return;
      const v = this.logical(offset);
      if (v !== l.seen) this.edge(req, offset, v);
    });
  }

  private edge(req: SimGpioLines, offset: number, value: Bit): void {
    const l = this.lines[offset]!;
    l.seen = value;
    const kind = value ? "rising" : "falling";
    const want = req.current.edge;
    if (want !== "both" && want !== kind) return;
    req.deliver({ offset, edge: kind, timestampNs: this.clock.nowNs(), seqno: ++req.seqno, lineSeqno: ++l.lineSeqno });
  }
}

export class SimGpioLines extends GpioLinesBase {
  /** @internal */ seqno = 0;
  /** Events not yet read (the kernel's kfifo on the real chip). */
  private readonly fifo: EdgeEvent[] = [];
  private draining = false;

  constructor(
    private readonly chip: SimGpioChip,
    offsets: readonly number[],
    settings: LineSettings,
    readonly consumer: string,
    private readonly depth: number,
    logger?: Logger,
  ) {
    super(chip.path, offsets, settings, logger);
  }

  /** @internal the settings in force */
  get current(): LineSettings {
    return this.settings;
  }

  protected doGet(mask: bigint): bigint {
    let bits = 0n;
    this.offsets.forEach((o, i) => {
      if ((mask >> BigInt(i)) & 1n && this.chip.logical(o)) bits |= 1n << BigInt(i);
    });
    return bits;
  }

  protected doSet(bits: bigint, mask: bigint): void {
    this.chip.setOutputs(this, bits, mask);
  }

  protected doReconfigure(settings: LineSettings): void {
    this.settings = { ...settings };
    this.chip.apply(this, settings);
  }

  protected doRelease(): void {
    this.fifo.length = 0;
    this.chip.free(this);
  }

  /** @internal */ deliver(e: EdgeEvent): void {
    if (this.fifo.length >= this.depth) this.fifo.shift(); // full: the oldest goes, as in the kernel
    this.fifo.push(e);
    this.schedule();
  }

  protected listenersChanged(): void {
    this.schedule();
  }

  /** The real chip's events arrive through the event loop; so do these, while someone listens. */
  private schedule(): void {
    if (this.draining || this.fifo.length === 0 || !this.hasListeners || this.released) return;
    this.draining = true;
    queueMicrotask(() => {
      this.draining = false;
      while (this.fifo.length > 0 && this.hasListeners && !this.released) this.receive(this.fifo.shift()!);
    });
  }
}
