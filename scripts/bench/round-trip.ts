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
  warmup: number;
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

/**
 * Warm-up: `cfg.warmup` messages per case, the cases interleaved, before any row is timed.
 * JavaScriptCore keeps compiling the hot paths (DFG, then FTL) for the first ~15,000 messages
 * of a server, on the server's own core: timed that early, every row's p99 would measure the
 * compiler. The cold figures are kept in the JSON (`coldP99`).
 */
async function warmUp(tab: Tab, cfg: RoundTripConfig): Promise<Record<string, number>> {
  const cold: Record<string, number[]> = {};
  const end = performance.now() + cfg.maxSeconds * 1000;
  for (let i = 0; i < cfg.warmup && performance.now() < end; i++) {
    for (const id of Object.keys(CASES) as CaseId[]) (cold[id] ??= []).push(await sample(tab, id));
  }
  return Object.fromEntries(Object.entries(cold).map(([id, xs]) => [id, summarize(xs).p99]));
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
    env: { BENCH_SERVICE: service },
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
    log(`round trip (${where.label}): ${service} warm-up, ${cfg.warmup} messages per case`);
    const coldP99 = await warmUp(tab, cfg);
    for (const id of Object.keys(CASES) as CaseId[]) {
      const c = CASES[id];
      log(`round trip (${where.label}): ${service} ${c.kind} ${c.mode}`);
      const samples = await measure(tab, id, cfg);
      rows.push({
        id: `rt.${service}.${c.kind}.${c.mode}.${where.key}`,
        label: `round trip [${where.label}], ${service === "ws" ? "WebSocket" : "HTTP"} service, ${c.kind} ${c.mode} callback`,
        n: samples.length,
        ms: summarize(samples),
        notes: [],
        extra: { coldP99: coldP99[id] },
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
