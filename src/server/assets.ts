/**
 * @module assets
 * The browser's files, embedded: imported `with { type: "file" }` so `bun build --compile` puts
 * them inside the executable, read once into memory at start, served with an ETag and a gzip
 * variant made at its first request (compressing all of them at start cost ~2 ms of every start,
 * and a page rarely needs them all). Nothing is read from the working directory. A transport's own
 * client scripts (htmx's hx-ws or hx-sse, and its part of the glue: public/transport-ws.js or
 * transport-sse.js) are imported by its adapter (src/transports/) and added here.
 */

import htmxJs from "htmx.org/dist/htmx.min.js" with { type: "file" };
import glueJs from "../../public/dash-devices.js" with { type: "file" };
import fragmentJs from "../../public/fragment.js" with { type: "file" };
import css from "../../public/dash-devices.css" with { type: "file" };
import graphJs from "../../public/graph.js" with { type: "file" };
import clientsideJs from "../../public/clientside.js" with { type: "file" };
import uplotJs from "uplot/dist/uPlot.iife.min.js" with { type: "file" };
import uplotCss from "uplot/dist/uPlot.min.css" with { type: "file" };
import { transportFiles } from "../transports/index.ts";

export interface Asset {
  body: Uint8Array;
  /** The gzip variant, compressed at its first use. */
  readonly gzip: Uint8Array;
  type: string;
  etag: string;
}

const SOURCES: Record<string, [string, string]> = {
  "htmx.js": [htmxJs, "text/javascript; charset=utf-8"],
  "dash-devices.js": [glueJs, "text/javascript; charset=utf-8"],
  "fragment.js": [fragmentJs, "text/javascript; charset=utf-8"],
  "dash-devices.css": [css, "text/css; charset=utf-8"],
  "graph.js": [graphJs, "text/javascript; charset=utf-8"],
  "clientside.js": [clientsideJs, "text/javascript; charset=utf-8"],
  "uplot.js": [uplotJs, "text/javascript; charset=utf-8"],
  "uplot.css": [uplotCss, "text/css; charset=utf-8"],
  ...transportFiles(),
};

let loaded: Map<string, Asset> | undefined;

/** Loads every asset once (about 60 KB in all). */
export async function loadAssets(): Promise<Map<string, Asset>> {
  if (loaded) return loaded;
  const m = new Map<string, Asset>();
  for (const [name, [path, type]] of Object.entries(SOURCES)) {
    const body = await Bun.file(path).bytes();
    const etag = `"${Bun.hash(body).toString(36)}"`;
    let gzip: Uint8Array | undefined;
    m.set(name, {
      body,
      type,
      etag,
      get gzip() {
        return (gzip ??= Bun.gzipSync(body));
      },
    });
  }
  return (loaded = m);
}

/** Names used in the page shell, with a version query so browsers refetch after an upgrade. */
export function assetUrl(assets: Map<string, Asset>, name: string): string {
  return `_dd/${name}?v=${assets.get(name)!.etag.slice(1, 9)}`;
}

export function serveAsset(assets: Map<string, Asset>, name: string, req: Request): Response {
  const a = assets.get(name);
  if (!a) return new Response("Not found", { status: 404, headers: { "content-type": "text/plain" } });
  const headers: Record<string, string> = {
    "content-type": a.type,
    etag: a.etag,
    "cache-control": "public, max-age=3600",
    vary: "accept-encoding",
  };
  if (req.headers.get("if-none-match") === a.etag) return new Response(null, { status: 304, headers });
  if (/\bgzip\b/.test(req.headers.get("accept-encoding") ?? "")) {
    headers["content-encoding"] = "gzip";
    return new Response(a.gzip as unknown as BodyInit, { headers });
  }
  return new Response(a.body as unknown as BodyInit, { headers });
}
