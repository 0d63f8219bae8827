/**
 * @module gpio/types
 * The GPIO interface shared by the real chip (Linux character device, uAPI v2) and the simulated
 * one: chip and line information, requesting lines as inputs or outputs, reading, writing, and
 * edge events (`lines.on("edge", fn)` or `for await (const e of lines.edges())`).
 * Values are logical: with `activeLow` the kernel (and the simulator) inverts them.
 */

export type Bit = 0 | 1;
export type Direction = "input" | "output";
export type Bias = "pull-up" | "pull-down" | "disabled";
export type Drive = "push-pull" | "open-drain" | "open-source";
export type EdgeDetection = "rising" | "falling" | "both";

export interface GpioChipInfo {
  /** Kernel name, e.g. `gpiochip0`. */
  name: string;
  /** Driver label, e.g. `pinctrl-bcm2711`. */
  label: string;
  lines: number;
}

export interface GpioLineInfo {
  offset: number;
  /** Line name from the device tree (`GPIO17`), or "" when unnamed. */
  name: string;
  /** Who holds the line (`dash-devices`, a kernel driver), or "" when free. */
  consumer: string;
  used: boolean;
  direction: Direction;
  activeLow: boolean;
  bias?: Bias;
  drive: Drive;
  edge?: EdgeDetection;
  debounceMs?: number;
}

/** How requested lines behave. Every field can change later with `lines.reconfigure`. */
export interface LineSettings {
  /** Default "input". */
  direction?: Direction;
  /** Input or output: enable the pull-up/pull-down resistor, or disable both. Default: leave as is. */
  bias?: Bias;
  /** Output only. Default push-pull. */
  drive?: Drive;
  activeLow?: boolean;
  /** Input only: report these edges as events. */
  edge?: EdgeDetection;
  /** Input only: ignore changes shorter than this (the kernel debounces; ms, µs resolution). */
  debounceMs?: number;
  /** Output only: the value driven from the moment of the request (one for all lines, or one per line). */
  initial?: Bit | boolean | readonly (Bit | boolean)[];
}

export interface LineRequest extends LineSettings {
  /** Line offsets on the chip. */
  lines: number | readonly number[];
  /**
   * Edge events the kernel keeps for this request until they are read (default 1024, the kernel's
   * maximum; its own default is 16 per line). When it is full the oldest are dropped, and the gap in
   * sequence numbers is reported as an "overflow" event.
   */
  eventBufferSize?: number;
  /** Shown as the line's consumer (gpioinfo, lineInfo()). Default "dash-devices". */
  consumer?: string;
}

export interface EdgeEvent {
  offset: number;
  edge: "rising" | "falling";
  /** Kernel timestamp (CLOCK_MONOTONIC), nanoseconds: compare with `monotonicNs()`, not process.hrtime. */
  timestampNs: bigint;
  /** Sequence number across the request's lines, from 1. */
  seqno: number;
  /** Sequence number on this line, from 1. */
  lineSeqno: number;
}

/** Edge events lost before they were read: the kernel's buffer was full. Never silent. */
export interface OverflowEvent {
  /** How many edge events were lost (the gap in sequence numbers). */
  lost: number;
  /** The sequence number of the last event delivered before the gap (0: none yet). */
  afterSeqno: number;
  /** The sequence number of the first event delivered after it. */
  seqno: number;
}

export interface GpioLines {
  readonly offsets: readonly number[];
  readonly released: boolean;
  /** Logical value of one line (default: the first requested). */
  read(offset?: number): Bit;
  /** Logical values of all requested lines, in `offsets` order. */
  readAll(): Bit[];
  /** Drive an output (default: the first requested line). */
  write(value: Bit | boolean, offset?: number): void;
  /** Drive several outputs: values in `offsets` order, or by offset. */
  writeAll(values: readonly (Bit | boolean)[] | Record<number, Bit | boolean>): void;
  /** Change direction, bias, edges, debounce, ... without releasing the lines. */
  reconfigure(settings: LineSettings): void;
  on(event: "edge", fn: (e: EdgeEvent) => void): () => void;
  /** Edge events were lost (see {@link OverflowEvent}); without a listener it is logged as `gpio.overflow`. */
  on(event: "overflow", fn: (e: OverflowEvent) => void): () => void;
  on(event: "error", fn: (e: Error) => void): () => void;
  off(event: "edge" | "overflow" | "error", fn: (...args: never[]) => void): void;
  /** Edge events as an async iterator; ends when the lines are released. */
  edges(): AsyncIterableIterator<EdgeEvent>;
  release(): void;
}

export interface GpioChip {
  /** `/dev/gpiochip0`, or `sim:gpiochip0`. */
  readonly path: string;
  readonly simulated: boolean;
  info(): GpioChipInfo;
  lineInfo(offset: number): GpioLineInfo;
  /** The offset of the line with this name (`"GPIO17"`), or undefined. */
  findLine(name: string): number | undefined;
  request(request: LineRequest): GpioLines;
  /** One input line. @example chip.input(17, { bias: "pull-up", edge: "falling", debounceMs: 5 }) */
  input(offset: number, settings?: Omit<LineSettings, "direction" | "initial" | "drive">): GpioLines;
  /** One output line. @example chip.output(27, 0).write(1) */
  output(
    offset: number,
    initial?: Bit | boolean,
    settings?: Omit<LineSettings, "direction" | "initial" | "edge" | "debounceMs">,
  ): GpioLines;
  /** Release every line requested through this chip and close it. */
  close(): void;
}
