/**
 * @module bench/relay-probe
 * Probe for the browser row (relay.ts's browser phase), ours (examples/example1.ts) against the
 * relay floor (relay-server.ts), servers pinned as the bench pins them (SPLIT), this process on
 * the clients' CPU, Chromium unpinned. Times on the shared clock (timeOrigin + now in each
 * process; Chromium coarsens its clock to 0.1 ms without cross-origin isolation, so read the p50
 * and mean of many samples).
 *
 * Mode `raw`: a raw WebSocket in a Chromium page (no htmx) sends the JSON hx-ws:send sends for
 * example1's shared slider and a Bun client on the same server times its arrival; the same with a
 * Bun client as the sender.
 * Mode `pages`: the bench's row split into legs: input event -> tab A's ws.send -> a Bun observer
 * client's arrival -> tab B's message event -> tab B's DOM (a script added before the page's own
 * stamps every WebSocket send and message event).
 *
 *   bun scripts/bench/relay-probe.ts [samples=200] [ours|relay|both] [raw|pages]
 *
 * Environment: PROBE_SWAP=1 swaps tabs A and B (B connects first); PROBE_BURN=MS busy-waits MS in
 * the page after each ws.send (what A's own work after its send costs the other legs);
 * PROBE_PROF=1 runs ours under --cpu-prof (profile in /tmp/probeprof; summarize with
 * cpuprofile.ts); PROBE_PID_FILE=path writes the server's pid (to strace it); lines the server
 * prints containing PROBE are shown (for temporary instrumentation).
 */

import { launch } from "../../test/helpers/browser.ts";
import { Child, pinSelf, SPLIT, unpinSelf } from "./proc.ts";
import { wsMessage } from "./protocol.ts";
import { startExample1 } from "./example1.ts";

const N = Number(process.argv[2] ?? 200);
const which = process.argv[3] ?? "both";
const now = () => performance.timeOrigin + performance.now();

async function startOurs(): Promise<{ url: string; stop: () => Promise<void> }> {
  const prof = process.env.PROBE_PROF ? ["--cpu-prof", "--cpu-prof-interval", "50", "--cpu-prof-dir", "/tmp/probeprof"] : [];
  const ex = await startExample1(`/tmp/relay-probe-${process.pid}`, prof);
  if (process.env.PROBE_PID_FILE) await Bun.write(process.env.PROBE_PID_FILE, String(ex.pid));
  return {
    url: ex.url,
    stop: async () => {
      for (const l of ex.output().split("\n")) if (l.includes("PROBE")) console.log(l);
      await ex.stop();
    },
  };
}

async function startRelay(): Promise<{ url: string; stop: () => Promise<void> }> {
  const c = await Child.start("relay", "relay-server.ts", { cpus: SPLIT.server });
  if (process.env.PROBE_PID_FILE) await Bun.write(process.env.PROBE_PID_FILE, String(c.ready.pid));
  return { url: String(c.ready.url), stop: () => c.stop() };
}

/** A Bun client that resolves `wait(marker)` at the arrival of a frame containing it. */
async function bunClient(wsUrl: string, origin: string) {
  const ws = new WebSocket(wsUrl, { headers: { Origin: origin } } as unknown as string[]);
  let want: { marker: string; resolve: (t: number) => void } | undefined;
  ws.onmessage = (e) => {
    const t = now();
    const s = String(e.data);
    if (want && s.includes(want.marker)) {
      const w = want;
      want = undefined;
      w.resolve(t);
    }
  };
  await new Promise((r, j) => {
    ws.onopen = r;
    ws.onerror = j;
  });
  return {
    ws,
    wait: (marker: string) => new Promise<number>((resolve) => (want = { marker, resolve })),
  };
}

const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const fmt = (xs: number[]) =>
  `p50 ${p(xs, 0.5).toFixed(3)} ms  p10 ${p(xs, 0.1).toFixed(3)}  p90 ${p(xs, 0.9).toFixed(3)}  (n=${xs.length})`;

async function run(target: "ours" | "relay"): Promise<void> {
  const srv = target === "ours" ? await startOurs() : await startRelay();
  unpinSelf();
  const browser = await launch().finally(pinSelf);
  try {
    let wsPath = "/ws";
    if (target === "ours") {
      const html = await (await fetch(`${srv.url}/`)).text();
      wsPath = `/${/hx-ws:connect="([^"]+)"/.exec(html)![1]!}`;
    }
    const wsUrl = srv.url.replace(/^http/, "ws") + wsPath;
    const page = await browser.newPage();
    await page.goto(`${srv.url}/${target === "ours" ? "_dd/none" : ""}`);
    await page.evaluate((u) => {
      const w = window as unknown as { probe: WebSocket; probeOpen: Promise<unknown> };
      w.probe = new WebSocket(u);
      w.probeOpen = new Promise((r) => w.probe.addEventListener("open", r));
      return w.probeOpen;
    }, wsUrl);
    const recv = await bunClient(wsUrl, srv.url);
    const sender = await bunClient(wsUrl, srv.url);
    await Bun.sleep(300);
    const msgFor = (i: number) => (target === "ours" ? wsMessage("shared_slider", String((i % 10) + 1), i, `${srv.url}/`) : `>v${i};<`);
    const markerFor = (i: number) => (target === "ours" ? `>${(i % 10) + 1}</div>` : `>v${i};<`);
    const fromChromium: number[] = [];
    const fromBun: number[] = [];
    for (let i = 1; i <= N * 2 + 40; i++) {
      const viaChromium = i % 2 === 0;
      const arrived = recv.wait(markerFor(i));
      let t0: number;
      if (viaChromium)
        t0 = await page.evaluate((m) => {
          const w = window as unknown as { probe: WebSocket };
          const t = performance.timeOrigin + performance.now();
          w.probe.send(m);
          return t;
        }, msgFor(i));
      else {
        t0 = now();
        sender.ws.send(msgFor(i));
      }
      const t1 = await Promise.race([
        arrived,
        Bun.sleep(3000).then(() => {
          throw new Error(`no arrival for ${i} (${viaChromium ? "chromium" : "bun"})`);
        }),
      ]);
      await Bun.sleep(5);
      if (i > 40) (viaChromium ? fromChromium : fromBun).push(t1 - t0);
    }
    console.log(`${target}: Chromium raw socket -> server -> Bun client: ${fmt(fromChromium)}`);
    console.log(`${target}: Bun client          -> server -> Bun client: ${fmt(fromBun)}`);
  } finally {
    await browser.close();
    await srv.stop();
  }
}

/** Records, in every page, when a WebSocket sends and when a message event starts (before any other listener). */
const STAMP = `(() => { const BURN = ${Number(process.env.PROBE_BURN ?? 0)};
  const w = window; w.stamps = { send: [], recv: [], idle: [] };
  const T = () => performance.timeOrigin + performance.now();
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (d) { w.stamps.send.push(T()); const mc = new MessageChannel(); mc.port1.onmessage = () => w.stamps.idle.push(T()); mc.port2.postMessage(0); const r = send.call(this, d); const e = performance.now() + BURN; while (performance.now() < e); return r; };
  const WS = WebSocket;
  window.WebSocket = class extends WS { constructor(...a) { super(...a); this.addEventListener("message", () => w.stamps.recv.push(T())); } };
})();`;

/** The bench's browser row, split: input -> A's ws.send -> B's message event -> B's DOM. */
async function pages(target: "ours" | "relay"): Promise<void> {
  const srv = target === "ours" ? await startOurs() : await startRelay();
  unpinSelf();
  const browser = await launch().finally(pinSelf);
  type W = {
    stamps: { send: number[]; recv: number[]; idle: number[] };
    seen: { text: string; t: number }[];
    dashDevices: { lastAck: number };
  };
  try {
    const input = target === "ours" ? "#shared_slider input" : "#s";
    const output = target === "ours" ? "#shared_slider_output" : "#out";
    const tabs = [];
    for (let i = 0; i < 2; i++) {
      const pg = await browser.newPage();
      await pg.addInitScript(STAMP);
      await pg.goto(srv.url);
      if (target === "ours") await pg.waitForSelector('#dd-status[data-state="connected"]', { timeout: 10000 });
      else await pg.evaluate(() => (window as unknown as { relayReady: Promise<unknown> }).relayReady);
      tabs.push(pg);
    }
    const [a, b] = (process.env.PROBE_SWAP ? [tabs[1], tabs[0]] : tabs) as [(typeof tabs)[0], (typeof tabs)[0]];
    await b.evaluate((sel) => {
      const w = window as unknown as W;
      w.seen = [];
      const el = document.querySelector(sel)!;
      new MutationObserver(() => w.seen.push({ text: el.textContent ?? "", t: performance.timeOrigin + performance.now() })).observe(el, {
        subtree: true,
        childList: true,
        characterData: true,
      });
    }, output);
    const ack0 = target === "ours" ? await a.evaluate(() => (window as unknown as W).dashDevices.lastAck) : 0;
    let wsPath = "/ws";
    if (target === "ours") wsPath = `/${/hx-ws:connect="([^"]+)"/.exec(await (await fetch(`${srv.url}/`)).text())![1]!}`;
    const obs = await bunClient(srv.url.replace(/^http/, "ws") + wsPath, srv.url);
    const seg: Record<string, number[]> = {
      "input->A send": [],
      "A send->Bun obs": [],
      "Bun obs->B recv": [],
      "A send->B recv": [],
      "A send->A end": [],
      "A send->A next task": [],
      "B recv->B DOM": [],
      total: [],
    };
    for (let i = 1; i <= N + 30; i++) {
      const v = target === "ours" ? (i % 10) + 1 : i;
      await a.evaluate(() => {
        (window as unknown as W).stamps.send = [];
        (window as unknown as W).stamps.idle = [];
      });
      await b.evaluate(() => ((window as unknown as W).stamps.recv = []));
      const tObs = obs.wait(target === "ours" ? `>${v}</div>` : String(v));
      const t0 = await a.evaluate(
        ({ sel, v }) => {
          const el = document.querySelector(sel) as HTMLInputElement;
          el.value = String(v);
          const t = performance.timeOrigin + performance.now();
          el.dispatchEvent(new Event("input", { bubbles: true }));
          (window as unknown as { tEnd: number }).tEnd = performance.timeOrigin + performance.now();
          return t;
        },
        { sel: input, v },
      );
      const tEnd = await a.evaluate(() => (window as unknown as { tEnd: number }).tEnd);
      const t3 = await b
        .waitForFunction((v) => (window as unknown as W).seen.find((s) => s.text === String(v))?.t, v, { timeout: 5000, polling: 5 })
        .then((h) => h.jsonValue() as Promise<number>);
      const t2 = (await b.evaluate(() => (window as unknown as W).stamps.recv))[0]!;
      await b.evaluate(() => ((window as unknown as W).seen = []));
      if (target === "ours")
        await a.waitForFunction((n) => (window as unknown as W).dashDevices.lastAck >= n, ack0 + i, { timeout: 5000, polling: 5 });
      const t1 = (await a.evaluate(() => (window as unknown as W).stamps.send))[0]!;
      const tIdle = (await a.evaluate(() => (window as unknown as W).stamps.idle))[0]!;
      if (i > 30) {
        seg["input->A send"]!.push(t1 - t0);
        seg["A send->B recv"]!.push(t2 - t1);
        seg["A send->A end"]!.push(tEnd - t1);
        seg["A send->A next task"]!.push(tIdle - t1);
        const to = await tObs;
        seg["A send->Bun obs"]!.push(to - t1);
        seg["Bun obs->B recv"]!.push(t2 - to);
        seg["B recv->B DOM"]!.push(t3 - t2);
        seg.total!.push(t3 - t0);
      }
    }
    const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;
    for (const [k, xs] of Object.entries(seg)) console.log(`${target} pages: ${k.padEnd(16)} ${fmt(xs)}  mean ${mean(xs).toFixed(3)}`);
  } finally {
    await browser.close();
    await srv.stop();
  }
}

pinSelf();
const mode = process.argv[4] ?? "raw";
if (mode === "pages") {
  if (which !== "relay") await pages("ours");
  if (which !== "ours") await pages("relay");
  process.exit(0);
}
if (which !== "relay") await run("ours");
if (which !== "ours") await run("relay");
process.exit(0);
