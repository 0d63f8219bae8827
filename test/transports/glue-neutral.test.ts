// The client glue is split like the server: public/dash-devices.js (and its fragment reader) know no
// transport; each registered transport brings its own part of the glue through its adapter's page
// scripts and files, loaded after the neutral glue.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { TRANSPORT_NAMES, transportNamed } from "../../src/transports/index.ts";
import { loadAssets } from "../../src/server/assets.ts";
import { renderPage } from "../../src/server/page.ts";

const read = (f: string) => readFileSync(resolve(import.meta.dir, "../../public", f), "utf8");

test("the neutral glue names no transport: no hx-ws/hx-sse events, sockets, post path or stream secret", () => {
  for (const file of ["dash-devices.js", "fragment.js"]) {
    const src = read(file).replace(/^\s*\/\/.*$/gm, ""); // comments may say what loads after it
    for (const word of [
      "htmx:ws",
      "htmx:sse",
      "hx-ws",
      "hx-sse",
      "WebSocket",
      "EventSource",
      "_dd/update",
      "DD-Client",
      "secret",
      "1008",
    ]) {
      expect({ file, word, found: src.includes(word) }).toEqual({ file, word, found: false });
    }
  }
});

test("each transport declares its own glue script among its page scripts and embeds every script it names", async () => {
  const assets = await loadAssets();
  for (const name of TRANSPORT_NAMES) {
    const t = transportNamed(name);
    const scripts = t.page(0).scripts;
    const glue = scripts.filter((s) => /^transport-.*\.js$/.test(s));
    expect({ name, glue: glue.length }).toEqual({ name, glue: 1 });
    for (const s of scripts) {
      expect({ name, s, own: Object.hasOwn(t.files ?? {}, s) }).toEqual({ name, s, own: true });
      expect(assets.has(s)).toBe(true);
    }
    // its glue talks to the neutral glue's API only
    expect(read(glue[0]!)).toContain("window.dashDevices");
  }
});

test("the page loads htmx, the neutral glue, then the transport's scripts in its order", async () => {
  const assets = await loadAssets();
  for (const name of TRANSPORT_NAMES) {
    const transport = transportNamed(name).page(3);
    const html = renderPage({ title: "t", body: "", version: 3, assets, transport });
    const order = [...html.matchAll(/<script src="_dd\/([^?"]+)/g)].map((m) => m[1]);
    expect(order).toEqual(["htmx.js", "fragment.js", "dash-devices.js", ...transport.scripts]);
  }
});
