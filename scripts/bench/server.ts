/**
 * @module bench/server
 * Child process: the real dash-devices server running the bench app on 127.0.0.1 (a free port),
 * over the WebSocket service or the HTTP service (BENCH_SERVICE=ws|http; no command-line
 * arguments, which the app reads as its own CLI). The orchestrator asks it
 * for its memory (`rss`, after a full GC) and to run the device loop (`device`: a simulated
 * sensor pushed with app.pushMods at a fixed rate, timed against an absolute schedule so timer
 * drift does not accumulate), and for its JIT compile time so far (`jit`).
 */

import { totalCompileTime } from "bun:jsc";
import { App, createLogger } from "../../src/index.ts";
import { buildBenchApp, SENSOR, sensorText } from "./app.ts";
import { emit, serveRequests } from "./proc.ts";

const service = process.env.BENCH_SERVICE === "http" ? "http" : "websocket";
// The app's defaults (database with audit log, public access) with the database in a temporary
// directory the orchestrator made, never in the working tree. Warnings and errors only: a
// connect line per client would be stderr traffic that no message path pays.
const app = new App({
  title: "dash-devices bench",
  logger: createLogger({ level: "warn" }),
  serverService: service,
  dataDir: process.env.BENCH_DATA_DIR,
});
buildBenchApp(app);
const running = await app.run({ host: "127.0.0.1", port: 0 });

let sensorSeq = 0;

async function deviceLoop(hz: number, seconds: number): Promise<{ ticks: number[]; first: number }> {
  const period = 1000 / hz;
  const n = Math.max(1, Math.round(seconds * hz));
  const first = sensorSeq + 1;
  const ticks: number[] = [];
  const start = performance.now();
  for (let k = 1; k <= n; k++) {
    const wait = start + k * period - performance.now();
    if (wait > 0) await Bun.sleep(wait);
    ticks.push(performance.now());
    app.pushMods({ [SENSOR]: { children: sensorText(++sensorSeq) } });
  }
  return { ticks, first };
}

serveRequests(
  {
    rss: () => {
      const before = process.memoryUsage().rss;
      Bun.gc(true);
      const m = process.memoryUsage();
      return { rss: m.rss, rssBeforeGc: before, heapUsed: m.heapUsed, clients: app.clients.size };
    },
    version: () => ({ version: app.runtime.version, clients: app.clients.size }),
    device: (m) => deviceLoop(Number(m.hz), Number(m.seconds)),
    /**
     * Milliseconds JavaScriptCore spent compiling so far; with `label`, a line on stderr, so that
     * what the VM logs (BUN_JSC_logGC, BUN_JSC_reportCompileTimes) can be placed between rows.
     */
    jit: (m) => {
      if (m.label) console.error(`[bench mark] ${String(m.label)}`);
      return { compileMs: totalCompileTime() };
    },
  },
  () => app.stop(),
);

emit("ready", { url: running.url, port: running.port, pid: process.pid, service });
