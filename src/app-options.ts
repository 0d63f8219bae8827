/**
 * @module app-options
 * What `new App({ ... })` takes (src/app.ts): the page, the limits per tab, the transport, the
 * access rules and the database around the app.
 */

import type { Logger } from "./core/log.ts";
import type { Budgets } from "./core/budgets.ts";
import type { AccessMode } from "./server/access.ts";
import type { TransportName } from "./transports/index.ts";

export interface AppOptions {
  /** The page title. */
  title?: string;
  /** Skip the check that callbacks only use ids in the layout (Dash's option of the same name). */
  suppressCallbackExceptions?: boolean;
  /** Where log lines go; default: one line per event on stderr. */
  logger?: Logger;
  /** Largest message a tab may send, in bytes (default 64 KiB). */
  maxMessageBytes?: number;
  /** Show a callback's error message to the tab that caused it (default true). */
  showErrors?: boolean;
  /** Unanswered messages one tab may have before further ones are refused with DD_FLOOD (default 1,000). */
  maxPendingMessages?: number;
  /**
   * A callback call that holds the event loop this many ms or longer (a sync callback's whole run,
   * an async one's until its first await) is logged once per callback as `callback.blocking`, with
   * what to do (default 50; 0: never).
   */
  slowCallbackMs?: number;
  /**
   * What one tab may cost before the server closes it (code 1008, the reason shown in its page,
   * logged once and audited): `{ invalidBurst: 20, invalidPerSecond: 5, maxQueued: 2000,
   * maxPendingBytes: 8 MiB, maxBlockedSeconds: 60, maxWaitingCalls: 8 }` (src/core/budgets.ts).
   */
  budgets?: Partial<Budgets>;
  /**
   * How tabs talk to the server: "websocket" (default: everything over one WebSocket), or "http"
   * for networks where WebSockets are blocked (controls post their values, updates come down a
   * Server-Sent Events stream). The original's server_service.
   */
  serverService?: TransportName;
  /**
   * Who may use the app: "public" (default, as the original: anyone on the network may watch and
   * drive) or "login" (watching needs an account; driving needs the operator role). Callbacks can
   * ask for a role of their own: `{ role: "operator" }`.
   */
  access?: AccessMode;
  /** Keep users, sessions and the audit log in SQLite, and serve /admin (default true). */
  database?: boolean;
  /** Where the database file lives (default: data/ beside the executable, or ./data; --data-dir). */
  dataDir?: string;
  /**
   * Host names the device also answers to, besides its IP addresses, hostname, HOSTNAME.local and
   * localhost (e.g. `["gadget.example.org"]`; `"name:port"`, `".example.org"`); `["*"]` turns the
   * check off, which lets web pages reach the device by DNS rebinding. Adds to --allowed-hosts.
   */
  allowedHosts?: string[];
  /** Behind a reverse proxy: believe X-Forwarded-For/-Proto/-Host (as --trust-proxy). */
  trustProxy?: boolean;
  /** Audit log entries older than this many days are deleted, at start and daily (default 90; 0: no limit; --audit-max-age-days). */
  auditMaxAgeDays?: number;
  /** Only the newest this many audit log entries are kept (default 200,000; 0: no limit; --audit-max-rows). */
  auditMaxRows?: number;
}
