/**
 * @module test/helpers/fixtures
 * Shared fixtures for tests against a real server, in the style of `useBrowser()`: each registers
 * its own hooks, so a test file says what it needs in one line and nothing is left running.
 *
 * - `useApp(build, options)`: a real app on a free port for the file's tests (beforeAll/afterAll),
 *   or one per test with `{ each: true }`. `useApp()` with no build starts nothing: a test calls
 *   `await srv.start(build, options)` and the app stops after that test. `database: true` puts the
 *   SQLite file in a fresh temp dir (deleted on stop); `users: { boss: "admin" }` creates accounts
 *   whose password is `<name>-password`, and `srv.login("boss")` gives a session cookie.
 * - `useTabs(srv)`: real tabs (WebSocket, or posts + SSE when the app's serverService is "http",
 *   or a bare socket that can stop reading), all closed after each test and before their server stops.
 * - `useExample(file)`: an example run as its own process for the file's tests; `useTabs` works on it too.
 * - `useTempDb()`, `useTempDir()` (test/db/temp-db.ts): a migrated SQLite file in a fresh temp dir
 *   for each test; a temp dir for the file's tests.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from "bun:test";
import { rmSync } from "node:fs";
import type { App } from "../../src/index.ts";
import type { Runtime } from "../../src/core/runtime.ts";
import type { Db } from "../../src/db/open.ts";
import type { Role } from "../../src/db/schema.ts";
import type { TransportName } from "../../src/transports/index.ts";
import { addUser, login, startDbApp } from "./admin.ts";
import { startApp, type StartOptions } from "./server.ts";
import { type TabClient, WsClient } from "./ws-client.ts";
import { HttpClient } from "./http-client.ts";
import { RawWs } from "./raw-ws.ts";
import type { ExampleProcess } from "./browser.ts";
import { tempDir } from "../db/temp-db.ts";
export { useTempDb, useTempDir } from "../db/temp-db.ts";

export type Build = (app: App) => void;

export interface UseAppOptions extends StartOptions {
  /** A fresh app for every test (beforeEach/afterEach) instead of one for the file's tests. */
  each?: boolean;
  /** Accounts created once the app runs (needs `database: true`); the password is `<name>-password`. */
  users?: Record<string, Role>;
}

/** A `useApp()`: its fields are those of the app it started last. */
export class AppHandle implements TabTarget {
  app!: App;
  url = "";
  wsUrl = "";
  port = 0;
  /** The app's log lines (a memory logger). */
  log: string[] = [];
  /** The data dir of an app with `database: true` (a temp dir unless `dataDir` was given). */
  dir = "";
  /** Called before the app stops (the tabs of `useTabs` close there). */
  readonly beforeStop: (() => void)[] = [];
  private end: (() => Promise<void>) | undefined;

  get runtime(): Runtime {
    return this.app.runtime;
  }
  get serverService(): TransportName {
    return this.app.serverService;
  }
  get db(): Db {
    const db = this.app.services?.db?.db;
    if (!db) throw new Error("useApp(): this app has no database (pass { database: true })");
    return db;
  }
  pageVersion(): number {
    return this.app.runtime.version;
  }

  /** Starts an app (stopping the one this handle ran before); returns this handle. */
  async start(build: Build, options: UseAppOptions = {}): Promise<this> {
    await this.stop();
    const { each: _, users, ...appOptions } = options;
    const s =
      appOptions.database && !appOptions.dataDir
        ? await startDbApp(build, appOptions)
        : { ...(await startApp(build, appOptions)), dir: appOptions.dataDir ?? "" };
    Object.assign(this, { app: s.app, url: s.url, wsUrl: s.wsUrl, port: s.port, log: s.log, dir: s.dir });
    this.end = "dispose" in s ? s.dispose : s.stop;
    for (const [name, role] of Object.entries(users ?? {})) await addUser(this.db, name, role);
    return this;
  }

  /** Closes its tabs, stops the app and deletes its temp dir; nothing when no app runs. */
  async stop(): Promise<void> {
    const end = this.end;
    if (!end) return;
    this.end = undefined;
    for (const f of this.beforeStop) f();
    await end();
  }

  /** A real POST /login as `username` (password `<name>-password` unless given): the session cookie. */
  login(username: string, password?: string): Promise<string> {
    return login(this.url, username, password);
  }
}

/**
 * A real app on a free port: for the file's (or describe block's) tests with a build, per test
 * with `{ each: true }`, or whatever a test starts with `srv.start()` when called without one.
 */
export function useApp(build?: Build, options: UseAppOptions = {}): AppHandle {
  const h = new AppHandle();
  if (build && !options.each) {
    beforeAll(() => h.start(build, options));
    afterAll(() => h.stop());
  } else {
    if (build) beforeEach(() => h.start(build, options));
    afterEach(() => h.stop());
  }
  return h;
}

export interface TabOptions {
  /** Log in as this user first (password `<name>-password`); the tab carries the cookie. */
  as?: string;
  cookie?: string;
  /** "/ws" (default) or "/admin/ws". */
  path?: string;
  /**
   * The page version the tab says it loaded: default the app's current one on "/ws" (the server
   * sends no whole page), none elsewhere; 0 gets the whole page in the first frame.
   */
  version?: number;
  /** More request headers; the server's own Origin is always sent. */
  headers?: Record<string, string>;
}

/** `[T, T, ...]`, `N` long. */
type Tuple<N extends number, T, R extends T[] = []> = R["length"] extends N ? R : Tuple<N, T, [T, ...R]>;

/** What `useTabs` needs of a server: an app of `useApp()`, an example process of `useExample()`. */
export interface TabTarget {
  readonly url: string;
  /** The version a page loaded now carries. */
  pageVersion(): number | Promise<number>;
  /** How its tabs talk (default "websocket"). */
  readonly serverService?: TransportName;
  /** Called before the server stops: its tabs close there. */
  readonly beforeStop?: (() => void)[];
}

/** Real tabs on `srv`, closed after each test and whenever its app stops. */
export function useTabs(srv: TabTarget) {
  const open: { close(): void }[] = [];
  const closeAll = () => {
    for (const t of open.splice(0)) t.close();
  };
  srv.beforeStop?.push(closeAll);
  afterEach(closeAll);
  const wsUrl = (path = "/ws") => `${srv.url.replace(/^http/, "ws")}${path}`;
  const track = <T extends { close(): void }>(t: T): T => {
    open.push(t);
    return t;
  };
  const tabs = {
    /** One more real tab on the app; closed after the test. */
    async open(o: TabOptions = {}): Promise<WsClient> {
      const path = o.path ?? "/ws";
      const headers: Record<string, string> = { origin: srv.url, ...o.headers };
      const cookie = o.cookie ?? (o.as ? await login(srv.url, o.as) : undefined);
      if (cookie) headers.cookie = cookie;
      const version = o.version ?? (path === "/ws" ? await srv.pageVersion() : undefined);
      return track(await WsClient.connect(wsUrl(path), { version, headers }));
    },
    /** `n` tabs, opened one after the other (the server's clients keep that order). */
    async openMany<N extends number>(n: N, o?: TabOptions): Promise<Tuple<N, WsClient>> {
      const out: WsClient[] = [];
      for (let i = 0; i < n; i++) out.push(await tabs.open(o));
      return out as Tuple<N, WsClient>;
    },
    /** A tab over the app's own transport: a WebSocket, or posts + SSE for `serverService: "http"`. */
    async openAny(o: { version?: number } = {}): Promise<TabClient> {
      const version = o.version ?? (await srv.pageVersion());
      return srv.serverService === "http"
        ? track(await HttpClient.connect(srv.url, { version }))
        : track(await WsClient.connect(wsUrl(), { version }));
    },
    /** A bare TCP WebSocket that can stop reading (test/helpers/raw-ws.ts), at the page's version. */
    async raw(): Promise<RawWs> {
      return track(await RawWs.open(`${wsUrl()}?v=${await srv.pageVersion()}`));
    },
  };
  return tabs;
}

/**
 * An example file run as its own process, as a user runs it (`runExample` of browser.ts), for the
 * file's tests: started in beforeAll, killed in afterAll; `output()` is what it printed.
 * `{ dataDir: true }`: its DATA_DIR (`dir`) is a new temp dir, deleted afterwards.
 */
export function useExample(file: string, options: { env?: Record<string, string>; dataDir?: boolean } = {}) {
  let ex: ExampleProcess | undefined;
  const dir = options.dataDir ? tempDir("dd-example-") : "";
  const handle = {
    get url() {
      if (!ex) throw new Error(`useExample(): ${file} is not running (outside a test?)`);
      return ex.url;
    },
    dir,
    output: () => ex?.output() ?? "",
    beforeStop: [] as (() => void)[],
    async pageVersion(): Promise<number> {
      const page = await (await fetch(`${handle.url}/`)).text();
      return Number(/data-dd-version="(\d+)"/.exec(page)?.[1] ?? 0);
    },
  };
  beforeAll(async () => {
    const { runExample } = await import("./browser.ts"); // playwright-core loads only for files that run examples
    ex = await runExample(file, { ...options.env, ...(dir ? { DATA_DIR: dir } : {}) });
  });
  afterAll(async () => {
    for (const f of handle.beforeStop) f();
    await ex?.stop();
    ex = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return handle;
}
