/**
 * @module page
 * The page shell around the rendered layout: head with the embedded assets and htmx's config, the
 * transport-neutral glue (fragment.js, dash-devices.js), the transport's additions (its htmx extension and its
 * part of the glue, loaded after the neutral glue, and the `<body>` attribute that opens its connection),
 * the files the page's components declare (`assets` on their spec), the root, the connection badge
 * and the toast area. URLs are relative so the app also works behind a path prefix.
 */

import type { ComponentAssets } from "../core/component.ts";
import { DashDevicesError } from "../core/errors.ts";
import { escapeHtml } from "../core/escape.ts";
import { SHELL_ID } from "../core/wire.ts";
import type { PageAdditions } from "../transports/types.ts";
import { assetUrl, type Asset } from "./assets.ts";

/** The transport-neutral glue (its fast fragment reader first), loaded after htmx and before the transport's scripts. */
const SHELL_SCRIPTS = ["fragment.js", "dash-devices.js"];

/** htmx settings besides the transport's own (its extension's): never morph away our glue's
 *  data-dd-* attributes. */
export const HTMX_CONFIG = {
  morphIgnore: ["data-htmx-powered", "data-dd-"],
  history: false,
  includeIndicatorCSS: false,
};

/** The embedded files a page needs besides the shell's own, gathered from its components (and clientside callbacks). */
export interface PageAssets {
  readonly scripts: readonly string[];
  readonly styles: readonly string[];
}

/**
 * Gathers what the given specs (and `more`) declare in `assets`, each file once, in order, checked
 * against the embedded ones so a wrong name fails with what to fix, not as a broken page.
 */
export function collectAssets(needs: Iterable<ComponentAssets | undefined>, embedded: Map<string, Asset>): PageAssets {
  const scripts = new Set<string>();
  const styles = new Set<string>();
  for (const n of needs) {
    for (const s of n?.scripts ?? []) scripts.add(s);
    for (const s of n?.styles ?? []) styles.add(s);
  }
  for (const name of [...scripts, ...styles]) {
    if (!embedded.has(name)) {
      throw new DashDevicesError("DD_BAD_COMPONENT", {
        what: `a component's assets name "${name}", which is not an embedded file.`,
        expected: `one of: ${[...embedded.keys()].join(", ")}`,
        found: JSON.stringify(name),
        fix: 'add the file to SOURCES in src/server/assets.ts (imported with { type: "file" } so builds embed it), or fix the name',
      });
    }
  }
  return { scripts: [...scripts], styles: [...styles] };
}

export interface PageOptions {
  title: string;
  body: string;
  version: number;
  assets: Map<string, Asset>;
  /** The transport's scripts and body attributes. */
  transport: PageAdditions;
  /** The components' (and clientside callbacks') files: styles, then scripts, deferred. */
  extras?: PageAssets;
  /** The clientside callbacks' definitions, as a JSON data block (core/clientside.ts). */
  clientside?: string;
  base?: string;
}

export function renderPage(o: PageOptions): string {
  const a = (n: string) => escapeHtml(assetUrl(o.assets, n));
  const scripts = (names: readonly string[], extra = "") => names.map((n) => `<script src="${a(n)}"${extra}></script>`).join("");
  const body = Object.entries(o.transport.bodyAttrs)
    .map(([k, v]) => ` ${k}="${escapeHtml(v)}"`)
    .join("");
  const extras =
    o.extras && (o.extras.styles.length || o.extras.scripts.length)
      ? `\n${o.extras.styles.map((n) => `<link rel="stylesheet" href="${a(n)}">`).join("")}${scripts(o.extras.scripts, " defer")}`
      : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
${o.base ? `<base href="${escapeHtml(o.base)}">` : ""}<title>${escapeHtml(o.title)}</title><link rel="icon" href="data:,">
<meta name="htmx-config" content="${escapeHtml(JSON.stringify({ ...o.transport.htmxConfig, ...HTMX_CONFIG }))}">
<link rel="stylesheet" href="${a("dash-devices.css")}">
<script src="${a("htmx.js")}"></script>${scripts(SHELL_SCRIPTS)}${scripts(o.transport.scripts)}${
    o.clientside ? `\n<script type="application/json" id="dd-clientside">${o.clientside}</script>` : ""
  }${extras}
</head><body${body} hx-swap="none" data-dd-version="${o.version}">
<div id="${SHELL_ID.root}">${o.body}</div>
<div id="${SHELL_ID.status}" data-state="connecting" role="status" aria-live="polite">connecting…</div>
<div id="${SHELL_ID.toasts}" aria-live="assertive"></div>
</body></html>`;
}
