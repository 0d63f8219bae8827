/**
 * Browser helpers: Debian's Chromium driven by playwright-core (no browser download), and a way to
 * run an example file as its own process on a free port, exactly as a user runs it.
 */
import { chromium, type Browser } from "playwright-core";
import { existsSync } from "node:fs";
import { freePort, until } from "./server.ts";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);

/** `extraArgs`: e.g. `--ignore-certificate-errors` for a device's self-signed certificate. */
export async function launch(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic", ...extraArgs],
  });
}

export interface ExampleProcess {
  url: string;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs `bun <file>` with PORT set to a free port and waits until it answers GET /. */
export async function runExample(file: string, env: Record<string, string> = {}, port = freePort()): Promise<ExampleProcess> {
  const proc = Bun.spawn(["bun", file], { env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", ...env }, stdout: "pipe", stderr: "pipe" });
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
