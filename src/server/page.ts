/**
 * @module page
 * The page shell around the rendered layout: head with the embedded assets and htmx's config,
 * `<body hx-ws:connect>` so htmx opens the WebSocket, the root, the connection badge and the
 * toast area. URLs are relative so the app also works behind a path prefix.
 */

import { escapeHtml } from "../core/escape.ts";
import { SHELL_ID, WS_PATH } from "../core/wire.ts";
import { assetUrl, type Asset } from "./assets.ts";
import { EVENTS_PATH } from "./http-service.ts";

/** htmx settings: keep the socket of a background tab open (the device's clients table must be
 *  true, and a hidden tab must not miss a device event), reconnect quickly, never morph away our
 *  glue's data-dd-* attributes. */
export const HTMX_CONFIG = {
  ws: { pauseOnBackground: false, reconnectDelay: 250, reconnectMaxDelay: 5000, maxOutgoingMessagesQueueSize: 200 },
  sse: { pauseOnBackground: false, reconnectDelay: 250, reconnectMaxDelay: 5000 },
  morphIgnore: ["data-htmx-powered", "data-dd-"],
  history: false,
  includeIndicatorCSS: false,
};

export function renderPage(o: { title: string; body: string; version: number; assets: Map<string, Asset>; graphs?: boolean; clientside?: string; http?: boolean; base?: string }): string {
  const a = (n: string) => escapeHtml(assetUrl(o.assets, n));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
${o.base ? `<base href="${escapeHtml(o.base)}">` : ""}<title>${escapeHtml(o.title)}</title><link rel="icon" href="data:,">
<meta name="htmx-config" content="${escapeHtml(JSON.stringify(HTMX_CONFIG))}">
<link rel="stylesheet" href="${a("dash-devices.css")}">
<script src="${a("htmx.js")}"></script><script src="${a(o.http ? "hx-sse.js" : "hx-ws.js")}"></script><script src="${a("dash-devices.js")}"></script>${
    o.graphs ? `\n<link rel="stylesheet" href="${a("uplot.css")}"><script src="${a("uplot.js")}"></script><script src="${a("graph.js")}"></script>` : ""
  }${o.clientside ? `\n<script type="application/json" id="dd-clientside">${o.clientside}</script><script src="${a("clientside.js")}" defer></script>` : ""}
</head><body ${o.http ? `hx-sse:connect="${EVENTS_PATH.slice(1)}?v=${o.version}"` : `hx-ws:connect="${WS_PATH.slice(1)}?v=${o.version}"`} hx-swap="none" data-dd-version="${o.version}">
<div id="${SHELL_ID.root}">${o.body}</div>
<div id="${SHELL_ID.status}" data-state="connecting" role="status" aria-live="polite">connecting…</div>
<div id="${SHELL_ID.toasts}" aria-live="assertive"></div>
</body></html>`;
}
