/**
 * @module bench/fan-out-cost
 * The fan-out's own cost, in one process and without sockets: a runtime with `N` tabs on a
 * transport that only counts frames, one tab moving a shared slider whose shared callback's output
 * goes to every tab (the bench app's fan-out case), one change at a time. Prints the JavaScript
 * CPU per change and per tab, and the bytes the JS heap allocated per change (JavaScriptCore's own
 * count: the run is repeated in a child under BUN_JSC_logGC=1, which logs the bytes allocated at
 * each collection). Steadier than the socket rows, so a change to the fan-out can be judged with it.
 *
 *   bun scripts/bench/fan-out-cost.ts [--tabs 1000] [--changes 2000]
 */

import { Client } from "../../src/core/client.ts";
import { Input, Output } from "../../src/core/dependencies.ts";
import { dcc } from "../../src/core/dcc/index.ts";
import { html } from "../../src/core/html.ts";
import { memoryLogger } from "../../src/core/log.ts";
import { Runtime } from "../../src/core/runtime.ts";
import type { Transport } from "../../src/core/transport.ts";
import { HEADER } from "../../src/core/wire.ts";

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
};
const TABS = arg("tabs", 1000);
const CHANGES = arg("changes", 2000);
const WARMUP = Math.min(500, CHANGES);

class CountingTransport implements Transport {
  frames = 0;
  bytes = 0;
  last = "";
  send(frame: string): number {
    this.frames++;
    this.bytes += frame.length;
    this.last = frame;
    return frame.length;
  }
  buffered(): number {
    return 0;
  }
  close(): void {}
}

const turn = () => new Promise<void>((r) => setImmediate(r));
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await turn();
}

async function main(): Promise<void> {
  const rt = new Runtime({ log: memoryLogger() });
  rt.layout = html.Div([dcc.Slider({ id: "fan", min: 0, max: 1e9, value: 0, step: 1, updatemode: "drag" }), html.Div({ id: "fan_out" })]);
  rt.addCallback([Output("fan_out", "children"), Input("fan", "value"), (v: number) => `fan=${v};`], true);
  rt.validate();
  await rt.initialShared();
  rt.started = true;
  const tabs: CountingTransport[] = [];
  const clients: Client[] = [];
  for (let i = 0; i < TABS; i++) {
    const t = new CountingTransport();
    const c = new Client(t, { ip: "127.0.0.1" }, () => {});
    rt.connect(c, rt.version, false);
    tabs.push(t);
    clients.push(c);
  }
  await settle();
  const sender = clients[0]!;
  let seq = 0;
  const change = async () => {
    const k = ++seq;
    rt.handleMessage(sender, JSON.stringify({ fan: String(k), headers: { [HEADER.source]: "div#fan", [HEADER.seq]: String(k) } }));
    await settle();
  };
  for (let i = 0; i < WARMUP; i++) await change();
  const framesBefore = tabs.reduce((a, t) => a + t.frames, 0);
  Bun.gc(true);
  process.stderr.write("--- timed ---\n");
  const c0 = process.cpuUsage();
  for (let i = 0; i < CHANGES; i++) await change();
  const c = process.cpuUsage(c0);
  process.stderr.write("--- end ---\n");
  const frames = tabs.reduce((a, t) => a + t.frames, 0) - framesBefore;
  const last = tabs[1]!.last;
  if (!last.includes(`fan=${seq};`)) throw new Error(`tab 2's last frame is not the last change: ${last}`);
  const cpuMs = (c.user + c.system) / 1000 / CHANGES;
  console.log(
    JSON.stringify({
      tabs: TABS,
      changes: CHANGES,
      framesPerChange: frames / CHANGES,
      cpuMsPerChange: cpuMs,
      cpuUsPerTab: (cpuMs * 1000) / TABS,
      frame: last,
    }),
  );
}

if (process.env.FAN_OUT_COST_CHILD) await main();
else {
  // Twice: the CPU from a plain run, the allocations from a run that logs every collection.
  const run = (env: Record<string, string>) =>
    Bun.spawnSync(["bun", import.meta.path, ...process.argv.slice(2)], {
      env: { ...process.env, FAN_OUT_COST_CHILD: "1", ...env },
      stdout: "pipe",
      stderr: "pipe",
    });
  const plain = run({});
  if (plain.exitCode !== 0) throw new Error(plain.stderr.toString());
  const r = JSON.parse(plain.stdout.toString().trim().split("\n").at(-1)!);
  const logged = run({ BUN_JSC_logGC: "1" });
  const err = logged.stderr.toString();
  const timed = err.slice(err.indexOf("--- timed ---"), err.indexOf("--- end ---"));
  let bytes = 0;
  let gcs = 0;
  for (const m of timed.matchAll(/bytes allocated this cycle: (\d+)/g)) {
    bytes += Number(m[1]);
    gcs++;
  }
  const pauses = [...timed.matchAll(/p=([\d.]+)ms/g)].map((m) => Number(m[1]));
  console.log(`${r.tabs} tabs, ${r.changes} changes one at a time (${r.framesPerChange} frames each):`);
  console.log(`  JS CPU per change ${r.cpuMsPerChange.toFixed(3)} ms (${r.cpuUsPerTab.toFixed(2)} µs per tab)`);
  console.log(
    `  heap allocated per change ~${(bytes / r.changes / 1024).toFixed(1)} KiB (${gcs} collections requested; ${(bytes / r.changes / r.tabs).toFixed(0)} B per tab); GC pauses: ${pauses.length}, max ${Math.max(0, ...pauses).toFixed(2)} ms`,
  );
  console.log(`  frame: ${r.frame}`);
}
