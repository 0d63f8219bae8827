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
 * - `useTempDb()` (test/db/temp-db.ts): a migrated SQLite file in a fresh temp dir for each test.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from "bun:test";
import type { App, AppOptions } from "../../src/index.ts";
import type { Runtime } from "../../src/core/runtime.ts";
import type { Db } from "../../src/db/open.ts";
import type { Role } from "../../src/db/schema.ts";
import { addUser, login, startDbApp } from "./admin.ts";
import { startApp, type TestServer } from "./server.ts";
import { type TabClient, WsClient } from "./ws-client.ts";
import { HttpClient } from "./http-client.ts";
import { RawWs } from "./raw-ws.ts";
export { useTempDb } from "../db/temp-db.ts";

export type Build = (app: App) => void;

export interface UseAppOptions extends AppOptions {
  /** A fresh app for every test (beforeEach/afterEach) instead of one for the file's tests. */
  each?: boolean;
  /** Accounts created once the app runs (needs `database: true`); the password is `<name>-password`. */
  users?: Record<string, Role>;
}

/** The running app of a `useApp()`; reading it while no app runs throws. */
export class AppHandle {
  private s: (TestServer & { dir?: string; dispose?: () => Promise<void> }) | undefined;
  /** Called before the app stops (the tabs of `useTabs` close there). */
  readonly beforeStop: (() => void)[] = [];

  private get server() {
    if (!this.s) throw new Error("useApp(): no app is running (outside a test, or start() was not called)");
    return this.s;
  }
  get app(): App {
    return this.server.app;
  }
  get runtime(): Runtime {
    return this.server.app.runtime;
  }
  get url(): string {
    return this.server.url;
  }
  get wsUrl(): string {
    return this.server.wsUrl;
  }
  get port(): number {
    return this.server.port;
  }
  /** The app's log lines (a memory logger). */
  get log(): string[] {
    return this.server.log;
  }
  get db(): Db {
    const db = this.server.app.services?.db?.db;
    if (!db) throw new Error("useApp(): this app has no database (pass { database: true })");
    return db;
  }
  /** The data dir of an app with `database: true` (a temp dir unless `dataDir` was given). */
  get dir(): string {
    return this.server.dir ?? "";
  }
  get running(): boolean {
    return this.s !== undefined;
  }

  /** Starts an app (stopping the one this handle ran before); returns this handle. */
  async start(build: Build, options: UseAppOptions = {}): Promise<this> {
    await this.stop();
    const { each: _, users, ...appOptions } = options;
    this.s = appOptions.database && !appOptions.dataDir ? await startDbApp(build, appOptions) : { ...(await startApp(build, appOptions)), dir: appOptions.dataDir };
    for (const [name, role] of Object.entries(users ?? {})) await addUser(this.db, name, role);
    return this;
  }

  /** Closes its tabs, stops the app and deletes its temp dir; nothing when no app runs. */
  async stop(): Promise<void> {
    const s = this.s;
    if (!s) return;
    this.s = undefined;
    for (const f of this.beforeStop) f();
    await (s.dispose ?? s.stop)();
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
    beforeAll(() => h.start(build, options).then(() => undefined));
    afterAll(() => h.stop());
  } else {
    if (build) beforeEach(() => h.start(build, options).then(() => undefined));
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

export interface Tabs {
  /** One more real tab on the app; closed after the test. */
  open(options?: TabOptions): Promise<WsClient>;
  /** `n` tabs, opened one after the other (the server's clients keep that order). */
  openMany(n: number, options?: TabOptions): Promise<WsClient[]>;
  /** A tab over the app's own transport: a WebSocket, or posts + SSE for `serverService: "http"`. */
  openAny(options?: { version?: number }): Promise<TabClient>;
  /** A bare TCP WebSocket that can stop reading (test/helpers/raw-ws.ts), at the app's version. */
  raw(): Promise<RawWs>;
  /** Closes every open tab now. */
  closeAll(): void;
}

/** Real tabs on `srv`'s app, closed after each test and whenever the app stops. */
export function useTabs(srv: AppHandle): Tabs {
  const open: { close(): void }[] = [];
  const closeAll = () => {
    for (const t of open.splice(0)) t.close();
  };
  srv.beforeStop.push(closeAll);
  afterEach(closeAll);
  const track = <T extends { close(): void }>(t: T): T => {
    open.push(t);
    return t;
  };
  const tabs: Tabs = {
    async open(o = {}) {
      const path = o.path ?? "/ws";
      const headers: Record<string, string> = { origin: srv.url, ...o.headers };
      const cookie = o.cookie ?? (o.as ? await srv.login(o.as) : undefined);
      if (cookie) headers.cookie = cookie;
      const version = o.version ?? (path === "/ws" ? srv.runtime.version : undefined);
      return track(await WsClient.connect(`${srv.url.replace(/^http/, "ws")}${path}`, { version, headers }));
    },
    async openMany(n, o) {
      const out: WsClient[] = [];
      for (let i = 0; i < n; i++) out.push(await tabs.open(o));
      return out;
    },
    async openAny(o = {}) {
      const version = o.version ?? srv.runtime.version;
      return srv.app.serverService === "http" ? track(await HttpClient.connect(srv.url, { version })) : track(await WsClient.connect(srv.wsUrl, { version }));
    },
    async raw() {
      return track(await RawWs.open(`${srv.wsUrl}?v=${srv.runtime.version}`));
    },
    closeAll,
  };
  return tabs;
}
