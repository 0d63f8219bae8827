/**
 * @module bench/flood
 * The flood part: one socket sends invalid messages without reading for `seconds` (in its own
 * process) while 3 ordinary tabs do round trips on a regular callback. Reports the server's RSS
 * before and at the end (after a full GC, with the flooder still connected unless the server
 * dropped it), what the server logged, the tabs' round trips during the flood, and whether and
 * when the server disconnected the flooder (per-socket budgets). The flood lasts `seconds`, or
 * until the flooder's socket ends (a dropped socket that does not read only notices when Bun
 * gives up on the closing handshake).
 * Targets: RSS growth <= 50 MB, the other tabs' p99 <= 10 ms.
 */

import { outputText } from "./app.ts";
import { Child, SPLIT } from "./proc.ts";
import { BenchWs } from "./protocol.ts";
import type { Row } from "./report.ts";
import { fmtBytes, summarize } from "./stats.ts";

export interface FloodConfig {
  seconds: number;
  tabs: number;
  profileDir?: string;
}

type Rss = { rss: number; rssBeforeGc: number; heapUsed: number; clients: number };

export async function runFlood(cfg: FloodConfig, log: (s: string) => void): Promise<Row[]> {
  const server = await Child.start("server-flood", "server.ts", {
    env: { BENCH_SERVICE: "ws" },
    profileDir: cfg.profileDir,
    cpus: SPLIT.server,
  });
  const flooder = await Child.start("flooder", "flooder.ts", { cpus: SPLIT.clients });
  const tabs: BenchWs[] = [];
  try {
    const url = String(server.ready.url);
    const { version } = await server.request<{ version: number }>("version");
    for (let i = 0; i < cfg.tabs; i++) tabs.push(await BenchWs.open(url, { version }));
    // A short warm-up so the first samples do not time the compiler.
    let value = 0;
    for (const t of tabs)
      for (let i = 0; i < 200; i++) await t.waitAck((await t.roundTrip("rs", ++value, `>${outputText("rs", value)}<`)).seq);
    const before = await server.request<Rss>("rss");
    const logBefore = server.outputBytes;
    log(`flood: ${cfg.seconds} s of invalid messages from one socket that does not read, ${cfg.tabs} tabs doing round trips`);
    const samples: number[] = [];
    let timeouts = 0;
    let flooding = true;
    const t0 = performance.now();
    const flood = flooder
      .request<{ sent: number; endedMs?: number }>("flood", { url, seconds: cfg.seconds }, (cfg.seconds + 60) * 1000)
      .finally(() => (flooding = false));
    // The server's view of when it dropped the flooder (a socket that does not read cannot see
    // the close itself): the moment its client count falls back to the round-trip tabs.
    let droppedMs: number | undefined;
    const watch = (async () => {
      await Bun.sleep(100); // the flooder has connected
      while (flooding && droppedMs === undefined) {
        const { clients } = await server.request<{ clients: number }>("version", {}, 60000);
        if (clients <= cfg.tabs) droppedMs = performance.now() - t0;
        else await Bun.sleep(50);
      }
    })();
    const loops = tabs.map(async (t) => {
      while (flooding) {
        const v = ++value;
        try {
          const r = await t.roundTrip("rs", v, `>${outputText("rs", v)}<`, 30000);
          samples.push(r.ms);
          await t.waitAck(r.seq);
        } catch {
          timeouts++;
        }
      }
    });
    const f = await flood;
    await Promise.all([...loops, watch]);
    // Measured while the flooder is still connected (if the server kept it): what it holds for it.
    const after = await server.request<Rss>("rss", {}, 120000);
    await flooder.request("close");
    const logBytes = server.outputBytes - logBefore;
    const grew = after.rss - before.rss;
    const endedMs = droppedMs ?? f.endedMs;
    const ended = endedMs !== undefined ? `disconnected by the server within ${(endedMs / 1000).toFixed(2)} s` : "never disconnected";
    return [
      {
        id: "flood.ws",
        label: `flood: ${cfg.tabs} tabs' round trips while one socket floods invalid messages for ${cfg.seconds} s`,
        n: samples.length,
        ms: samples.length ? summarize(samples) : undefined,
        notes: [
          `RSS ${fmtBytes(before.rss)} -> ${fmtBytes(after.rss)} (${grew >= 0 ? "+" : ""}${fmtBytes(grew)})`,
          `flooder sent ${f.sent} messages${f.endedMs !== undefined ? ` (its socket ended after ${(f.endedMs / 1000).toFixed(1)} s; the flood stops then)` : ""}, ${ended}`,
          `server log +${fmtBytes(logBytes)}`,
          ...(timeouts ? [`${timeouts} round trips timed out`] : []),
        ],
        extra: {
          rssBefore: before.rss,
          rssAfter: after.rss,
          rssGrowth: grew,
          rssAfterBeforeGc: after.rssBeforeGc,
          sent: f.sent,
          disconnectedMs: endedMs ?? null,
          logBytes,
          timeouts,
        },
      },
    ];
  } finally {
    for (const t of tabs) t.close();
    await Promise.all([flooder.stop(), server.stop()]);
  }
}
