/**
 * @module log
 * One line per event: `time level event key=value ...`, or JSON lines with format "json".
 * Values are quoted when they contain spaces; secrets never reach here (callers pass no tokens).
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

function fmt(v: unknown): string {
  if (v instanceof Error) return JSON.stringify(v.message);
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s !== undefined && /^[^\s"=]+$/.test(s) ? s : JSON.stringify(s ?? String(v));
}

export function createLogger(opts: { level?: Level; format?: "text" | "json"; write?: (line: string) => void } = {}): Logger {
  const min = ORDER[opts.level ?? "info"];
  const write = opts.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const emit = (level: Level, event: string, fields: Fields = {}) => {
    if (ORDER[level] < min) return;
    const time = new Date().toISOString();
    if (opts.format === "json") {
      const o: Fields = { time, level, event };
      for (const [k, v] of Object.entries(fields)) o[k] = v instanceof Error ? { message: v.message, stack: v.stack } : v;
      write(JSON.stringify(o));
      return;
    }
    let line = `${time} ${level.toUpperCase().padEnd(5)} ${event}`;
    let stack = "";
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      line += ` ${k}=${fmt(v)}`;
      if (v instanceof Error && v.stack && level === "error") stack = "\n" + v.stack.split("\n").slice(1, 6).join("\n");
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
  return Object.assign(createLogger({ level: "debug", write: (l) => lines.push(l) }), { lines });
}
