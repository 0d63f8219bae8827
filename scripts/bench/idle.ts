/**
 * @module bench/idle
 * The relay part's idle phase on its own, thread by thread: starts the bench server (ours, then
 * the raw Bun relay floor) with `--tabs` tabs (100), lets it settle, then reads every thread's
 * run time (/proc/PID/task/TID/schedstat, ns) and name (comm) over `--seconds` (10) and prints
 * which thread burned what, in ms/s. `--target app|relay|both` (both), `--settle MS` (1000),
 * `--wakeups` adds each thread's timeslice count (schedstat's third field: how often it ran).
 * Usage: bun scripts/bench/idle.ts [--tabs 100] [--seconds 10] [--target both]
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
try {
  for (const target of targets) {
    const fleet = await startFleet({ procs: 1, target });
    try {
      const pid = Number(fleet.server.ready.pid);
      await fleet.grow(tabs);
      await Bun.sleep(settleMs);
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
      const gone = [...a.keys()].filter((k) => !b.has(k)).length;
      rows.sort((x, y) => y.ms - x.ms);
      console.log(`\n${target === "app" ? "ours" : "relay"}: ${tabs} tabs, ${seconds} s idle: ${(total / 1e6 / seconds).toFixed(3)} ms/s over ${b.size} threads${gone ? ` (${gone} exited)` : ""}`);
      for (const r of rows) if (r.ms > 0 || r.slices > 0) console.log(`  ${r.ms.toFixed(3).padStart(8)} ms/s ${r.slices.toFixed(1).padStart(7)} runs/s  ${r.tid.padStart(7)} ${r.name}`);
    } finally {
      await fleet.stop();
    }
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
