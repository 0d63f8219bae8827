/**
 * @module bench/relay
 * Part `relay`: ours against a raw Bun relay floor (relay-server.ts: Bun.serve forwarding each
 * WebSocket message to every socket), same run, same machine, same pinning, same client fleet
 * (clients.ts). Server CPU is the process's utime + stime from /proc/PID/stat (every thread;
 * 10 ms ticks, so each figure spans many changes or seconds). Per target, on fresh servers:
 * - CPU per shared change with 1 tab: the tab sends a change, waits for its output (ours: and
 *   the ack), `changes` times after `warmup`; CPU over the timed changes / changes.
 * - connecting `tabs` tabs (0 -> tabs, 50 at a time, each until its first frame): server CPU from
 *   the first connect until `settleMs` after the last (work deferred off the connect path counts),
 *   and wall time until the last tab has its first frame. The relay's figure is one or two clock
 *   ticks, so a note gives the same window from the threads' schedstat (ns) too.
 * - RSS per tab: the server's RSS after a full GC at `fewTabs` and at `tabs` tabs; the growth /
 *   (tabs - fewTabs).
 * - idle CPU with `fewTabs` tabs over `idleSeconds` (from the threads' schedstat: ns resolution).
 * - fan-out to `tabs` tabs: the fan-out part's method (bench/fan-out.ts) against both servers.
 * Ratios are ours / relay; a relay figure under one clock tick is taken as one tick (the ratio is
 * then a lower bound, marked ">=").
 * To iterate on one figure, BENCH_RELAY_PHASES=connect,rss (any of change, connect, rss, idle,
 * fanout, browser; default all) runs only those phases and prints only their rows.
 */

import { readdirSync, readFileSync } from "node:fs";
import { FAN } from "./app.ts";
import { fanOut, relayMessage, type FanOutConfig } from "./fan-out.ts";
import { startFleet } from "./fleet.ts";
import { BenchWs } from "./protocol.ts";
import type { Row } from "./report.ts";
import { fmtBytes, fmtMs } from "./stats.ts";
import { startExample1 } from "./example1.ts";

export interface RelayConfig {
  changes: number;
  warmup: number;
  tabs: number;
  fewTabs: number;
  idleSeconds: number;
  settleMs: number;
  fanout: Omit<FanOutConfig, "sizes">;
  profileDir?: string;
}

type Target = "app" | "relay";
const PHASES = ["change", "connect", "rss", "idle", "fanout", "browser"] as const;
type Phase = (typeof PHASES)[number];
/** The phases to run (BENCH_RELAY_PHASES, comma-separated; default all). */
function phases(): Set<Phase> {
  const env = process.env.BENCH_RELAY_PHASES;
  if (!env) return new Set(PHASES);
  const want = env.split(",").map((s) => s.trim()) as Phase[];
  for (const p of want) if (!PHASES.includes(p)) throw new Error(`BENCH_RELAY_PHASES: unknown phase "${p}" (phases: ${PHASES.join(", ")})`);
  return new Set(want);
}
const HZ = 100; // USER_HZ
const TICK = 1 / HZ;

/** CPU seconds (user + system, all threads) of process `pid`. */
function cpuOf(pid: number): number {
  const st = readFileSync(`/proc/${pid}/stat`, "utf8");
  const g = st
    .slice(st.lastIndexOf(")") + 2)
    .split(" ")
    .map(Number);
  return (g[11]! + g[12]!) / HZ;
}

/** The run time (ns) of each live thread of process `pid`, by TID (/proc/PID/task/TID/schedstat). */
function threadTimes(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      out.set(tid, Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]));
    } catch {}
  }
  return out;
}

/**
 * CPU seconds the threads of process `pid` ran since `before` (a threadTimes reading), at
 * nanosecond resolution: each thread's own delta, a thread started since counted whole. A thread
 * that exited since took its time with it (JSC's GC and JIT helper threads exit when idle, in both
 * servers alike), so this is a lower bound; a sum over the live threads instead of per-thread
 * deltas went negative when a thread that had run before the window exited in it.
 */
function cpuSince(pid: number, before: Map<string, number>): number {
  let ns = 0;
  for (const [tid, t] of threadTimes(pid)) ns += t - (before.get(tid) ?? 0);
  return ns / 1e9;
}

interface Figures {
  cpuPerChange: number;
  wallPerChange: number;
  connectCpu: number;
  /** The same window from the threads' schedstat (ns; a thread that exits in it takes its time along). */
  connectCpuFine: number;
  connectWall: number;
  rssFew: number;
  rssMany: number;
  rssPerTab: number;
  idleCpu: number;
}

async function measure(target: Target, cfg: RelayConfig, log: (s: string) => void): Promise<Figures> {
  const name = target === "app" ? "ours" : "relay";
  const f = {
    cpuPerChange: NaN,
    wallPerChange: NaN,
    connectCpu: NaN,
    connectCpuFine: NaN,
    connectWall: NaN,
    rssFew: NaN,
    rssMany: NaN,
    rssPerTab: NaN,
    idleCpu: NaN,
  } as Figures;
  const on = phases();
  if (on.has("change") || on.has("connect")) await phase1(target, cfg, log, name, f, on);
  if (on.has("rss") || on.has("idle")) await phase2(target, cfg, log, name, f, on);
  return f;
}

async function phase1(target: Target, cfg: RelayConfig, log: (s: string) => void, name: string, f: Figures, on: Set<Phase>): Promise<void> {
  // Phase 1: one tab's changes, then connecting `tabs` tabs.
  const fleet = await startFleet({ procs: 1, profileDir: cfg.profileDir, target });
  try {
    const pid = Number(fleet.server.ready.pid);
    const { version } = await fleet.server.request<{ version: number }>("version");
    const tab = await BenchWs.open(fleet.url, target === "relay" ? { path: "/ws" } : { version });
    await Bun.sleep(100);
    let v = 0;
    const change = async () => {
      const k = ++v;
      if (target === "relay") await tab.echo(relayMessage(k));
      else await tab.waitAck((await tab.roundTrip(FAN, k, `>${FAN}=${k};<`)).seq);
    };
    if (on.has("change")) {
      log(`relay: ${name}, CPU per change (${cfg.changes} changes)`);
      for (let i = 0; i < cfg.warmup; i++) await change();
      const c0 = cpuOf(pid);
      const t0 = performance.now();
      for (let i = 0; i < cfg.changes; i++) await change();
      f.wallPerChange = (performance.now() - t0) / 1000 / cfg.changes;
      f.cpuPerChange = (cpuOf(pid) - c0) / cfg.changes;
    }
    tab.close();
    await Bun.sleep(200);
    if (!on.has("connect")) return;

    log(`relay: ${name}, connecting ${cfg.tabs} tabs`);
    const c1 = cpuOf(pid);
    const fine1 = threadTimes(pid);
    const t1 = performance.now();
    await fleet.grow(cfg.tabs);
    f.connectWall = (performance.now() - t1) / 1000;
    await Bun.sleep(cfg.settleMs);
    f.connectCpu = cpuOf(pid) - c1;
    f.connectCpuFine = cpuSince(pid, fine1);
  } finally {
    await fleet.stop();
  }
}

async function phase2(target: Target, cfg: RelayConfig, log: (s: string) => void, name: string, f: Figures, on: Set<Phase>): Promise<void> {
  // Phase 2: RSS at fewTabs and tabs, idle CPU at fewTabs.
  const fleet = await startFleet({ procs: 1, profileDir: cfg.profileDir, target });
  try {
    const pid = Number(fleet.server.ready.pid);
    const rss = async () => (await fleet.server.request<{ rss: number }>("rss")).rss;
    await fleet.grow(cfg.fewTabs);
    await Bun.sleep(cfg.settleMs);
    f.rssFew = await rss();
    if (on.has("idle")) {
      log(`relay: ${name}, idle CPU with ${cfg.fewTabs} tabs for ${cfg.idleSeconds} s`);
      const c0 = threadTimes(pid);
      await Bun.sleep(cfg.idleSeconds * 1000);
      f.idleCpu = cpuSince(pid, c0);
    }
    if (!on.has("rss")) return;
    await fleet.grow(cfg.tabs);
    await Bun.sleep(cfg.settleMs);
    f.rssMany = await rss();
    f.rssPerTab = (f.rssMany - f.rssFew) / (cfg.tabs - cfg.fewTabs);
  } finally {
    await fleet.stop();
  }
}

/** ours / relay, the relay's figure at least `floor` (its clock resolution). */
function ratio(ours: number, relay: number, floor = 0): { value: number; text: string; lowerBound: boolean } {
  const lowerBound = relay < floor;
  const value = ours / Math.max(relay, floor || Number.MIN_VALUE);
  return { value, text: `${lowerBound ? ">=" : ""}x${value.toFixed(2)}${lowerBound ? " (relay under one clock tick)" : ""}`, lowerBound };
}

const us = (s: number) => `${(s * 1e6).toFixed(1)} µs`;
const msOf = (s: number) => `${fmtMs(s * 1000)} ms`;

export async function runRelay(cfg: RelayConfig, log: (s: string) => void): Promise<Row[]> {
  const on = phases();
  const ours = await measure("app", cfg, log);
  const relay = await measure("relay", cfg, log);
  const rows: Row[] = [];
  const figure = (
    id: string,
    label: string,
    n: number,
    o: number,
    r: number,
    show: (x: number) => string,
    floor: number,
    more: string[] = [],
    extra: Record<string, unknown> = {},
  ) => {
    if (Number.isNaN(o) || Number.isNaN(r)) return; // a phase not run
    const q = ratio(o, r, floor);
    rows.push({
      id,
      label,
      n,
      notes: [`ours ${show(o)}, relay ${show(r)}: ${q.text}`, ...more],
      extra: { ours: o, relay: r, ratio: q.value, ratioLowerBound: q.lowerBound, ...extra },
    });
  };
  figure(
    "relay.cpu.change",
    "relay floor: server CPU per shared change, 1 tab",
    cfg.changes,
    ours.cpuPerChange,
    relay.cpuPerChange,
    us,
    TICK / cfg.changes,
    [`wall per change: ours ${us(ours.wallPerChange)}, relay ${us(relay.wallPerChange)}`],
  );
  figure(
    `relay.connect.${cfg.tabs}`,
    `relay floor: connecting ${cfg.tabs} tabs, server CPU`,
    cfg.tabs,
    ours.connectCpu,
    relay.connectCpu,
    msOf,
    TICK,
    [
      `wall: ours ${msOf(ours.connectWall)}, relay ${msOf(relay.connectWall)}: x${(ours.connectWall / relay.connectWall).toFixed(2)}`,
      `CPU until ${cfg.settleMs} ms after the last tab`,
      `threads' run time (schedstat, ns): ours ${msOf(ours.connectCpuFine)}, relay ${msOf(relay.connectCpuFine)}: x${(ours.connectCpuFine / relay.connectCpuFine).toFixed(2)}`,
    ],
    {
      oursFine: ours.connectCpuFine,
      relayFine: relay.connectCpuFine,
      fineRatio: ours.connectCpuFine / relay.connectCpuFine,
      oursWall: ours.connectWall,
      relayWall: relay.connectWall,
      wallRatio: ours.connectWall / relay.connectWall,
    },
  );
  figure(
    `relay.rss.${cfg.fewTabs}-${cfg.tabs}`,
    `relay floor: server RSS per tab, ${cfg.fewTabs} -> ${cfg.tabs} tabs`,
    cfg.tabs - cfg.fewTabs,
    ours.rssPerTab,
    relay.rssPerTab,
    fmtBytes,
    0,
    [
      `RSS at ${cfg.fewTabs}/${cfg.tabs} tabs: ours ${fmtBytes(ours.rssFew)}/${fmtBytes(ours.rssMany)}, relay ${fmtBytes(relay.rssFew)}/${fmtBytes(relay.rssMany)}`,
    ],
  );
  figure(
    `relay.idle.${cfg.fewTabs}`,
    `relay floor: server idle CPU, ${cfg.fewTabs} tabs, ${cfg.idleSeconds} s`,
    cfg.fewTabs,
    ours.idleCpu / cfg.idleSeconds,
    relay.idleCpu / cfg.idleSeconds,
    (x) => `${fmtMs(x * 1000)} ms/s`,
    0,
    ["threads' run time from /proc/PID/task/*/schedstat (ns)"],
  );

  if (!on.has("fanout")) return rows;
  for (const target of ["app", "relay"] as const) {
    log(`relay: fan-out to ${cfg.tabs} tabs, ${target === "app" ? "ours" : "relay"}`);
    const row = await fanOut(cfg.tabs, { ...cfg.fanout, sizes: [cfg.tabs], profileDir: cfg.profileDir }, target);
    rows.push(
      target === "app"
        ? { ...row, id: `relay.fanout.${cfg.tabs}`, label: `relay floor: fan-out to ${cfg.tabs} tabs, ours` }
        : { ...row, id: `relay.floor.fanout.${cfg.tabs}`, label: `relay floor: fan-out to ${cfg.tabs} tabs, raw Bun relay` },
    );
  }
  const o = rows.at(-2)!;
  const r = rows.at(-1)!;
  if (o.ms && r.ms) {
    const p99 = o.ms.p99 / r.ms.p99;
    const p50 = o.ms.p50 / r.ms.p50;
    o.notes.unshift(`x${p50.toFixed(2)} of the relay at p50, x${p99.toFixed(2)} at p99`);
    o.extra = { ...o.extra, ratioP50: p50, ratioP99: p99 };
  }
  return rows;
}

export interface RelayBrowserConfig {
  moves: number;
  warmup: number;
}

/**
 * The browser's share: one Chromium, two tabs of the same page; tab A moves a range input (value,
 * then an input event), tab B's output element shows the value. Times are taken in the pages on
 * the shared clock (performance.timeOrigin + performance.now()): A's just before the input event,
 * B's in a MutationObserver on its output. Moves go one at a time (ours: the next after A's ack).
 * Ours: examples/example1.ts's shared slider (values 1..10 in turn); floor: relay-server.ts's page.
 */
export async function runRelayBrowser(cfg: RelayBrowserConfig & { dataDir: string }, log: (s: string) => void): Promise<Row[]> {
  if (!phases().has("browser")) return [];
  const label = (who: string) => `relay floor: browser, tab A's slider change to tab B's DOM, ${who}`;
  const { hasChromium, launch, CHROMIUM } = await import("../../test/helpers/browser.ts");
  if (!hasChromium)
    return [{ id: "relay.browser.ours", label: label("ours (example1)"), n: 0, notes: [], skipped: `no Chromium at ${CHROMIUM}` }];
  const { Child, pinSelf, unpinSelf, SPLIT } = await import("./proc.ts");
  const { summarize } = await import("./stats.ts");
  unpinSelf();
  const browser = await launch().finally(pinSelf);
  const results: Record<Target, number[]> = { app: [], relay: [] };
  try {
    for (const target of ["app", "relay"] as const) {
      log(`relay: browser, ${target === "app" ? "ours (example1)" : "relay floor page"}`);
      let url: string;
      let stop: () => Promise<void>;
      if (target === "relay") {
        const c = await Child.start("relay", "relay-server.ts", { cpus: SPLIT.server });
        url = String(c.ready.url);
        stop = () => c.stop();
      } else {
        const ex = await startExample1(`${cfg.dataDir}/example1`);
        url = ex.url;
        stop = ex.stop;
      }
      try {
        const input = target === "app" ? "#shared_slider input" : "#s";
        const output = target === "app" ? "#shared_slider_output" : "#out";
        const tabs = [];
        for (let i = 0; i < 2; i++) {
          const p = await browser.newPage();
          await p.goto(url);
          if (target === "app") await p.waitForSelector('#dd-status[data-state="connected"]', { timeout: 10000 });
          else await p.evaluate(() => (window as unknown as { relayReady: Promise<unknown> }).relayReady);
          tabs.push(p);
        }
        const [a, b] = tabs as [(typeof tabs)[0], (typeof tabs)[0]];
        await b.evaluate((sel) => {
          const w = window as unknown as { seen: { text: string; t: number }[] };
          w.seen = [];
          const el = document.querySelector(sel)!;
          new MutationObserver(() => w.seen.push({ text: el.textContent ?? "", t: performance.timeOrigin + performance.now() })).observe(
            el,
            { subtree: true, childList: true, characterData: true },
          );
        }, output);
        const ack0 =
          target === "app" ? await a.evaluate(() => (window as unknown as { dashDevices: { lastAck: number } }).dashDevices.lastAck) : 0;
        for (let i = 1; i <= cfg.warmup + cfg.moves; i++) {
          const v = target === "app" ? (i % 10) + 1 : i;
          const t0 = await a.evaluate(
            ({ sel, v }) => {
              const el = document.querySelector(sel) as HTMLInputElement;
              el.value = String(v);
              const t = performance.timeOrigin + performance.now();
              el.dispatchEvent(new Event("input", { bubbles: true }));
              return t;
            },
            { sel: input, v },
          );
          const t1 = await b
            .waitForFunction(
              (v) => (window as unknown as { seen: { text: string; t: number }[] }).seen.find((s) => s.text === String(v))?.t,
              v,
              { timeout: 5000, polling: 5 },
            )
            .then((h) => h.jsonValue() as Promise<number>);
          await b.evaluate(() => ((window as unknown as { seen: unknown[] }).seen = []));
          if (target === "app")
            await a.waitForFunction((n) => (window as unknown as { dashDevices: { lastAck: number } }).dashDevices.lastAck >= n, ack0 + i, {
              timeout: 5000,
              polling: 5,
            });
          if (i > cfg.warmup) results[target].push(t1 - t0);
        }
        for (const p of tabs) await p.close();
      } finally {
        await stop();
      }
    }
  } finally {
    await browser.close();
  }
  const o = summarize(results.app);
  const r = summarize(results.relay);
  return [
    {
      id: "relay.browser.ours",
      label: label("ours (example1)"),
      n: o.n,
      ms: o,
      notes: [
        `x${(o.p50 / r.p50).toFixed(2)} of the floor page at p50, x${(o.p99 / r.p99).toFixed(2)} at p99`,
        "one Chromium, two tabs, times in the pages",
      ],
      extra: { ratioP50: o.p50 / r.p50, ratioP99: o.p99 / r.p99 },
    },
    {
      id: "relay.floor.browser",
      label: label("raw Bun relay floor page"),
      n: r.n,
      ms: r,
      notes: ["input, WebSocket send; the other tab sets its input and #out"],
    },
  ];
}
