/**
 * @module transports
 * The registered transports, by the name apps choose them with (`serverService`,
 * `DD_SERVER_SERVICE`). Adding one: a file in this folder exporting a `TransportAdapter`
 * (./types.ts: routes, control attributes, page additions, its browser files as `files`: its htmx
 * extension and its part of the client glue, public/transport-NAME.js, which talks to the
 * transport-neutral public/dash-devices.js through `window.dashDevices`), and one line below.
 */

import { httpSse } from "./http-sse.ts";
import type { EmbeddedFile, TransportAdapter } from "./types.ts";
import { websocket } from "./websocket.ts";

export type { EmbeddedFile, Gate, Identity, PageAdditions, SendAttrs, TransportAdapter, TransportMount } from "./types.ts";

const TRANSPORTS = {
  websocket,
  http: httpSse,
} as const satisfies Record<string, TransportAdapter>;

/** A registered transport's name: "websocket" (the default) or "http". */
export type TransportName = keyof typeof TRANSPORTS;

/** The names, in registration order: the first is the default. */
export const TRANSPORT_NAMES = Object.keys(TRANSPORTS) as TransportName[];

export function isTransportName(name: unknown): name is TransportName {
  return typeof name === "string" && Object.hasOwn(TRANSPORTS, name);
}

/** The transport registered as `name` (the default when none is given). */
export function transportNamed(name: TransportName = TRANSPORT_NAMES[0]!): TransportAdapter {
  return TRANSPORTS[name];
}

/** The browser files of every registered transport (server/assets.ts embeds and serves them). */
export function transportFiles(): Record<string, EmbeddedFile> {
  return Object.assign({}, ...Object.values(TRANSPORTS).map((t: TransportAdapter) => t.files ?? {}));
}

/** Options every registered transport needs from the Elysia app (e.g. the WebSocket's limits). */
export function transportServerConfig(): Record<string, unknown> {
  return Object.assign({}, ...Object.values(TRANSPORTS).map((t: TransportAdapter) => t.serverConfig ?? {}));
}
