/**
 * @module bench/clients
 * Child process: a fleet of tabs (plain WebSockets speaking the page's protocol) for the
 * fan-out, memory and device-loop parts. It keeps no frames, only what each part needs:
 * - `fan`: for each change number, when the last of this process's tabs had it (`done` events);
 *   a tab that got a newer value has had the older ones too (the server may coalesce).
 * - `device`: each tab's arrival time of every sensor sample.
 * Times are this process's performance.now(); the orchestrator maps them onto its own clock.
 */

import { FAN, SENSOR } from "./app.ts";
import { emit, serveRequests } from "./proc.ts";
import { QUERY } from "../../src/core/wire.ts";

interface Tab {
  ws: WebSocket;
  fanSeen: number;
  devVals: number[];
  devTimes: number[];
}

const tabs: Tab[] = [];
let frames = 0;
let mode: "idle" | "fan" | "device" = "idle";
/** fan mode: change number -> tabs of this process that have it. */
const reached = new Map<number, number>();
const FAN_MARK = `>${FAN}=`;
const SENSOR_MARK = `>${SENSOR}=`;

function valueAfter(frame: string, at: number, mark: string): number {
  return parseInt(frame.slice(at + mark.length, at + mark.length + 12), 10);
}

function onFrame(t: Tab, frame: string): void {
  frames++;
  if (mode === "fan") {
    const at = frame.indexOf(FAN_MARK);
    if (at < 0) return;
    const v = valueAfter(frame, at, FAN_MARK);
    if (!(v > t.fanSeen)) return;
    const now = performance.now();
    for (let i = t.fanSeen + 1; i <= v; i++) {
      const c = (reached.get(i) ?? 0) + 1;
      if (c === tabs.length) {
        reached.delete(i);
        emit("done", { i, t: now });
      } else reached.set(i, c);
    }
    t.fanSeen = v;
  } else if (mode === "device") {
    const at = frame.indexOf(SENSOR_MARK);
    if (at < 0) return;
    t.devTimes.push(performance.now());
    t.devVals.push(valueAfter(frame, at, SENSOR_MARK));
  }
}

function open(wsUrl: string, origin: string): Promise<Tab> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, { headers: { Origin: origin } } as unknown as string[]);
    const t: Tab = { ws, fanSeen: 0, devVals: [], devTimes: [] };
    let first = true;
    const timer = setTimeout(() => reject(new Error("a tab got no first frame within 10 s")), 10000);
    ws.onmessage = (e) => {
      if (first) {
        // The first frame is the tab's first calls: the tab is now fully connected.
        first = false;
        clearTimeout(timer);
        resolve(t);
      }
      onFrame(t, typeof e.data === "string" ? e.data : String(e.data));
    };
    ws.onerror = () => {
      clearTimeout(timer);
      reject(new Error(`WebSocket to ${wsUrl} failed`));
    };
  });
}

serveRequests({
  /** Opens `n` more tabs, `batch` at a time, each waiting for its first frame. */
  async connect(m) {
    const base = String(m.url);
    const wsUrl = `${base.replace(/^http/, "ws")}/ws?${QUERY.version}=${Number(m.version) || 0}`;
    const n = Number(m.n);
    const batch = Number(m.batch) || 50;
    for (let i = 0; i < n; i += batch) {
      const k = Math.min(batch, n - i);
      tabs.push(...(await Promise.all(Array.from({ length: k }, () => open(wsUrl, base)))));
    }
    return { tabs: tabs.length };
  },
  fan(m) {
    mode = "fan";
    reached.clear();
    for (const t of tabs) t.fanSeen = Number(m.from) || 0;
    return { tabs: tabs.length };
  },
  device() {
    mode = "device";
    for (const t of tabs) {
      t.devVals = [];
      t.devTimes = [];
    }
    return { tabs: tabs.length };
  },
  deviceReport() {
    mode = "idle";
    return { tabs: tabs.map((t) => ({ vals: t.devVals, times: t.devTimes.map((x) => Math.round(x * 1000) / 1000) })) };
  },
  stats() {
    return { frames, tabs: tabs.length, open: tabs.filter((t) => t.ws.readyState === WebSocket.OPEN).length };
  },
  async close() {
    mode = "idle";
    for (const t of tabs) t.ws.close();
    const end = Date.now() + 5000;
    while (tabs.some((t) => t.ws.readyState !== WebSocket.CLOSED) && Date.now() < end) await Bun.sleep(10);
    tabs.length = 0;
    return {};
  },
});

emit("ready", { pid: process.pid });
