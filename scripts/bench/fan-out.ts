/**
 * @module bench/fan-out
 * Part 3: one tab (in this process) moves a shared slider; its shared callback's output goes to
 * every tab. For N = 10, 100, 1,000 tabs in separate client processes: the time from the send
 * until the last tab has the output (changes one at a time), then the sustained delivery rate
 * with a few changes in flight. Each N gets a fresh server.
 */

import { readFileSync } from "node:fs";
import { FAN } from "./app.ts";
import { startFleet } from "./fleet.ts";
import { BenchWs } from "./protocol.ts";
import type { Row } from "./report.ts";
import { fmtRate, summarize } from "./stats.ts";

export interface FanOutConfig {
  sizes: number[];
  /** Changes timed one at a time, per N (after `warmup`). */
  changes: (n: number) => number;
  warmup: number;
  /** Duration of the sustained phase. */
  sustainSeconds: number;
  /** Changes in flight in the sustained phase. */
  window: number;
  /** Client processes (the server always has its own). */
  procs: number;
  maxSeconds: number;
  profileDir?: string;
}

export async function runFanOut(cfg: FanOutConfig, log: (s: string) => void): Promise<Row[]> {
  const rows: Row[] = [];
  for (const n of cfg.sizes) {
    log(`fan-out: ${n} clients`);
    rows.push(await fanOut(n, cfg));
  }
  return rows;
}

/** CPU seconds of process `pid` so far (every thread): user, system; 10 ms ticks. */
function cpuOf(pid: number): [number, number] {
  const st = readFileSync(`/proc/${pid}/stat`, "utf8");
  const g = st
    .slice(st.lastIndexOf(")") + 2)
    .split(" ")
    .map(Number);
  return [g[11]! / 100, g[12]! / 100];
}
const since = (pid: number, t0: [number, number]): [number, number] => {
  const t = cpuOf(pid);
  return [t[0] - t0[0], t[1] - t0[1]];
};
const msEach = (cpu: [number, number], n: number) =>
  `${(((cpu[0] + cpu[1]) / n) * 1000).toFixed(2)} ms (user ${((cpu[0] / n) * 1000).toFixed(2)}, system ${((cpu[1] / n) * 1000).toFixed(2)})`;

/** What a tab sends to the relay floor for change `k`: the marker the tabs look for, as is. */
export function relayMessage(k: number): string {
  return `>${FAN}=${k};<`;
}

/** `target` "relay": the same against the raw Bun relay floor (relay-server.ts), the sender sending `relayMessage`. */
export async function fanOut(n: number, cfg: FanOutConfig, target: "app" | "relay" = "app"): Promise<Row> {
  const procCount = Math.max(1, Math.min(cfg.procs, n));
  const fleet = await startFleet({ procs: procCount, profileDir: cfg.profileDir, target });
  try {
    await fleet.grow(n);
    for (const p of fleet.procs) await p.syncClock();
    const { version } = await fleet.server.request<{ version: number }>("version");
    const sender = await BenchWs.open(fleet.url, target === "relay" ? { path: "/ws" } : { version });
    const send = target === "relay" ? (k: number) => sender.ws.send(relayMessage(k)) : (k: number) => sender.send(FAN, k);
    await Bun.sleep(100);
    for (const p of fleet.procs) await p.request("fan", { from: 0 });

    // change number -> processes still to report, latest report (orchestrator clock)
    const open = new Map<number, { left: number; last: number; done: (t: number) => void }>();
    const track = (i: number) =>
      new Promise<number>((resolve) => {
        open.set(i, { left: fleet.procs.length, last: 0, done: resolve });
      });
    for (const p of fleet.procs) {
      p.on("done", (m) => {
        const e = open.get(Number(m.i));
        if (!e) return;
        e.last = Math.max(e.last, p.local(Number(m.t)));
        if (--e.left === 0) {
          open.delete(Number(m.i));
          e.done(e.last);
        }
      });
    }
    const withTimeout = <T>(p: Promise<T>, what: string) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`fan-out ${n}: ${what} not delivered to every tab within 10 s`)), 10000);
      });
      return Promise.race([p, late]).finally(() => clearTimeout(timer));
    };

    // Changes one at a time.
    const pid = Number(fleet.server.ready.pid);
    let i = 0;
    let cpu0 = cpuOf(pid);
    const lat: number[] = [];
    const end = performance.now() + cfg.maxSeconds * 1000;
    const total = cfg.warmup + cfg.changes(n);
    while (i < total && performance.now() < end) {
      const k = ++i;
      const delivered = track(k);
      const t0 = performance.now();
      send(k);
      const last = await withTimeout(delivered, `change ${k}`);
      if (k === cfg.warmup) cpu0 = cpuOf(pid);
      if (k > cfg.warmup) lat.push(last - t0);
    }
    const cpuOne = since(pid, cpu0);

    // Sustained: keep `window` changes in flight for a while.
    const framesBefore = await Promise.all(fleet.procs.map((p) => p.request<{ frames: number }>("stats")));
    const first = i + 1;
    const inflight: Promise<number>[] = [];
    const t0 = performance.now();
    const cpu1 = cpuOf(pid);
    const stopAt = t0 + cfg.sustainSeconds * 1000;
    let lastDone = t0;
    while (performance.now() < stopAt && i - first < 1_000_000) {
      while (inflight.length < cfg.window) {
        const k = ++i;
        inflight.push(track(k));
        send(k);
      }
      lastDone = await withTimeout(inflight.shift()!, "a change");
    }
    for (const p of inflight) lastDone = await withTimeout(p, "a change");
    const cpuSustained = since(pid, cpu1);
    const framesAfter = await Promise.all(fleet.procs.map((p) => p.request<{ frames: number }>("stats")));
    const seconds = (lastDone - t0) / 1000;
    const frames = framesAfter.reduce((a, s) => a + s.frames, 0) - framesBefore.reduce((a, s) => a + s.frames, 0);
    const changes = i - first + 1;
    sender.close();
    const perSecond = frames / seconds;
    return {
      id: `fanout.${n}`,
      label: `fan-out: shared change to ${n} clients, until the last has it`,
      n: lat.length,
      ms: summarize(lat),
      notes: [
        `sustained ${fmtRate(perSecond)} messages to clients (${fmtRate(changes / seconds)} changes, ${cfg.window} in flight)`,
        `server CPU per change: ${msEach(cpuOne, lat.length)} one at a time, ${msEach(cpuSustained, changes)} sustained`,
      ],
      extra: {
        clients: n,
        serverCpuPerChange: (cpuOne[0] + cpuOne[1]) / lat.length,
        serverCpuPerSustainedChange: (cpuSustained[0] + cpuSustained[1]) / changes,
        clientProcesses: procCount,
        sustainedMessagesPerSecond: Math.round(perSecond),
        sustainedChangesPerSecond: Math.round((changes / seconds) * 10) / 10,
        sustainedFrames: frames,
        sustainedSeconds: Math.round(seconds * 1000) / 1000,
      },
    };
  } finally {
    await fleet.stop();
  }
}
