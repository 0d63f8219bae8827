/**
 * @module bench
 * `bun run bench`: starts real dash-devices servers with the bench app (scripts/bench/app.ts) on
 * 127.0.0.1, drives them with real clients in other processes, and prints one markdown table
 * (p50/p90/p99/max) plus the targets, and writes the same as JSON to .bench/latest.json.
 * `bun run bench:quick` runs every part briefly (a smoke test for CI: it checks that the bench
 * runs, not how fast); it writes .bench/quick.json.
 *
 * Options: --quick, --only rt,fanout,memory,browser,device,flood,startup,relay (or relay-browser: only
 * the relay part's browser rows, not run by default), --out FILE, --fan-procs N (client
 * processes for fan-out, default 1), --profile (servers run under `bun --cpu-prof`, profiles in
 * .bench/prof; summarize one with `bun scripts/bench/cpuprofile.ts FILE`).
 */

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runRoundTrips } from "./bench/round-trip.ts";
import { runFanOut } from "./bench/fan-out.ts";
import { runMemory } from "./bench/memory.ts";
import { runBrowser } from "./bench/browser.ts";
import { runDeviceLoop } from "./bench/device-loop.ts";
import { runDeviceThread } from "./bench/device-thread.ts";
import { runFlood } from "./bench/flood.ts";
import { runStartup } from "./bench/startup.ts";
import { runRelay, runRelayBrowser } from "./bench/relay.ts";
import { machine, table, targetTable, toJson, type Row } from "./bench/report.ts";
import { checkTargets } from "./bench/targets.ts";
import { pinning, pinSelf, SPLIT } from "./bench/proc.ts";

const PARTS = ["rt", "fanout", "memory", "browser", "device", "flood", "startup", "relay"] as const;
/** Selectable with --only, not part of the default run (a phase of a part above). */
const SUB_PARTS = ["relay-browser"] as const;
type Part = (typeof PARTS)[number] | (typeof SUB_PARTS)[number];

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv.includes("--help")) {
  console.log(
    "usage: bun run bench [--quick] [--only rt,fanout,memory,browser,device,flood,startup,relay,relay-browser] [--out FILE] [--fan-procs N] [--profile]",
  );
  process.exit(0);
}
const quick = process.argv.includes("--quick");
const root = join(dirname(import.meta.path), "..");
const profileDir = process.argv.includes("--profile") ? join(root, ".bench", "prof") : undefined;
const only = (option("only")?.split(",") ?? PARTS) as Part[];
const known: readonly string[] = [...PARTS, ...SUB_PARTS];
for (const p of only) if (!known.includes(p)) throw new Error(`--only: unknown part "${p}" (parts: ${known.join(", ")})`);
const out = option("out") ?? join(root, ".bench", quick ? "quick.json" : "latest.json");
const fanProcs = Number(option("fan-procs") ?? 1);

const cfg = quick
  ? {
      rt: { warmup: 20, samples: 100, maxSeconds: 5 },
      fanout: { sizes: [10, 100, 1000], changes: () => 10, warmup: 2, sustainSeconds: 0.2, window: 4, procs: fanProcs, maxSeconds: 5 },
      memory: { sizes: [100, 1000], procs: 1, settleMs: 100 },
      browser: { moves: 20, warmup: 3 },
      device: { clients: 100, hz: 50, seconds: 1, procs: 1 },
      deviceThread: { transfers: 20, latencyMs: 1, rttCalls: 100, edges: 1000, busyMs: 20 },
      flood: { seconds: 10, tabs: 3 },
      startup: { runs: 2 },
      relay: {
        changes: 500,
        warmup: 100,
        tabs: 300,
        fewTabs: 30,
        idleSeconds: 1,
        settleMs: 100,
        fanout: { changes: () => 10, warmup: 2, sustainSeconds: 0.2, window: 4, procs: fanProcs, maxSeconds: 5 },
        browser: { moves: 20, warmup: 3 },
      },
    }
  : {
      // warm-up: messages per case before any row is timed (see bench/round-trip.ts)
      rt: { warmup: 4000, warmupMax: 20000, samples: 3000, maxSeconds: 60 },
      fanout: {
        sizes: [10, 100, 1000],
        changes: (n: number) => (n >= 1000 ? 500 : 1000),
        warmup: 20,
        sustainSeconds: 3,
        window: 4,
        procs: fanProcs,
        maxSeconds: 60,
      },
      memory: { sizes: [100, 1000], procs: 1, settleMs: 1000 },
      browser: { moves: 300, warmup: 30 },
      device: { clients: 100, hz: 50, seconds: 5, procs: 1 },
      // issue 12: 200 awaited 1 ms transfers; 1,000 GPIO edges during a 200 ms busy loop
      deviceThread: { transfers: 200, latencyMs: 1, rttCalls: 5000, edges: 1000, busyMs: 200 },
      // one socket floods invalid messages without reading while 3 tabs do round trips
      flood: { seconds: 30, tabs: 3 },
      // exec to first 200 of a compiled app and of a compiled hello world, alternately
      startup: { runs: 30 },
      // ours against a raw Bun relay (bench/relay-server.ts): CPU per change, connect, RSS, idle CPU, fan-out
      relay: {
        changes: 20000,
        warmup: 4000,
        tabs: 1000,
        fewTabs: 100,
        idleSeconds: 10,
        settleMs: 1000,
        fanout: { changes: () => 500, warmup: 20, sustainSeconds: 3, window: 4, procs: fanProcs, maxSeconds: 60 },
        browser: { moves: 300, warmup: 30 },
      },
    };

const started = new Date();
const t0 = performance.now();
const log = (s: string) => process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(1)}s] ${s}\n`);
if (profileDir) mkdirSync(profileDir, { recursive: true });

// This process and the client processes on CPU 0, servers on the last CPU (see bench/proc.ts).
pinSelf();
// The servers keep their database (the app's default) here, not in the working tree.
const dataDir = mkdtempSync(join(tmpdir(), "dd-bench-"));
process.env.BENCH_DATA_DIR = dataDir;
process.on("exit", () => rmSync(dataDir, { recursive: true, force: true }));
const loadavg = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const loadBefore = loadavg();
const cpuBefore = cpuSeconds();
const rows: Row[] = [];
const m = machine();
log(`${quick ? "quick" : "full"} run on ${m.nproc} x ${m.cpu}, Bun ${m.bun}; parts: ${only.join(", ")}`);
const failures: string[] = [];
/** Runs one part; a part that fails is reported (and fails the run) without losing the others. */
async function part(name: Part, run: () => Promise<Row[]>): Promise<void> {
  if (!only.includes(name)) return;
  try {
    rows.push(...(await run()));
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    failures.push(`${name}: ${msg}`);
    log(`FAILED ${name}: ${msg}`);
    rows.push({ id: `${name}.failed`, label: `${name}: failed`, n: 0, notes: [], skipped: `failed: ${msg.split("\n")[0]}` });
  }
}
await part("rt", () => runRoundTrips({ ...cfg.rt, profileDir }, log));
await part("fanout", () => runFanOut({ ...cfg.fanout, profileDir }, log));
await part("memory", () => runMemory(cfg.memory, log));
await part("browser", () => runBrowser({ ...cfg.browser, profileDir }, log));
await part("device", async () => [
  ...(await runDeviceLoop({ ...cfg.device, profileDir }, log)),
  ...(await runDeviceThread(cfg.deviceThread, log)),
]);
await part("flood", () => runFlood({ ...cfg.flood, profileDir }, log));
await part("startup", () => runStartup(cfg.startup, log));
await part("relay", async () => [
  ...(await runRelay({ ...cfg.relay, profileDir }, log)),
  ...(await runRelayBrowser({ ...cfg.relay.browser, dataDir }, log)),
]);
await part("relay-browser", () => runRelayBrowser({ ...cfg.relay.browser, dataDir }, log));

const seconds = (performance.now() - t0) / 1000;
const checks = checkTargets(rows);
const loadAfter = loadavg();
const cpu = cpuSeconds();
// CPU time the machine spent on processes other than this bench and its children (all exited
// and reaped by now, so /proc/self's cutime/cstime hold them): other work skews every figure.
const foreign = cpu && cpuBefore ? Math.max(0, cpu.machine - cpuBefore.machine - (cpu.ours - cpuBefore.ours)) : NaN;
const placement = pinning ? { server: SPLIT.server, clients: SPLIT.clients } : "unpinned";
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  JSON.stringify(
    {
      ...(toJson(quick ? "quick" : "full", rows, checks, started, seconds) as object),
      placement,
      loadavg: { before: loadBefore, after: loadAfter },
      otherProcessesCpuSeconds: Math.round(foreign * 10) / 10,
    },
    null,
    2,
  ) + "\n",
);

console.log(`## dash-devices bench (${quick ? "quick: smoke test, timings not meaningful" : "full"})\n`);
console.log(`Machine: ${m.nproc} cores, ${m.cpu}, ${m.platform}, Linux ${m.kernel}, Bun ${m.bun}; loopback 127.0.0.1.`);
console.log(
  pinning
    ? `Placement: servers on CPU ${SPLIT.server}, client processes on CPU ${SPLIT.clients} ("1 core" rows: everything on CPU 0; Chromium unpinned).`
    : "Placement: not pinned (no taskset or one CPU).",
);
console.log(
  `Load average before: ${loadBefore}, after: ${loadAfter}; other processes used ${foreign.toFixed(1)} CPU-seconds during the ${seconds.toFixed(0)} s run${foreign > seconds * 0.1 ? " (**busy machine: figures disturbed**)" : ""}.\n`,
);
console.log(table(rows));
console.log("");
console.log(targetTable(checks));
console.log(`\n${rows.length} rows in ${seconds.toFixed(1)} s; JSON: ${out}`);
if (failures.length) {
  console.error(`\n${failures.length} part(s) failed:\n${failures.join("\n")}`);
  process.exitCode = 1;
}

/** Busy CPU seconds of the whole machine (/proc/stat) and of this process with its reaped children. */
function cpuSeconds(): { machine: number; ours: number } | undefined {
  try {
    const hz = 100; // USER_HZ on Linux
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user, nice, system (irq and softirq left out: loopback traffic is processed there and
    // charged to no process, so it would count our own packets as someone else's work)
    const machine = (f[0]! + f[1]! + f[2]!) / hz;
    const st = readFileSync("/proc/self/stat", "utf8");
    const g = st
      .slice(st.lastIndexOf(")") + 2)
      .split(" ")
      .map(Number);
    const ours = (g[11]! + g[12]! + g[13]! + g[14]!) / hz; // utime stime cutime cstime
    return { machine, ours };
  } catch {
    return undefined;
  }
}
