// Component assets: a page loads the files its components declare (`assets` on their spec), and
// those of clientside callbacks, each once; nothing else; a wrong name is a clear error.
import { expect, test } from "bun:test";
import { dcc, html, Input, Output } from "../../src/index.ts";
import { makeComponent, type ComponentSpec } from "../../src/core/component.ts";
import { loadAssets } from "../../src/server/assets.ts";
import { collectAssets } from "../../src/server/page.ts";
import { type Build, useApp } from "../helpers/fixtures.ts";
import { thrown } from "../helpers/errors.ts";

const srv = useApp();

async function page(build: Build): Promise<{ status: number; text: string; scripts: string[]; styles: string[] }> {
  await srv.start(build);
  const res = await fetch(`${srv.url}/`);
  const text = await res.text();
  const scripts = [...text.matchAll(/<script src="_dd\/([^?"]+)/g)].map((m) => m[1]!);
  const styles = [...text.matchAll(/<link rel="stylesheet" href="_dd\/([^?"]+)/g)].map((m) => m[1]!);
  return { status: res.status, text, scripts, styles };
}

const chartSpec = (assets: ComponentSpec["assets"]): ComponentSpec => ({
  type: "test.Chart",
  props: [],
  assets,
  render: (p) => `<div id="${String(p.id)}"></div>`,
});

test("a page without components that need files loads only the shell's", async () => {
  const p = await page((app) => (app.layout = html.Div([dcc.Slider({ id: "s" })])));
  expect(p.scripts).toEqual(["htmx.js", "fragment.js", "dash-devices.js", "hx-ws.js", "transport-ws.js"]);
  expect(p.styles).toEqual(["dash-devices.css"]);
});

test("a dcc.Graph brings uPlot and graph.js through its spec's assets", async () => {
  const p = await page((app) => (app.layout = html.Div([dcc.Graph({ id: "g" })])));
  expect(p.scripts).toEqual(["htmx.js", "fragment.js", "dash-devices.js", "hx-ws.js", "transport-ws.js", "uplot.js", "graph.js"]);
  expect(p.styles).toEqual(["dash-devices.css", "uplot.css"]);
});

test("clientside callbacks bring clientside.js after their data block; shared files load once", async () => {
  const spec = chartSpec({ scripts: ["graph.js"], styles: ["uplot.css"] });
  const p = await page((app) => {
    app.layout = html.Div([dcc.Graph({ id: "g" }), makeComponent(spec, { id: "c" }), dcc.Slider({ id: "s" }), html.Div({ id: "o" })]);
    app.clientsideCallback("(v) => v", Output("o", "children"), Input("s", "value"));
  });
  expect(p.scripts).toEqual([
    "htmx.js",
    "fragment.js",
    "dash-devices.js",
    "hx-ws.js",
    "transport-ws.js",
    "uplot.js",
    "graph.js",
    "clientside.js",
  ]);
  expect(p.styles).toEqual(["dash-devices.css", "uplot.css"]);
  expect(p.text.indexOf('id="dd-clientside"')).toBeLessThan(p.text.indexOf("_dd/clientside.js"));
});

test("an asset name that is not embedded fails with what to fix, and the page answers 500", async () => {
  const embedded = await loadAssets();
  const caught = thrown(() => collectAssets([{ scripts: ["chart.js"] }], embedded));
  expect(caught.code).toBe("DD_BAD_COMPONENT");
  expect(caught.message).toContain('"chart.js"');
  expect(caught.detail.fix).toContain("src/server/assets.ts");

  const p = await page((app) => (app.layout = html.Div([makeComponent(chartSpec({ scripts: ["chart.js"] }), { id: "c" })])));
  expect(p.status).toBe(500);
  expect(srv.log.some((l) => l.includes("page.error") && l.includes("chart.js"))).toBe(true);
});
