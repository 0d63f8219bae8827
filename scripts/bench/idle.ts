/**
 * @module bench/idle
 * The relay part's idle phase on its own, thread by thread: starts the bench server (ours, then
 * the raw Bun relay floor) with `--tabs` tabs (100), lets it settle, asks for its RSS (a full GC,
 * as the relay part does before its window), then reads every thread's
 * run time (/proc/PID/task/TID/schedstat, ns) and name (comm) over `--seconds` (10) and prints
 * which thread burned what, in ms/s. `--target app|relay|both` (both), `--settle MS` (1000),
 * Each thread's timeslices per second (schedstat's third field: how often it ran) show wake-ups.
 * `--runs N` repeats on fresh servers and ends with each target's median (timings are noisy).
 * Usage: bun scripts/bench/idle.ts [--tabs 100] [--seconds 10] [--settle 1000] [--target both] [--runs 1]
 */

import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFleet } from "./fleet.ts";
import { pinSelf } from "./proc.ts";

const argv = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : def;
};
const tabs = Number(opt("tabs", "100"));
const seconds = Number(opt("seconds", "10"));
const settleMs = Number(opt("settle", "1000"));
const which = opt("target", "both");
const runs = Number(opt("runs", "1"));
const targets = (which === "both" ? ["app", "relay"] : [which]) as ("app" | "relay")[];

interface ThreadTime {
  name: string;
  ns: number;
  slices: number;
}

/** Every thread of `pid`: name, run time (ns) and timeslices so far. */
function threads(pid: number): Map<string, ThreadTime> {
  const out = new Map<string, ThreadTime>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const [ns, , slices] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").trim().split(" ").map(Number);
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim();
      out.set(tid, { name, ns: ns!, slices: slices! });
    } catch {}
  }
  return out;
}

pinSelf();
const dataDir = mkdtempSync(join(tmpdir(), "dd-idle-"));
process.env.BENCH_DATA_DIR = dataDir;
const totals: Record<string, number[]> = { app: [], relay: [] };
try {
  for (let run = 0; run < runs; run++)
    for (const target of targets) {
      const fleet = await startFleet({ procs: 1, target });
      try {
        const pid = Number(fleet.server.ready.pid);
        await fleet.grow(tabs);
        await Bun.sleep(settleMs);
        // As the relay part does: its RSS reading (after a full GC) comes just before the idle window.
        await fleet.server.request("rss");
        const a = threads(pid);
        await Bun.sleep(seconds * 1000);
        const b = threads(pid);
        let total = 0;
        const rows: { tid: string; name: string; ms: number; slices: number }[] = [];
        for (const [tid, t] of b) {
          const t0 = a.get(tid);
          const ns = t.ns - (t0?.ns ?? 0);
          total += ns;
          rows.push({ tid, name: t.name + (t0 ? "" : " (new)"), ms: ns / 1e6 / seconds, slices: (t.slices - (t0?.slices ?? 0)) / seconds });
        }
        totals[target]!.push(total / 1e6 / seconds);
        const gone = [...a.keys()].filter((k) => !b.has(k)).length;
        rows.sort((x, y) => y.ms - x.ms);
        console.log(
          `\n${target === "app" ? "ours" : "relay"}: ${tabs} tabs, ${seconds} s idle: ${(total / 1e6 / seconds).toFixed(3)} ms/s over ${b.size} threads${gone ? ` (${gone} exited)` : ""}`,
        );
        for (const r of rows)
          if (r.ms > 0 || r.slices > 0)
            console.log(`  ${r.ms.toFixed(3).padStart(8)} ms/s ${r.slices.toFixed(1).padStart(7)} runs/s  ${r.tid.padStart(7)} ${r.name}`);
      } finally {
        await fleet.stop();
      }
    }
  if (runs > 1) {
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    for (const t of targets)
      console.log(
        `${t === "app" ? "ours" : "relay"}: median ${median(totals[t]!).toFixed(3)} ms/s of ${runs} runs (${totals[t]!.map((x) => x.toFixed(2)).join(", ")})`,
      );
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
