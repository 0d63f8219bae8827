/**
 * @module bench/cpuprofile
 * Summarizes a `.cpuprofile` (what `bun --cpu-prof` writes; Chrome's format): the functions with
 * the most self time and the most total (inclusive) time, as % of the samples, with file:line.
 *
 *   bun scripts/bench/cpuprofile.ts .bench/prof/server-ws-....cpuprofile [--top 30] [--filter src/]
 *
 * `--filter` keeps only functions whose URL contains the text in the "total" list (e.g. our
 * own code), `--idle` keeps idle samples in the percentages (by default they are left out, so
 * the figures are shares of the time the process was busy).
 *
 * Each sample counts once: JavaScriptCore's sampler only records a sample while the thread runs
 * JavaScript, so the time between two samples may be mostly idle and is not a weight. A sample
 * stands for one sampling interval of busy time (`bench --profile` uses 100 µs).
 */

import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
  hitCount?: number;
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface Entry {
  name: string;
  self: number;
  total: number;
}

function label(n: Node, root: string): string {
  const f = n.callFrame;
  const url = f.url.replace(root, "").replace(/^file:\/\//, "");
  return `${f.functionName || "(anonymous)"} ${url ? `${url}:${f.lineNumber + 1}` : ""}`.trim();
}

const IDLE = new Set(["(idle)", "(program)", "(root)"]);

export function summarizeProfile(
  p: Profile,
  o: { root?: string; idle?: boolean; intervalUs?: number } = {},
): { busyMs: number; totalMs: number; entries: Entry[] } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let busy = 0;
  let all = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = (o.intervalUs ?? 1000) / 1000;
    const leaf = byId.get(p.samples[i]!);
    if (!leaf) continue;
    all += dt;
    const name = label(leaf, o.root ?? "");
    if (!o.idle && IDLE.has(leaf.callFrame.functionName)) continue;
    busy += dt;
    self.set(name, (self.get(name) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const nm = label(byId.get(id)!, o.root ?? "");
      if (seen.has(nm)) continue;
      seen.add(nm);
      total.set(nm, (total.get(nm) ?? 0) + dt);
    }
  }
  const entries = [...total.entries()].map(([name, t]) => ({ name, total: t, self: self.get(name) ?? 0 }));
  return { busyMs: busy, totalMs: all, entries };
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith("--") && !/^\d+$/.test(a));
  if (!file) {
    console.error("usage: bun scripts/bench/cpuprofile.ts FILE.cpuprofile [--top N] [--filter TEXT] [--idle] [--interval US]");
    process.exit(2);
  }
  const top = Number(args[args.indexOf("--top") + 1]) || 30;
  const filter = args.includes("--filter") ? args[args.indexOf("--filter") + 1] : undefined;
  const root = process.cwd() + "/";
  const intervalUs = Number(args[args.indexOf("--interval") + 1]) || 100;
  const prof = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const s = summarizeProfile(prof, { root, idle: args.includes("--idle"), intervalUs });
  const pct = (ms: number) => `${((ms / s.busyMs) * 100).toFixed(1).padStart(5)}%`;
  console.log(
    `${file}: ${prof.samples.length} samples over ${((prof.endTime - prof.startTime) / 1e6).toFixed(1)} s, ~${s.busyMs.toFixed(0)} ms of JavaScript at ${intervalUs} µs per sample; shares below are of those samples\n`,
  );
  console.log(`self time, top ${top}:`);
  for (const e of [...s.entries].sort((a, b) => b.self - a.self).slice(0, top))
    if (e.self > 0) console.log(`  ${pct(e.self)}  ${e.self.toFixed(1).padStart(8)} ms  ${e.name}`);
  console.log(`\ntotal (inclusive) time, top ${top}${filter ? ` matching "${filter}"` : ""}:`);
  for (const e of [...s.entries]
    .filter((x) => !filter || x.name.includes(filter))
    .sort((a, b) => b.total - a.total)
    .slice(0, top)) {
    console.log(`  ${pct(e.total)}  ${e.total.toFixed(1).padStart(8)} ms  ${e.name}`);
  }
}
