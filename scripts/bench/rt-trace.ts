/**
 * @module bench/rt-trace
 * Per-sample trace of the round-trip part (scripts/bench/round-trip.ts), to attribute its p99:
 * which samples are slow, when (time since the row started), how far apart, for each case.
 * `bun scripts/bench/rt-trace.ts [--service ws|http] [--cores 1|2] [--samples N] [--warmup N]
 * [--cases rs,ss,...] [--slow MS] [--env K=V,...] [--echo]` (the environment goes to the server,
 * e.g. --env BUN_JSC_logGC=1, whose lines are printed with the server's output). --echo traces
 * the Bun echo floor instead; --profile DIR runs the server under `bun --cpu-prof`.
 */

import { CASES, outputText, type CaseId } from "./app.ts";
import { Child, pinSelf, SHARED_CORE, SPLIT } from "./proc.ts";
import { BenchWs, BenchHttp, wsMessage } from "./protocol.ts";
import { summarize } from "./stats.ts";

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

const service = option("service") === "http" ? "http" : "ws";
const placement = option("cores") === "1" ? SHARED_CORE : SPLIT;
const samples = Number(option("samples") ?? 3000);
const warmup = Number(option("warmup") ?? 4000);
const cases = (option("cases")?.split(",") ?? Object.keys(CASES)) as CaseId[];
const slowMs = Number(option("slow") ?? 0.4);
const env = Object.fromEntries(
  (option("env") ?? "")
    .split(",")
    .filter(Boolean)
    .map((kv) => kv.split("=") as [string, string]),
);
const echoOnly = process.argv.includes("--echo");
const profileDir = option("profile");

pinSelf();

interface Trace {
  at: number[];
  ms: number[];
}

function report(name: string, t: Trace, t0: number): void {
  const s = summarize(t.ms);
  const slow: string[] = [];
  let prev = -1;
  for (let i = 0; i < t.ms.length; i++) {
    if (t.ms[i]! < slowMs) continue;
    const at = t.at[i]! - t0;
    slow.push(`#${i} @${at.toFixed(0)}ms ${t.ms[i]!.toFixed(3)}${prev >= 0 ? ` (+${i - prev} samples)` : ""}`);
    prev = i;
  }
  console.log(
    `${name}: n=${t.ms.length} p50=${s.p50.toFixed(3)} p90=${s.p90.toFixed(3)} p99=${s.p99.toFixed(3)} max=${s.max.toFixed(2)}; ${slow.length} samples >= ${slowMs} ms`,
  );
  for (const line of slow.slice(0, 60)) console.log(`  ${line}`);
}

let value = 0;
if (echoOnly) {
  const echo = await Child.start("echo", "echo-server.ts", { cpus: placement.server, env });
  const url = String(echo.ready.url);
  const ws = await BenchWs.open(url, { path: "/ws" });
  const t: Trace = { at: [], ms: [] };
  let seq = 0;
  for (let i = 0; i < warmup; i++) await ws.echo(wsMessage("rs", String(++value), ++seq, `${url}/`));
  const t0 = performance.now();
  for (let i = 0; i < samples; i++) {
    t.at.push(performance.now());
    t.ms.push(await ws.echo(wsMessage("rs", String(++value), ++seq, `${url}/`)));
  }
  report("echo", t, t0);
  ws.close();
  await echo.stop();
  process.stdout.write(echo.log);
} else {
  const server = await Child.start(`server-${service}`, "server.ts", {
    env: { BENCH_SERVICE: service, ...env },
    cpus: placement.server,
    profileDir,
  });
  const url = String(server.ready.url);
  const { version } = await server.request<{ version: number }>("version");
  const tab = service === "ws" ? await BenchWs.open(url, { version }) : await BenchHttp.open(url, { version });
  await Bun.sleep(50);
  const one = async (id: CaseId): Promise<number> => {
    const v = ++value;
    const r = await tab.roundTrip(id, v, `>${outputText(id, v)}<`);
    await tab.waitAck(r.seq);
    return r.ms;
  };
  for (let i = 0; i < warmup; i++) for (const id of Object.keys(CASES) as CaseId[]) await one(id);
  const jit = async (label: string) => (await server.request<{ compileMs: number }>("jit", { label })).compileMs;
  for (const id of cases) {
    const t: Trace = { at: [], ms: [] };
    const c0 = await jit(`${id} start`);
    const t0 = performance.now();
    for (let i = 0; i < samples; i++) {
      t.at.push(performance.now());
      t.ms.push(await one(id));
    }
    console.log(`${service} ${id}: JIT compile during the row ${((await jit(`${id} end`)) - c0).toFixed(1)} ms`);
    report(`${service} ${id}`, t, t0);
  }
  tab.close();
  await server.stop();
  process.stdout.write(server.log);
}
