/**
 * @module test/helpers/admin
 * For tests of accounts and the /admin console against a real server: an app with its database in a
 * fresh temp dir, logging in with a real POST /login (same Origin, cookie kept), WebSocket tabs that
 * carry the cookie, and raw upgrade attempts whose HTTP status can be read.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { App } from "../../src/index.ts";
import type { Db } from "../../src/db/open.ts";
import { createUser } from "../../src/auth/users.ts";
import type { Role } from "../../src/db/schema.ts";
import { startApp, type StartOptions, type TestServer } from "./server.ts";
import { WsClient } from "./ws-client.ts";

/** Any server under test: only its base URL matters here. */
export type Server = Pick<TestServer, "url">;

export interface DbServer extends TestServer {
  db: Db;
  dir: string;
  /** Stops the server and deletes its data dir. */
  dispose(): Promise<void>;
}

/** A real app with the database, access rules and /admin, its SQLite file in a new temp dir. */
export async function startDbApp(build: (app: App) => void, options: StartOptions = {}): Promise<DbServer> {
  const dir = mkdtempSync(join(tmpdir(), "dd-admin-"));
  const s = await startApp(build, { database: true, dataDir: dir, ...options });
  return {
    ...s,
    db: s.app.services!.db!.db,
    dir,
    async dispose() {
      await s.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function addUser(db: Db, username: string, role: Role, password = `${username}-password`): Promise<void> {
  await createUser(db, { username, password, role });
}

/** A form post as a browser sends it from `origin` (default: the server's own). */
export function post(
  url: string,
  path: string,
  fields: Record<string, string>,
  opts: { origin?: string; cookie?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", origin: opts.origin ?? url };
  if (opts.cookie) headers.cookie = opts.cookie;
  return fetch(`${url}${path}`, { method: "POST", redirect: "manual", headers, body: new URLSearchParams(fields) });
}

/** `dd_session_<port>=...` from a response's Set-Cookie, or "" when it sets none (or clears it). */
export function cookieOf(res: Response): string {
  const m = /(?:^|,\s*)(dd_session_\d+=([^;]*))/.exec(res.headers.get("set-cookie") ?? "");
  return m?.[2] ? m[1]! : "";
}

/** Logs in with a real POST /login; returns the session cookie (throws if refused). */
export async function login(url: string, username: string, password = `${username}-password`): Promise<string> {
  const res = await post(url, "/login", { username, password, next: "/" });
  const cookie = cookieOf(res);
  if (res.status !== 303 || !cookie) throw new Error(`login of ${username} refused: HTTP ${res.status}\n${await res.text()}`);
  return cookie;
}

/** A tab on `path` ("/ws" or "/admin/ws") carrying the cookie and the server's Origin. */
export function tab(s: Server, path: string, cookie?: string): Promise<WsClient> {
  const headers: Record<string, string> = { origin: s.url };
  if (cookie) headers.cookie = cookie;
  return WsClient.connect(`${s.url.replace(/^http/, "ws")}${path}`, { headers });
}

/**
 * The status of a WebSocket upgrade request that the server should refuse (an accepted one would
 * keep this fetch waiting: it gives up after 5 s; use `opens` for upgrades that should work).
 */
export async function upgradeStatus(
  s: Server,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; location: string | null }> {
  const res = await fetch(`${s.url}${path}`, {
    redirect: "manual",
    signal: AbortSignal.timeout(5000),
    headers: {
      connection: "Upgrade",
      upgrade: "websocket",
      "sec-websocket-version": "13",
      "sec-websocket-key": btoa("0123456789abcdef"),
      ...headers,
    },
  });
  return { status: res.status, body: await res.text(), location: res.headers.get("location") };
}

/** Whether a real WebSocket to `path` with these headers opens (false when the upgrade is refused). */
export function opens(s: Server, path: string, headers: Record<string, string>): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${s.url.replace(/^http/, "ws")}${path}`, { headers } as unknown as string[]);
    ws.onopen = () => {
      ws.close();
      resolve(true);
    };
    ws.onerror = () => resolve(false);
    ws.onclose = () => resolve(false);
  });
}
