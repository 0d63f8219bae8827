/**
 * @module bench/device-thread
 * The device thread's figures (issue 12), measured in this process on the simulated bus, which
 * sleeps for real (`latencyMs`) per transfer as the kernel's ioctl holds its thread:
 * - the event loop during 200 awaited transfers of 1 ms: the largest lateness of a 1 ms timer,
 *   with the bus on this thread (before) and on the device thread (after);
 * - what one readByte costs through the device thread (no latency), against the same call on
 *   this thread;
 * - simulated GPIO: a burst of 1,000 edges while the event loop is busy for 200 ms: delivered,
 *   reported lost, and whether the two add up to what was made (the simulated chip's buffer is
 *   1,024 events, as the real chip asks the kernel for; a 16-event buffer shows the overflow path).
 * The qemu gpio-mockup figures (kernel edge delivery) come from scripts/qemu-devices.sh (part
 * "kernel": too slow for every run, it boots a VM).
 */

import { openBus, SimGpioChip, type I2CBusBase } from "../../src/devices/index.ts";
import type { Row } from "./report.ts";
import { fmtMs, summarize } from "./stats.ts";

export interface DeviceThreadConfig {
  transfers: number;
  latencyMs: number;
  rttCalls: number;
  edges: number;
  busyMs: number;
}

/** Runs `work` while a 1 ms interval timer measures how late it fires; returns lateness samples (ms). */
async function timerLateness(work: () => Promise<void>): Promise<number[]> {
  const late: number[] = [];
  let last = performance.now();
  const iv = setInterval(() => {
    const now = performance.now();
    late.push(Math.max(0, now - last - 1));
    last = now;
  }, 1);
  await Bun.sleep(3);
  last = performance.now();
  await work();
  late.push(Math.max(0, performance.now() - last - 1)); // the wait since the last tick counts too
  clearInterval(iv);
  return late;
}

const spec = (latencyMs: number) => ({ latencyMs, devices: { 0x50: { chip: "RegisterChip" as const } } });

export async function runDeviceThread(cfg: DeviceThreadConfig, log: (s: string) => void): Promise<Row[]> {
  const rows: Row[] = [];
  log(`device thread: ${cfg.transfers} awaited transfers at ${cfg.latencyMs} ms, ${cfg.rttCalls} round trips, ${cfg.edges} GPIO edges`);
  // 1. event-loop stall during transfers, bus on this thread vs on the device thread
  for (const thread of [false, true]) {
    const bus = openBus(1, { thread, sim: spec(cfg.latencyMs) }) as I2CBusBase;
    await bus.readByte(0x50, 0); // the thread has started
    const t0 = performance.now();
    const late = await timerLateness(async () => {
      for (let i = 0; i < cfg.transfers; i++) await bus.readByte(0x50, i & 0xff);
    });
    const took = performance.now() - t0;
    await bus.close();
    const s = summarize(late);
    rows.push({
      id: `device.stall.${thread ? "thread" : "main"}`,
      label: `device thread: 1 ms timer lateness during ${cfg.transfers} awaited ${cfg.latencyMs} ms transfers, bus on ${thread ? "the device thread" : "the main thread"}`,
      n: late.length,
      ms: s,
      notes: [`max ${fmtMs(s.max)} ms (the stall); ${late.length} ticks in ${took.toFixed(0)} ms`],
      extra: { maxLatenessMs: s.max, ticks: late.length, tookMs: took },
    });
  }
  // 2. round trip of one readByte through the thread (no simulated latency)
  for (const thread of [true, false]) {
    const bus = openBus(1, { thread, sim: spec(0) }) as I2CBusBase;
    for (let i = 0; i < 200; i++) await bus.readByte(0x50, 1); // warm-up
    const t: number[] = [];
    for (let i = 0; i < cfg.rttCalls; i++) {
      const a = performance.now();
      await bus.readByte(0x50, i & 0xff);
      t.push(performance.now() - a);
    }
    await bus.close();
    rows.push({
      id: `device.readbyte.${thread ? "thread" : "main"}`,
      label: `device thread: one awaited readByte on the simulated bus, ${thread ? "through the device thread" : "on the main thread"}`,
      n: t.length,
      ms: summarize(t),
      notes: [],
    });
  }
  // 3. simulated GPIO: a burst during a busy event loop, with the default and a 16-event buffer
  for (const depth of [1024, 16]) {
    const chip = new SimGpioChip({ lines: 8 });
    chip.setInput(0, 0);
    const line = chip.request({ lines: 0, edge: "both", eventBufferSize: depth });
    let got = 0;
    let lost = 0;
    let lastSeq = 0;
    line.on("edge", (e) => {
      got++;
      lastSeq = e.seqno;
    });
    line.on("overflow", (o) => (lost += o.lost));
    const t0 = performance.now();
    for (let i = 0; i < cfg.edges; i++) chip.setInput(0, ((i + 1) % 2) as 0 | 1);
    while (performance.now() - t0 < cfg.busyMs); // the event loop is busy: nothing is delivered meanwhile
    await Bun.sleep(5);
    line.release();
    rows.push({
      id: `device.gpio-sim.burst${depth}`,
      label: `device thread: simulated GPIO, ${cfg.edges} edges during a ${cfg.busyMs} ms busy loop, ${depth}-event buffer`,
      n: got,
      notes: [`delivered ${got}, reported lost ${lost}, made ${lastSeq}: ${got + lost === lastSeq ? "adds up" : "DOES NOT ADD UP"}`],
      extra: { delivered: got, lost, made: lastSeq, addsUp: got + lost === lastSeq },
    });
  }
  return rows;
}
