/**
 * @module bench/browser
 * Part 5: the user's view. Chromium (playwright-core, launched as the browser tests do) opens
 * the bench page and moves a slider many times; the page itself times each move from the input
 * event to the output element's DOM change (performance.now + MutationObserver), then waits
 * for the server's ack before the next move. Over the WebSocket and the HTTP service, for a
 * regular and a shared callback. The server is pinned to its core; Chromium may use every CPU.
 */

import { hasChromium, launch, CHROMIUM } from "../../test/helpers/browser.ts";
import { outputId } from "./app.ts";
import { Child, pinSelf, SPLIT, unpinSelf } from "./proc.ts";
import type { Row } from "./report.ts";
import { summarize } from "./stats.ts";

export interface BrowserConfig {
  moves: number;
  warmup: number;
  profileDir?: string;
}

const CASES = [
  { service: "ws", id: "rs", kind: "regular" },
  { service: "ws", id: "ss", kind: "shared" },
  { service: "http", id: "rs", kind: "regular" },
  { service: "http", id: "ss", kind: "shared" },
] as const;

function rowId(c: (typeof CASES)[number]): string {
  return `browser.${c.service}.${c.kind}`;
}
function rowLabel(c: (typeof CASES)[number]): string {
  return `browser: input event to DOM change, ${c.service === "ws" ? "WebSocket" : "HTTP"} service, ${c.kind} callback`;
}

interface PageArgs {
  id: string;
  outId: string;
  moves: number;
  warmup: number;
  timeoutMs: number;
}

/** Runs inside the page: must be self-contained. */
async function moveSlider(a: PageArgs): Promise<{ samples: number[]; error?: string }> {
  const wrap = document.getElementById(a.id)!;
  const input = wrap.querySelector("input")!;
  const dd = (window as unknown as { dashDevices: { lastAck: number } }).dashDevices;
  const mc = new MessageChannel();
  const yieldTask = () =>
    new Promise<void>((r) => {
      mc.port1.onmessage = () => r();
      mc.port2.postMessage(0);
    });
  const ack0 = dd.lastAck;
  const samples: number[] = [];
  const start = Number(input.value) || 0;
  for (let i = 1; i <= a.warmup + a.moves; i++) {
    const v = start + i;
    const expected = `${a.id}=${v};`;
    let mo: MutationObserver | undefined;
    const changed = new Promise<number>((resolve) => {
      mo = new MutationObserver(() => {
        if (document.getElementById(a.outId)?.textContent === expected) resolve(performance.now());
      });
      mo.observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<number>((r) => (timer = setTimeout(() => r(-1), a.timeoutMs)));
    input.value = String(v);
    const t0 = performance.now();
    input.dispatchEvent(new Event("input", { bubbles: true }));
    const t1 = await Promise.race([changed, timeout]);
    mo!.disconnect();
    clearTimeout(timer);
    if (t1 < 0) return { samples, error: `the output did not show "${expected}" within ${a.timeoutMs} ms` };
    const end = performance.now() + a.timeoutMs;
    while (dd.lastAck < ack0 + i && performance.now() < end) await yieldTask();
    if (dd.lastAck < ack0 + i) return { samples, error: `no ack for move ${i}` };
    if (i > a.warmup) samples.push(t1 - t0);
  }
  return { samples };
}

export async function runBrowser(cfg: BrowserConfig, log: (s: string) => void): Promise<Row[]> {
  if (!hasChromium) return CASES.map((c) => ({ id: rowId(c), label: rowLabel(c), n: 0, notes: [], skipped: `no Chromium at ${CHROMIUM}` }));
  // Chromium's processes (browser, renderer, network service) may use every CPU, as a browser does
  // on its own machine; the server stays pinned to its core.
  unpinSelf();
  const browser = await launch().finally(pinSelf);
  const rows: Row[] = [];
  try {
    for (const service of ["ws", "http"] as const) {
      const server = await Child.start(`server-${service}`, "server.ts", {
        env: { BENCH_SERVICE: service },
        profileDir: cfg.profileDir,
        cpus: SPLIT.server,
      });
      try {
        const page = await browser.newPage();
        await page.goto(String(server.ready.url));
        await page.waitForSelector('#dd-status[data-state="connected"]', { timeout: 10000 });
        for (const c of CASES.filter((x) => x.service === service)) {
          log(`browser: ${service} ${c.kind}`);
          const args: PageArgs = { id: c.id, outId: outputId(c.id), moves: cfg.moves, warmup: cfg.warmup, timeoutMs: 5000 };
          const r = await page.evaluate(moveSlider, args);
          if (r.error) throw new Error(`browser ${service} ${c.kind}: ${r.error}`);
          rows.push({ id: rowId(c), label: rowLabel(c), n: r.samples.length, ms: summarize(r.samples), notes: ["measured in the page"] });
        }
        await page.close();
      } finally {
        await server.stop();
      }
    }
  } finally {
    await browser.close();
  }
  return rows;
}
