/**
 * @module log
 * One line per event: `time level event key=value ...`, or JSON lines with format "json".
 * Values are quoted (JSON string syntax) unless they are plain printable ASCII, so a record is
 * always one line whatever a value holds (newlines, terminal escapes, U+2028): a callback's
 * error text cannot forge log lines. Secrets never reach here (callers pass no tokens).
 * `LogLimiter` caps how many lines a kind of event may write per second.
 *
 * The format is the process's: a logger made without `format` follows `setLogFormat` (App.run sets
 * it from `--log-format`), even when it was made before, so every line of a running app (its
 * runtime, the safe state, the device layer's own loggers) reaches the journal in one format.
 * Why process-wide: the format belongs to the process's stderr, which one reader parses.
 */

export type Level = "debug" | "info" | "warn" | "error";
export type Fields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: Fields): void;
  info(event: string, fields?: Fields): void;
  warn(event: string, fields?: Fields): void;
  error(event: string, fields?: Fields): void;
}

const ORDER: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Printable ASCII without space, quote or `=`: written as is. Anything else is quoted. */
const BARE = /^[!#-<>-~]+$/;
/** Line breaks and controls JSON.stringify leaves as they are. */
const UNSAFE = /[\u007f-\u009f\u2028\u2029]/g;

/** A JSON string literal of `s` with every control and line separator escaped: one line. */
export function quote(s: string): string {
  return JSON.stringify(s).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function fmt(v: unknown): string {
  if (v instanceof Error) return quote(v.message);
  const s = typeof v === "string" ? v : JSON.stringify(v);
  if (s === undefined) return quote(String(v));
  return BARE.test(s) ? s : quote(s);
}

/** The frames of an error's stack ("at ..." lines), without its message (which may hold newlines). */
function frames(e: Error): string {
  const out: string[] = [];
  for (const l of (e.stack ?? "").split("\n")) {
    const t = l.trim();
    if (t.startsWith("at ")) out.push(t);
    if (out.length === 5) break;
  }
  return out.join(" | ");
}

export type LogFormat = "text" | "json";
let processFormat: LogFormat = "text";

/** The format of every logger made without one (`--log-format`); App.run sets it. */
export function setLogFormat(format: LogFormat): void {
  processFormat = format;
}

/** The process's log format (see setLogFormat). */
export function logFormat(): LogFormat {
  return processFormat;
}

export function createLogger(opts: { level?: Level; format?: LogFormat; write?: (line: string) => void } = {}): Logger {
  const min = ORDER[opts.level ?? "info"];
  const write = opts.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const emit = (level: Level, event: string, fields: Fields = {}) => {
    if (ORDER[level] < min) return;
    const time = new Date().toISOString();
    if ((opts.format ?? processFormat) === "json") {
      const o: Fields = { time, level, event };
      for (const [k, v] of Object.entries(fields)) o[k] = v instanceof Error ? { message: v.message, stack: v.stack } : v;
      write(JSON.stringify(o).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
      return;
    }
    let line = `${time} ${level.toUpperCase().padEnd(5)} ${BARE.test(event) ? event : quote(event)}`;
    let stack = "";
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      line += ` ${BARE.test(k) ? k : quote(k)}=${fmt(v)}`;
      // The stack stays on the same line, as a field: a record is one line.
      if (v instanceof Error && v.stack && level === "error") stack = ` stack=${quote(frames(v))}`;
    }
    write(line + stack);
  };
  return {
    debug: (e, f) => emit("debug", e, f),
    info: (e, f) => emit("info", e, f),
    warn: (e, f) => emit("warn", e, f),
    error: (e, f) => emit("error", e, f),
  };
}

/** A logger that keeps lines in memory: for tests and the admin console. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(createLogger({ level: "debug", format: "text", write: (l) => lines.push(l) }), { lines });
}

/**
 * At most `perSecond` lines per second for one kind of event (refused messages, say), so a flood
 * cannot fill the disk; the lines left out are counted and summarized once the second is over
 * (`log.suppressed event=... count=K`). Counters only: no allocation per line.
 */
export class LogLimiter {
  private windowStart = 0;
  private written = 0;
  private suppressed = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly log: () => Logger,
    private readonly event: string,
    private readonly perSecond = 20,
  ) {}

  /** True if a line may be written now; otherwise it is counted as suppressed. */
  allow(now = performance.now()): boolean {
    if (now - this.windowStart >= 1000) {
      this.summarize();
      this.windowStart = now;
      this.written = 0;
    }
    if (this.written < this.perSecond) {
      this.written++;
      return true;
    }
    if (this.suppressed++ === 0) {
      this.timer = setTimeout(() => this.summarize(), Math.max(1, 1000 - (now - this.windowStart)));
      (this.timer as { unref?: () => void }).unref?.();
    }
    return false;
  }

  /** Writes the summary of the lines left out, if any. */
  summarize(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.suppressed) return;
    const count = this.suppressed;
    this.suppressed = 0;
    this.log().warn("log.suppressed", { event: this.event, count, limit: `${this.perSecond}/s` });
  }
}
