/**
 * @module bench/round-trip
 * Parts 1 and 2: protocol-level round trips and the raw floor. One client in this process, the
 * server in its own; each sample sends one slider change and waits for the frame carrying the
 * output's fragment (for shared callbacks too: the echo of the slider and the ack do not count),
 * then for the ack before the next sample so samples do not overlap. Rows: WebSocket vs HTTP
 * service x regular vs shared x sync vs async callback, then Bun's WebSocket and HTTP echo; all
 * of it twice: with the server on its own core ("2 cores": every message wakes the other
 * process on another CPU) and with server and client sharing one core ("1 core": what the
 * software alone costs), each compared with the floor measured the same way.
 */

import { CASES, outputText, type CaseId } from "./app.ts";
import { Child, pinning, SHARED_CORE, SPLIT, type Placement } from "./proc.ts";
import { BenchHttp, BenchWs, httpEcho, postHeaders, wsMessage } from "./protocol.ts";
import type { Row } from "./report.ts";
import { fmtMs, summarize } from "./stats.ts";

export interface RoundTripConfig {
  /** Warm-up messages per case, at least. */
  warmup: number;
  /** Warm-up messages per case, at most (while the server's JIT still compiles). */
  warmupMax?: number;
  samples: number;
  /** Upper bound per row, whatever the sample count. */
  maxSeconds: number;
  profileDir?: string;
}

type Service = "ws" | "http";

interface Tab {
  roundTrip(id: string, value: number, marker: string): Promise<{ ms: number; seq: number }>;
  waitAck(seq: number): Promise<void>;
  close(): void;
}

let value = 0;

async function sample(tab: Tab, id: CaseId): Promise<number> {
  const v = ++value;
  const r = await tab.roundTrip(id, v, `>${outputText(id, v)}<`);
  await tab.waitAck(r.seq);
  return r.ms;
}

/** Messages per case in one warm-up round, after which the server's JIT compile time is read. */
const ROUND = 1000;
/** Before each row: rounds of this many messages of the row's own case, until one is quiet. */
const ROW_ROUND = 500;
/** A warm-up round that compiled less than this (ms) counts as quiet. */
const QUIET_MS = 1;

interface WarmUp {
  coldP99: Record<string, number>;
  /** Messages per case sent before the rows were timed. */
  perCase: number;
  /** Milliseconds the server spent compiling during the warm-up. */
  jitMs: number;
}

/**
 * Warm-up: the cases interleaved, at least `cfg.warmup` messages per case and then until the
 * server's JIT is quiet (a round of ROUND messages per case compiled less than QUIET_MS, read
 * from JavaScriptCore's total compile time), at most `cfg.warmupMax` per case. The server is
 * pinned to one core, so a compile (FTL: 10-45 ms for the shared path's big functions, which
 * tier up only after ~5,000 calls) takes that core from the messages being timed: timed that
 * early, a row's p99 measures the compiler (scripts/bench/rt-trace.ts with
 * --env BUN_JSC_reportCompileTimes=1 lists what compiles during each row). The cold figures are
 * kept in the JSON (`coldP99`).
 */
async function warmUp(tab: Tab, jit: () => Promise<number>, cfg: RoundTripConfig): Promise<WarmUp> {
  const cold: Record<string, number[]> = {};
  const end = performance.now() + cfg.maxSeconds * 1000;
  const max = Math.max(cfg.warmup, cfg.warmupMax ?? cfg.warmup);
  const start = await jit();
  let n = 0;
  let last = start;
  while (n < max && performance.now() < end) {
    const round = Math.min(ROUND, max - n);
    for (let i = 0; i < round; i++) {
      for (const id of Object.keys(CASES) as CaseId[]) (cold[id] ??= []).push(await sample(tab, id));
    }
    n += round;
    const now = await jit();
    const quiet = now - last < QUIET_MS;
    last = now;
    if (n >= cfg.warmup && quiet) break;
  }
  return {
    coldP99: Object.fromEntries(Object.entries(cold).map(([id, xs]) => [id, summarize(xs).p99])),
    perCase: n,
    jitMs: last - start,
  };
}

/**
 * Before a row: the row's own case alone (the pattern that is timed), in rounds of ROW_ROUND,
 * until a round compiles less than QUIET_MS (at most `cfg.warmupMax` messages). Functions that
 * only this case calls back to back (a shared slider's echo render, the shared chain) cross
 * their next tier's threshold here rather than in the timed samples.
 */
async function settle(tab: Tab, id: CaseId, jit: () => Promise<number>, cfg: RoundTripConfig): Promise<void> {
  const max = cfg.warmupMax ?? cfg.warmup;
  const end = performance.now() + cfg.maxSeconds * 1000;
  let last = await jit();
  for (let n = 0; n < max && performance.now() < end; n += ROW_ROUND) {
    for (let i = 0; i < Math.min(ROW_ROUND, cfg.warmup); i++) await sample(tab, id);
    const now = await jit();
    if (now - last < QUIET_MS) return;
    last = now;
  }
}

async function measure(tab: Tab, id: CaseId, cfg: RoundTripConfig): Promise<number[]> {
  const out: number[] = [];
  const end = performance.now() + cfg.maxSeconds * 1000;
  for (let i = 0; i < cfg.samples && performance.now() < end; i++) out.push(await sample(tab, id));
  return out;
}

/** Bounded loop over a floor measurement, same warm-up and count as the rows it is compared with. */
async function measureFloor(one: () => Promise<number>, cfg: RoundTripConfig): Promise<number[]> {
  const out: number[] = [];
  const end = performance.now() + cfg.maxSeconds * 1000;
  for (let i = 0; i < cfg.warmup + cfg.samples && performance.now() < end; i++) {
    const ms = await one();
    if (i >= cfg.warmup) out.push(ms);
  }
  return out;
}

interface Where {
  /** Row id suffix and label part. */
  key: string;
  label: string;
  placement: Placement;
}

const PLACES: Where[] = pinning
  ? [
      { key: "2core", label: "2 cores", placement: SPLIT },
      { key: "1core", label: "1 core", placement: SHARED_CORE },
    ]
  : [{ key: "unpinned", label: "unpinned", placement: SPLIT }];

async function serviceRows(service: Service, where: Where, cfg: RoundTripConfig, log: (s: string) => void): Promise<Row[]> {
  const server = await Child.start(`server-${service}`, "server.ts", {
    // JavaScriptCore counts its compile time only with this on (the warm-up reads it; no output).
    env: { BENCH_SERVICE: service, BUN_JSC_reportTotalCompileTimes: "1" },
    profileDir: cfg.profileDir,
    cpus: where.placement.server,
  });
  const rows: Row[] = [];
  try {
    const url = String(server.ready.url);
    const { version } = await server.request<{ version: number }>("version");
    const tab: Tab = service === "ws" ? await BenchWs.open(url, { version }) : await BenchHttp.open(url, { version });
    // Let the first calls for this tab arrive before timing anything.
    await Bun.sleep(50);
    const jit = async () => (await server.request<{ compileMs: number }>("jit")).compileMs;
    log(`round trip (${where.label}): ${service} warm-up, ${cfg.warmup} messages per case or more until the JIT is quiet`);
    const warm = await warmUp(tab, jit, cfg);
    log(`round trip (${where.label}): ${service} warmed up: ${warm.perCase} messages per case, ${warm.jitMs.toFixed(0)} ms of JIT`);
    for (const id of Object.keys(CASES) as CaseId[]) {
      const c = CASES[id];
      log(`round trip (${where.label}): ${service} ${c.kind} ${c.mode}`);
      await settle(tab, id, jit, cfg);
      const before = await jit();
      const samples = await measure(tab, id, cfg);
      const jitMs = Math.round(((await jit()) - before) * 10) / 10;
      rows.push({
        id: `rt.${service}.${c.kind}.${c.mode}.${where.key}`,
        label: `round trip [${where.label}], ${service === "ws" ? "WebSocket" : "HTTP"} service, ${c.kind} ${c.mode} callback`,
        n: samples.length,
        ms: summarize(samples),
        notes: jitMs >= QUIET_MS ? [`the server's JIT compiled ${jitMs} ms during the row`] : [],
        extra: { coldP99: warm.coldP99[id], warmupPerCase: warm.perCase, jitMs },
      });
    }
    tab.close();
  } finally {
    await server.stop();
  }
  return rows;
}

async function floorRows(where: Where, cfg: RoundTripConfig, log: (s: string) => void): Promise<Row[]> {
  const echo = await Child.start("echo", "echo-server.ts", { cpus: where.placement.server });
  try {
    const url = String(echo.ready.url);
    log(`floor (${where.label}): Bun WebSocket echo`);
    const ws = await BenchWs.open(url, { path: "/ws" });
    let seq = 0;
    const wsSamples = await measureFloor(() => ws.echo(wsMessage("rs", String(++value), ++seq, `${url}/`)), cfg);
    ws.close();
    log(`floor (${where.label}): Bun HTTP echo`);
    const httpSamples = await measureFloor(
      () => httpEcho(`${url}/echo`, `rs=${++value}`, postHeaders("rs", ++seq, `${url}/`, url, "0123456789abcdef")),
      cfg,
    );
    return [
      {
        id: `floor.ws.${where.key}`,
        label: `floor [${where.label}]: Bun WebSocket echo (same message)`,
        n: wsSamples.length,
        ms: summarize(wsSamples),
        notes: [],
      },
      {
        id: `floor.http.${where.key}`,
        label: `floor [${where.label}]: Bun HTTP echo (same POST, keep-alive)`,
        n: httpSamples.length,
        ms: summarize(httpSamples),
        notes: [],
      },
    ];
  } finally {
    await echo.stop();
  }
}

/** All round-trip rows, with each row's ratio to the floor of its transport and placement in the notes. */
export async function runRoundTrips(cfg: RoundTripConfig, log: (s: string) => void): Promise<Row[]> {
  const rows: Row[] = [];
  for (const where of PLACES) {
    const floor = await floorRows(where, cfg, log);
    const ours = [...(await serviceRows("ws", where, cfg, log)), ...(await serviceRows("http", where, cfg, log))];
    for (const r of ours) {
      const f = floor.find((x) => x.id === `floor.${r.id.startsWith("rt.ws") ? "ws" : "http"}.${where.key}`)!;
      const p50 = r.ms!.p50 / f.ms!.p50;
      const p99 = r.ms!.p99 / f.ms!.p99;
      r.extra = { ...r.extra, placement: where.label, ratioP50: Math.round(p50 * 100) / 100, ratioP99: Math.round(p99 * 100) / 100 };
      r.notes.push(
        `x${p50.toFixed(1)} of echo at p50, x${p99.toFixed(1)} at p99; p99 ${fmtMs(r.extra!.coldP99 as number)} ms during warm-up`,
      );
    }
    rows.push(...ours, ...floor);
  }
  return rows;
}
