/**
 * @module transports/types
 * What a transport is: the way one app's tabs reach the server and hear back (WebSocket, or HTTP
 * posts up and Server-Sent Events down). The core never names one: it renders controls with the
 * transport's `sendAttrs`, and the server mounts the transport's routes and puts its page
 * additions into the shell. Every transport hands the same JSON messages to the same runtime calls
 * (`connect`, `handleMessage`, `disconnect`) and gives each tab a `Transport` (core/client.ts).
 */

import type { Elysia } from "elysia";
import type { Runtime } from "../core/runtime.ts";
import type { Edge } from "../server/hosts.ts";

/** Who a request is, as far as the app's access rules know (nothing in a public app). */
export interface Identity {
  sessionId?: string;
  user?: { id: number; username: string; role: string };
}

/** Decides on a page load, socket upgrade or post: an identity, or the response to send instead. */
export type Gate = (req: Request, kind: "page" | "socket" | "post") => Identity | Response;

/** The attributes that make a rendered control send its values when `trigger` fires ("change", "input", "click", ...). */
export type SendAttrs = (trigger: string) => Record<string, unknown>;

/** An embedded browser file: the path a `with { type: "file" }` import gave, and its content type. */
export type EmbeddedFile = readonly [path: string, type: string];

/** What a transport adds to the page shell, besides the layout. */
export interface PageAdditions {
  /**
   * Embedded assets (its `files`, or server/assets.ts) loaded after htmx and the transport-neutral
   * glue (public/dash-devices.js): its htmx extension, then its part of the glue (e.g.
   * public/transport-ws.js), which reports connection state, numbers outgoing messages and hands
   * incoming frames to `window.dashDevices` (connecting/connected/down, outgoing, apply, frame).
   */
  readonly scripts: readonly string[];
  /** Attributes of `<body>`: typically the htmx extension's connect attribute. */
  readonly bodyAttrs: Readonly<Record<string, string>>;
  /** Its extension's part of `<meta name="htmx-config">` (e.g. `{ ws: {...} }`). */
  readonly htmxConfig?: Readonly<Record<string, unknown>>;
}

/** What the server gives a transport to mount one runtime. */
export interface TransportMount {
  /** The Elysia app; its edge (Host allow-list, security headers, error handler) is already registered. */
  readonly app: Elysia;
  /** "" for the app, "/admin" for the console: every route goes under it. */
  readonly prefix: string;
  readonly runtime: Runtime;
  /** Same-origin checks and the client address (behind a trusted proxy or not). */
  readonly edge: Edge;
  /** The mount's gate ("socket" when a tab opens, "post" for a message sent by a request). */
  readonly gate: (req: Request, kind: "socket" | "post") => Identity | Response;
}

/** One transport, registered by name in ./index.ts. Stateless: per-mount state lives in `mount`. */
export interface TransportAdapter {
  /** The name apps choose it by (`serverService`, `DD_SERVER_SERVICE`). */
  readonly name: string;
  /** How a control sends: given to the runtime, which passes it to every render. */
  readonly sendAttrs: SendAttrs;
  /** Scripts and body attributes of a page whose state is at `version`. */
  page(version: number): PageAdditions;
  /** Adds this transport's routes for one runtime under `m.prefix`. */
  mount(m: TransportMount): void;
  /** Browser files it embeds and serves under /_dd/ (its htmx extension and its glue script), by name. */
  readonly files?: Readonly<Record<string, EmbeddedFile>>;
  /** Options for the Elysia app (and so Bun.serve), merged for every registered transport. */
  readonly serverConfig?: Record<string, unknown>;
}
