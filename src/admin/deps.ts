/**
 * @module admin/deps
 * What the console needs from the appliance around it (src/server/appliance.ts builds these), and
 * the context its sections share: the console app, those deps, and the "something changed" signals
 * that make every open console tab redraw a section at once.
 */

import type { AppSurface } from "../app-surface.ts";
import type { Client } from "../core/client.ts";
import type { Logger } from "../core/log.ts";
import type { Db } from "../db/open.ts";

export interface AdminDeps {
  /** The device app whose tabs the console shows. */
  app: AppSurface;
  db: Db;
  log: Logger;
  /** Closes every tab of a browser session (after revocation), in the app and in the console. */
  closeSession(sessionId: string, reason: string): void;
  /** Closes one tab. */
  disconnect(client: Client, reason: string): void;
  /** Shows a message (a toast) in one tab of the device app, or in all of them. */
  notify(text: string, client?: Client): void;
  /** The TLS certificate served (shown in the header by its SHA-256 fingerprint); none without TLS. */
  tls?: { fingerprint: string; source: "files" | "self-signed" };
  /** Backups and updates (the Maintenance section); absent: no such section. */
  maintenance?: MaintenanceDeps;
  /** @internal shortest time between two redraws of the console (default redraw.ts REDRAW_MS). */
  redrawMs?: number;
}

/** What the Maintenance section (maintenance.ts) needs from the appliance (absent: the section is not shown). */
export interface MaintenanceDeps {
  /** The database file, to show its place and size. */
  dbPath: string;
  /** A one-time download link for this admin session. */
  backupLink(sessionId: string): string;
  /** Seconds a link works. */
  linkSeconds: number;
  /** Whether POST /admin/update can stage a new executable (installed with the updater). */
  updates: boolean;
  /** The updater's last outcome, one line, if it ever ran. */
  lastUpdate?(): string | undefined;
}

export interface ConsoleContext {
  /** The console itself (a dash-devices app mounted at /admin). */
  admin: AppSurface;
  deps: AdminDeps;
  /** Every open console tab redraws its tabs table (coalesced: a few times a second at most). */
  tabsChanged(): void;
  /** Every open console tab redraws its users list. */
  usersChanged(): void;
  /** Every open console tab showing the audit log's first page redraws it. */
  auditChanged(): void;
}

/** How often open console tabs refresh counters and the first page of the audit log. */
export const REFRESH_MS = 3000;

export const TICK_ID = "admin_tick";
