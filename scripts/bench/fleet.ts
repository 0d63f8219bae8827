/**
 * @module bench/fleet
 * A server under test plus client fleets in one or more other processes, set up and torn down
 * together: what the fan-out, memory and device-loop parts share. The server gets its own core;
 * the client processes share the other(s) with the orchestrator.
 */

import { Child, SPLIT } from "./proc.ts";

export interface Fleet {
  server: Child;
  url: string;
  procs: Child[];
  /** Tabs connected so far, over all processes. */
  size: number;
  /** Connects more tabs, spread evenly over the client processes. */
  grow(total: number): Promise<void>;
  stop(): Promise<void>;
}

/** `target`: the dash-devices server (default) or the raw Bun relay floor (relay-server.ts). */
export async function startFleet(o: { procs: number; profileDir?: string; target?: "app" | "relay" }): Promise<Fleet> {
  const server =
    o.target === "relay"
      ? await Child.start("relay", "relay-server.ts", { profileDir: o.profileDir, cpus: SPLIT.server })
      : await Child.start("server-ws", "server.ts", { env: { BENCH_SERVICE: "ws" }, profileDir: o.profileDir, cpus: SPLIT.server });
  const procs: Child[] = [];
  try {
    for (let i = 0; i < o.procs; i++) procs.push(await Child.start(`clients-${i + 1}`, "clients.ts", { cpus: SPLIT.clients }));
  } catch (e) {
    await Promise.all([server.stop(), ...procs.map((p) => p.stop())]);
    throw e;
  }
  const url = String(server.ready.url);
  const perProc = procs.map(() => 0);
  const fleet: Fleet = {
    server,
    url,
    procs,
    size: 0,
    async grow(total) {
      const { version } = await server.request<{ version: number }>("version");
      const jobs: Promise<unknown>[] = [];
      for (let i = 0; i < procs.length; i++) {
        const want = Math.floor(total / procs.length) + (i < total % procs.length ? 1 : 0);
        const more = want - perProc[i]!;
        if (more > 0) jobs.push(procs[i]!.request("connect", { url, version, n: more }, 120000));
        perProc[i] = Math.max(want, perProc[i]!);
      }
      await Promise.all(jobs);
      fleet.size = perProc.reduce((a, b) => a + b, 0);
    },
    async stop() {
      await Promise.all(procs.map((p) => p.request("close", {}, 10000).catch(() => undefined)));
      await Promise.all([...procs.map((p) => p.stop()), server.stop()]);
    },
  };
  return fleet;
}
