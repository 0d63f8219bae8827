/**
 * @module wire
 * Every name that crosses the wire or ties server markup to the glue script, in one place.
 * The browser side (public/dash-devices.js) repeats these few strings; test/core/wire.test.ts
 * checks that the two agree. A transport's own paths (`/ws`, `/_dd/events`, `/_dd/update`) are in its
 * adapter (src/transports/).
 */

/** Where embedded assets are served, relative to the base path. */
export const ASSET_PREFIX = "/_dd/";

/** Keys of a server -> browser JSON frame. `content` is what htmx's hx-ws swaps. */
export const FRAME = {
  content: "content",
  /** Shared-state version after this frame. */
  version: "v",
  /** Highest client sequence number fully handled. */
  ack: "ack",
  /** Errors for this tab since the last frame: [{ code, message }]. */
  errors: "errors",
  /** Sent once after connect: the client's id. */
  hello: "hello",
} as const;

/** Request headers (inside the JSON htmx sends as `headers`). */
export const HEADER = {
  /** htmx 4: `tag#id` of the element that sent. */
  source: "HX-Source",
  /** Added by our glue script: a per-tab increasing sequence number. */
  seq: "DD-Seq",
} as const;

/** Query parameters of a tab's connection URL (set by the glue script): its version, and a reconnect. */
export const QUERY = { version: "v", reconnect: "re" } as const;

/** Swap style for component updates: morph keeps focus, caret and a dragged slider. */
export const OOB_SWAP = "outerMorph";

/** Attribute the glue sets on a control whose change the server has not confirmed yet. */
export const PENDING_ATTR = "data-dd-pending";

/** Element ids the page shell owns. */
export const SHELL_ID = { root: "dd-root", status: "dd-status", toasts: "dd-toasts" } as const;
