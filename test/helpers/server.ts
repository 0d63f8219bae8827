/**
 * Test helpers: start a real app on a free port (127.0.0.1, port 0) with its log kept in memory,
 * and stop it afterwards.
 */
import { App, type AppOptions } from "../../src/index.ts";
import { memoryLogger } from "../../src/core/log.ts";
import type { ListenConfig } from "../../src/server/config.ts";

export interface TestServer {
  app: App;
  url: string;
  wsUrl: string;
  port: number;
  log: string[];
  stop(): Promise<void>;
}

/** An app's options, and `listen`: where instead of 127.0.0.1 on a free port (`{ host: "0.0.0.0", interfaces }`). */
export type StartOptions = AppOptions & { listen?: Partial<ListenConfig> };

export async function startApp(build: (app: App) => void, options: StartOptions = {}): Promise<TestServer> {
  const logger = memoryLogger();
  const { listen, ...appOptions } = options;
  const app = new App({ logger, database: false, ...appOptions });
  build(app);
  const saved = { PORT: process.env.PORT, HOST: process.env.HOST };
  delete process.env.PORT;
  delete process.env.HOST;
  try {
    const s = await app.run({ host: "127.0.0.1", port: 0, ...listen });
    return { app, url: s.url, wsUrl: s.url.replace(/^http/, "ws") + "/ws", port: s.port, log: logger.lines, stop: () => app.stop() };
  } finally {
    Object.assign(process.env, Object.fromEntries(Object.entries(saved).filter(([, v]) => v !== undefined)));
  }
}

/** Polls `cond` until it holds or `ms` pass; returns whether it held. */
export async function until(cond: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await Bun.sleep(5);
  }
  return cond();
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): number {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const p = s.port;
  s.stop(true);
  return p;
}
