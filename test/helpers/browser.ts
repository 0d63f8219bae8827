/**
 * Browser helpers: Debian's Chromium driven by playwright-core (no browser download), and a way to
 * run an example file as its own process on a free port, exactly as a user runs it.
 *
 * Each test file has its own Chromium (`useBrowser()`: launched in beforeAll, closed in afterAll).
 * When a test times out, bun kills every child process of the run, Chromium included; the next
 * test of the file then gets a fresh one instead of "browser has been closed". Playwright's waits
 * give up after PAGE_TIMEOUT_MS, well inside the 30 s test timeout, so a stuck wait fails its own
 * test with Playwright's message and nothing is killed. Chromium's stderr (dbus complaints and the
 * like) is kept here, not in error messages: only a launch that fails shows its last lines.
 */
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, until } from "./server.ts";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);

/** Playwright's default for every wait and action on a page this helper's browsers open. */
export const PAGE_TIMEOUT_MS = 15_000;
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
  "--disable-quic",
];

/**
 * Starts Chromium with its stderr captured (the last lines shown only if it fails to start) and
 * connects to it over CDP. `close()` closes it, ends the process and removes its profile.
 * `extraArgs`: e.g. `--ignore-certificate-errors` for a device's self-signed certificate.
 */
export async function launch(extraArgs: readonly string[] = []): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "dd-chromium-"));
  const proc = Bun.spawn([CHROMIUM, ...ARGS, ...extraArgs, "--remote-debugging-port=0", `--user-data-dir=${profile}`, "about:blank"], {
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  const tail: string[] = [];
  let endpoint = "";
  const read = (async () => {
    let rest = "";
    for await (const chunk of proc.stderr) {
      rest += new TextDecoder().decode(chunk);
      const lines = rest.split("\n");
      rest = lines.pop()!;
      for (const line of lines) {
        endpoint ||= /DevTools listening on (ws:\/\/\S+)/.exec(line)?.[1] ?? "";
        tail.push(line);
        if (tail.length > 8) tail.shift();
      }
    }
  })();
  const end = () => {
    proc.kill("SIGKILL");
    rmSync(profile, { recursive: true, force: true });
  };
  await until(() => endpoint !== "" || proc.exitCode !== null || proc.signalCode !== null, 20_000);
  if (!endpoint) {
    end();
    await Promise.race([read, Bun.sleep(200)]);
    throw new Error(
      `Chromium (${CHROMIUM}) did not start${proc.exitCode !== null ? ` (exit ${proc.exitCode})` : " within 20 s"}; its last lines:\n${tail.slice(-5).join("\n")}`,
    );
  }
  let browser: Browser;
  try {
    browser = await chromium.connectOverCDP(endpoint, { timeout: 20_000 });
  } catch (e) {
    end();
    throw new Error(`could not connect to Chromium at ${endpoint}: ${(e as Error).message.split("\n")[0]}`);
  }
  const close = browser.close.bind(browser);
  const newContext = browser.newContext.bind(browser);
  const newPage = browser.newPage.bind(browser);
  browser.newContext = async (...a: Parameters<Browser["newContext"]>): Promise<BrowserContext> => {
    const ctx = await newContext(...a);
    ctx.setDefaultTimeout(PAGE_TIMEOUT_MS);
    return ctx;
  };
  browser.newPage = async (...a: Parameters<Browser["newPage"]>): Promise<Page> => {
    const page = await newPage(...a);
    page.setDefaultTimeout(PAGE_TIMEOUT_MS);
    return page;
  };
  browser.close = async (...a: Parameters<Browser["close"]>) => {
    await close(...a).catch(() => {}); // already gone (killed by bun after a timeout): nothing to close
    end();
  };
  return browser;
}

/** Whether Chromium answers a CDP call (just after bun killed it, `isConnected()` is still true). */
async function responds(browser: Browser): Promise<boolean> {
  if (!browser.isConnected()) return false;
  const probe = (async () => {
    const cdp = await browser.newBrowserCDPSession();
    await cdp.send("Browser.getVersion");
    await cdp.detach();
    return true;
  })().catch(() => false);
  return Promise.race([probe, Bun.sleep(5000).then(() => false)]);
}

/**
 * This file's Chromium: launched in beforeAll, closed in afterAll, launched again before a test
 * if it is gone (a timed-out test before it: bun kills child processes). The returned object
 * stands for whichever Chromium is current; use it as a `Browser`.
 */
export function useBrowser(extraArgs: readonly string[] = []): Browser {
  let current: Browser | undefined;
  const ensure = async () => {
    if (!hasChromium || (current && (await responds(current)))) return;
    await current?.close();
    current = await launch(extraArgs);
  };
  beforeAll(ensure, 30_000);
  beforeEach(ensure, 30_000);
  afterAll(async () => {
    await current?.close();
    current = undefined;
  });
  return new Proxy({} as Browser, {
    get(_, key) {
      if (!current) throw new Error("useBrowser(): no Chromium (outside a test, or CHROMIUM_PATH is missing)");
      const v = Reflect.get(current, key, current);
      return typeof v === "function" ? v.bind(current) : v;
    },
  });
}

export interface ExampleProcess {
  url: string;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs `bun <file>` with PORT set to a free port and waits until it answers GET /. */
export async function runExample(file: string, env: Record<string, string> = {}, port = freePort()): Promise<ExampleProcess> {
  const proc = Bun.spawn(["bun", file], {
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  let out = "";
  const pump = async (s: ReadableStream<Uint8Array>) => {
    for await (const chunk of s) out += new TextDecoder().decode(chunk);
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  const url = `http://127.0.0.1:${port}`;
  const up = await until(() => out.includes("server.listening"), 10000);
  if (!up) {
    proc.kill();
    throw new Error(`${file} did not start:\n${out}`);
  }
  return {
    url,
    output: () => out,
    async stop(signal: NodeJS.Signals = "SIGKILL") {
      proc.kill(signal);
      await proc.exited;
      await Bun.sleep(20); // let the last output be read
    },
  };
}

/** Opens `url` in a new page and waits until its WebSocket (or event stream) is live. */
export async function openTab(browser: Browser, url: string): Promise<import("playwright-core").Page> {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForSelector('#dd-status[data-state="connected"]');
  return page;
}

/** Moves a dcc.Slider the way a drag does: sets the range input's value, then an input event. */
export async function slide(page: import("playwright-core").Page, id: string, value: number): Promise<void> {
  await page.locator(`#${id} input`).evaluate((el: HTMLInputElement, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }, value);
}
