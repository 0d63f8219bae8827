/**
 * @module bench/memory
 * Part 4: the server process's RSS with 0, 100 and 1,000 idle tabs connected (each has had its
 * first calls), read by the server itself after a full GC, on a fresh server. Bytes per client
 * are the growth over the empty server divided by the tabs.
 */

import { startFleet } from "./fleet.ts";
import type { Row } from "./report.ts";
import { fmtBytes } from "./stats.ts";

export interface MemoryConfig {
  sizes: number[];
  procs: number;
  /** Quiet time before each reading. */
  settleMs: number;
}

type Rss = {
  rss: number;
  rssBeforeGc: number;
  heapUsed: number;
  clients: number;
};

export async function runMemory(cfg: MemoryConfig, log: (s: string) => void): Promise<Row[]> {
  const fleet = await startFleet({ procs: cfg.procs });
  const rows: Row[] = [];
  try {
    let base: Rss | undefined;
    for (const n of [0, ...cfg.sizes.filter((s) => s > 0)]) {
      log(`memory: ${n} idle clients`);
      await fleet.grow(n);
      await Bun.sleep(cfg.settleMs);
      const m = await fleet.server.request<Rss>("rss");
      if (m.clients !== n) throw new Error(`memory: the server counts ${m.clients} clients, expected ${n}`);
      base ??= m;
      const per = n ? (m.rss - base.rss) / n : 0;
      const perHeap = n ? (m.heapUsed - base.heapUsed) / n : 0;
      rows.push({
        id: `memory.${n}`,
        label: `server memory, ${n} idle clients`,
        n,
        notes: [
          `RSS ${fmtBytes(m.rss)}${n ? `, ${fmtBytes(per)} per client (JS heap ${fmtBytes(perHeap)} per client)` : ` (JS heap ${fmtBytes(m.heapUsed)})`}`,
        ],
        extra: {
          rss: m.rss,
          rssBeforeGc: m.rssBeforeGc,
          heapUsed: m.heapUsed,
          bytesPerClient: Math.round(per),
          heapBytesPerClient: Math.round(perHeap),
        },
      });
    }
  } finally {
    await fleet.stop();
  }
  return rows;
}
