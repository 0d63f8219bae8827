/**
 * @module bench/targets
 * The targets, checked against a run's rows. A target over several rows (every WebSocket
 * round-trip row, say) is met only if every row meets it; the worst row is shown.
 */

import type { Row, TargetCheck } from "./report.ts";
import { fmtBytes } from "./stats.ts";

function worst(rows: Row[], get: (r: Row) => number | undefined): { row: Row; value: number } | undefined {
  let w: { row: Row; value: number } | undefined;
  for (const row of rows) {
    const value = get(row);
    if (value === undefined || !Number.isFinite(value)) continue;
    if (!w || value > w.value) w = { row, value };
  }
  return w;
}

function shortName(r: Row): string {
  return r.id.split(".").slice(1).join(" ");
}

/** `rows` with ids starting with `prefix`, checked as `value <= limit`. */
function check(
  all: Row[],
  target: string,
  prefix: string,
  get: (r: Row) => number | undefined,
  limit: number,
  show: (v: number) => string,
): TargetCheck | undefined {
  const rows = all.filter((r) => r.id.startsWith(prefix));
  if (!rows.length) return undefined;
  const w = worst(rows, get);
  if (!w) return { target, measured: rows.map((r) => r.skipped ?? "no data").join("; "), met: null };
  const all2 = rows.length > 1 ? `worst of ${rows.length} rows: ` : "";
  return { target, measured: `${all2}${show(w.value)} (${shortName(w.row)})`, met: w.value <= limit };
}

const ms = (v: number) => `${v.toFixed(3)} ms`;
const ratio = (v: number) => `x${v.toFixed(1)}`;
const ratio2 = (v: number) => `x${v.toFixed(2)}`;
/**
 * ours / relay of a relay row. When the relay's figure was under one clock tick the ratio is only a
 * lower bound: it can show a target missed, never met (then no figure: "not measured").
 */
const relayRatio = (limit: number) => (r: Row) => {
  const v = r.extra?.ratio as number | undefined;
  return r.extra?.ratioLowerBound && v !== undefined && v <= limit ? undefined : v;
};

export function checkTargets(rows: Row[]): TargetCheck[] {
  const ratioOf = (key: "ratioP50" | "ratioP99") => (r: Row) => r.extra?.[key] as number | undefined;
  return [
    check(rows, "WebSocket round trip p50 <= 0.3 ms", "rt.ws.", (r) => r.ms?.p50, 0.3, ms),
    check(rows, "WebSocket round trip p99 <= 1 ms", "rt.ws.", (r) => r.ms?.p99, 1, ms),
    check(rows, "HTTP service round trip p50 <= 1 ms", "rt.http.", (r) => r.ms?.p50, 1, ms),
    check(rows, "round trip within 5x of Bun's raw echo, at p50", "rt.", ratioOf("ratioP50"), 5, ratio),
    check(rows, "round trip within 5x of Bun's raw echo, at p99", "rt.", ratioOf("ratioP99"), 5, ratio),
    check(rows, "fan-out to 1,000 clients: last client p99 <= 30 ms", "fanout.1000", (r) => r.ms?.p99, 30, ms),
    check(
      rows,
      "<= 100 KB server memory per idle client (1,000 clients)",
      "memory.1000",
      (r) => r.extra?.bytesPerClient as number | undefined,
      100 * 1024,
      fmtBytes,
    ),
    check(rows, "browser input-to-DOM p50 <= 3 ms (WebSocket service)", "browser.ws.", (r) => r.ms?.p50, 3, ms),
    check(rows, "browser input-to-DOM p50 <= 3 ms (HTTP service)", "browser.http.", (r) => r.ms?.p50, 3, ms),
    check(rows, "device thread: 1 ms timer late <= 5 ms during 200 awaited 1 ms transfers", "device.stall.thread", (r) => r.ms?.max, 5, ms),
    check(
      rows,
      "start-up (exec to first 200) within 1.5x of a compiled hello world, at p50",
      "startup.app",
      (r) => r.extra?.ratioP50 as number | undefined,
      1.5,
      ratio,
    ),
    check(
      rows,
      "flood of invalid messages: server RSS grows <= 50 MB",
      "flood.",
      (r) => r.extra?.rssGrowth as number | undefined,
      50 * 1024 * 1024,
      fmtBytes,
    ),
    check(rows, "flood of invalid messages: other tabs' round trip p99 <= 10 ms", "flood.", (r) => r.ms?.p99, 10, ms),
    // issue 14, per-change cost: ours against the raw Bun relay floor of the same run (bench/relay.ts)
    check(rows, "server CPU per shared change (1 tab) within 2.5x of the relay", "relay.cpu.", relayRatio(2.5), 2.5, ratio2),
    check(rows, "connecting 1,000 tabs: server CPU within 2x of the relay", "relay.connect.", relayRatio(2), 2, ratio2),
    check(rows, "server RSS per tab within 2x of the relay", "relay.rss.", relayRatio(2), 2, ratio2),
    check(rows, "idle server CPU with 100 tabs within 2x of the relay", "relay.idle.", relayRatio(2), 2, ratio2),
    check(rows, "fan-out to 1,000 tabs p99 within 1.1x of the relay", "relay.fanout.", ratioOf("ratioP99"), 1.1, ratio2),
    check(
      rows,
      "browser: tab A's change to tab B's DOM p50 within 2x of the relay floor page",
      "relay.browser.",
      ratioOf("ratioP50"),
      2,
      ratio2,
    ),
  ].filter((c): c is TargetCheck => c !== undefined);
}
