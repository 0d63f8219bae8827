/**
 * @module bench/device-loop
 * Part 6: a simulated sensor in the server process pushes a reading with app.pushMods at a fixed
 * rate (50 Hz) to every tab (100). Per tab: the delivered rate, the inter-arrival times (their
 * spread is the jitter a viewer sees) and the time from the push to the tab. The server's own
 * timer jitter is reported beside it, so the two can be told apart.
 */

import { startFleet } from "./fleet.ts";
import type { Row } from "./report.ts";
import { fmtMs, summarize } from "./stats.ts";

export interface DeviceConfig {
  clients: number;
  hz: number;
  seconds: number;
  procs: number;
  profileDir?: string;
}

interface TabReport {
  vals: number[];
  times: number[];
}

export async function runDeviceLoop(cfg: DeviceConfig, log: (s: string) => void): Promise<Row[]> {
  log(`device loop: ${cfg.hz} Hz to ${cfg.clients} clients for ${cfg.seconds} s`);
  const fleet = await startFleet({ procs: cfg.procs, profileDir: cfg.profileDir });
  try {
    await fleet.grow(cfg.clients);
    await fleet.server.syncClock();
    for (const p of fleet.procs) await p.syncClock();
    for (const p of fleet.procs) await p.request("device");
    const { ticks, first } = await fleet.server.request<{ ticks: number[]; first: number }>(
      "device",
      { hz: cfg.hz, seconds: cfg.seconds },
      (cfg.seconds + 30) * 1000,
    );
    await Bun.sleep(300);
    const tabs: { proc: (typeof fleet.procs)[number]; tab: TabReport }[] = [];
    for (const p of fleet.procs) {
      const r = await p.request<{ tabs: TabReport[] }>("deviceReport");
      for (const tab of r.tabs) tabs.push({ proc: p, tab });
    }
    const pushes = ticks.length;
    const tickAt = ticks.map((t) => fleet.server.local(t));
    const gaps: number[] = [];
    const lat: number[] = [];
    const rates: number[] = [];
    let lost = 0;
    for (const { proc, tab } of tabs) {
      const seen = new Set<number>();
      for (let k = 0; k < tab.vals.length; k++) {
        const v = tab.vals[k]!;
        const i = v - first;
        if (i < 0 || i >= pushes || seen.has(v)) continue;
        seen.add(v);
        lat.push(proc.local(tab.times[k]!) - tickAt[i]!);
        if (k > 0) gaps.push(tab.times[k]! - tab.times[k - 1]!);
      }
      lost += pushes - seen.size;
      rates.push(seen.size / (pushes / cfg.hz));
    }
    const tickGaps = ticks.slice(1).map((t, k) => t - ticks[k]!);
    const timer = summarize(tickGaps);
    const g = summarize(gaps);
    const r = summarize(rates);
    return [
      {
        id: "device.interarrival",
        label: `device loop: ${cfg.hz} Hz pushMods to ${tabs.length} clients, inter-arrival per client`,
        n: gaps.length,
        ms: g,
        notes: [
          `delivered ${r.mean.toFixed(1)}/s per client (min ${r.min.toFixed(1)}), ${lost} of ${pushes * tabs.length} lost`,
          `jitter: stddev ${fmtMs(g.stddev)} ms`,
          `server timer alone: stddev ${fmtMs(timer.stddev)} ms, p99 ${fmtMs(timer.p99)} ms`,
        ],
        extra: {
          hz: cfg.hz,
          seconds: cfg.seconds,
          pushes,
          clients: tabs.length,
          lost,
          ratePerClientMean: r.mean,
          ratePerClientMin: r.min,
          jitterStddevMs: g.stddev,
          timerGapMs: timer,
        },
      },
      {
        id: "device.latency",
        label: `device loop: push to client (${tabs.length} clients)`,
        n: lat.length,
        ms: summarize(lat),
        notes: ["from app.pushMods in the server to the frame in the tab (clocks matched by ping)"],
      },
    ];
  } finally {
    await fleet.stop();
  }
}
