/**
 * @module dcc/graph
 * `dcc.Graph`: a live chart. The server keeps the figure (Plotly's shape: `{ data: [{ x, y, name }],
 * layout: { title, xaxis, yaxis, height } }`, line and scatter traces) and the browser draws it
 * with uPlot (small, fast, MIT). Setting `figure` replaces the chart; setting `extendData` (Dash's
 * `[{ x: [[...]], y: [[...]] }, [traceIndices], maxPoints]`, or `{ x, y, traces, maxPoints }`)
 * appends points: the server updates its copy (so new tabs get the whole current chart) and
 * sends connected tabs only the new points.
 */

import { attrs, commonAttrs, type ComponentSpec, type Props } from "../component.ts";
import { escapeHtml } from "../escape.ts";
import { DashDevicesError, describe } from "../errors.ts";

export interface Trace {
  x?: unknown[];
  y?: unknown[];
  name?: string;
  type?: string;
  mode?: string;
  line?: { color?: string; width?: number };
  [k: string]: unknown;
}
export interface Figure {
  data: Trace[];
  layout?: Record<string, unknown>;
}

/** Extension in one normalized shape. */
export interface Extension {
  x: unknown[][];
  y: unknown[][];
  traces: number[];
  maxPoints?: number;
}

function bad(found: unknown): DashDevicesError {
  return new DashDevicesError("DD_BAD_VALUE", {
    what: "dcc.Graph extendData has the wrong shape.",
    expected: "[{ x: [[...]], y: [[...]] }, [traceIndex, ...], maxPoints?] or { x: [[...]], y: [[...]], traces?, maxPoints? }",
    found: describe(found),
    fix: "give one array of new points per trace, as in Dash's extendData",
  });
}

export function normalizeExtension(v: unknown): Extension {
  let update: unknown = v,
    traces: unknown,
    max: unknown;
  if (Array.isArray(v)) [update, traces, max] = v;
  else if (v && typeof v === "object") ({ traces, maxPoints: max } = v as { traces?: unknown; maxPoints?: unknown });
  const u = update as { x?: unknown; y?: unknown } | null;
  if (!u || typeof u !== "object" || !Array.isArray(u.y) || !u.y.every(Array.isArray)) throw bad(v);
  const y = u.y as unknown[][];
  const x = Array.isArray(u.x) && u.x.every(Array.isArray) ? (u.x as unknown[][]) : y.map(() => []);
  if (x.length !== y.length) throw bad(v);
  const t = traces === undefined ? y.map((_, i) => i) : Array.isArray(traces) ? traces : [traces];
  if (t.length !== y.length || !t.every((i) => Number.isInteger(i) && (i as number) >= 0)) throw bad(v);
  const maxPoints = typeof max === "number" && max > 0 ? Math.floor(max) : undefined;
  return { x, y, traces: t as number[], maxPoints };
}

/** Returns a new figure with the points appended (and trimmed to maxPoints per trace). */
export function extendFigure(fig: unknown, ext: Extension): Figure {
  const base = (fig && typeof fig === "object" ? fig : { data: [] }) as Figure;
  const data = Array.isArray(base.data) ? base.data.map((t) => ({ ...t })) : [];
  ext.traces.forEach((ti, k) => {
    while (data.length <= ti) data.push({ x: [], y: [] });
    const tr = data[ti]!;
    const ys = [...(tr.y ?? []), ...ext.y[k]!];
    let xs = [...(tr.x ?? [])];
    const newX = ext.x[k]!;
    if (newX.length) xs.push(...newX);
    else
      for (let i = 0; i < ext.y[k]!.length; i++)
        xs.push(xs.length && typeof xs[xs.length - 1] === "number" ? (xs[xs.length - 1] as number) + 1 : xs.length);
    if (ext.maxPoints !== undefined) {
      xs = xs.slice(-ext.maxPoints);
      tr.y = ys.slice(-ext.maxPoints);
    } else tr.y = ys;
    tr.x = xs;
  });
  return { ...base, data };
}

export const graphSpec: ComponentSpec = {
  type: "dcc.Graph",
  props: ["figure", "extendData", "config", "responsive", "animate"],
  defaults: { figure: { data: [], layout: {} } },
  // uPlot draws it; public/graph.js reads data-figure and applies streamed points.
  assets: { scripts: ["uplot.js", "graph.js"], styles: ["uplot.css"] },
  render(p: Props) {
    const a = commonAttrs(p, "dd-graph");
    const fig = (p.figure ?? { data: [] }) as Figure;
    a["hx-morph-skip-children"] = true;
    a["data-figure"] = JSON.stringify(fig);
    const height = (fig.layout?.height as number | undefined) ?? 300;
    const title = fig.layout?.title;
    const label = typeof title === "string" ? title : (title as { text?: string } | undefined)?.text;
    a.role = "img";
    a["aria-label"] = p["aria-label"] ?? label ?? "chart";
    if (!p.style) a.style = `min-height:${typeof height === "number" && height > 0 ? height : 300}px`;
    return `<div${attrs(a)}></div>`;
  },
  update(prop, value, current) {
    if (prop !== "extendData") return undefined;
    const ext = normalizeExtension(value);
    return {
      props: { figure: extendFigure(current.figure, ext) },
      append: (id: string) => `<div id="${escapeHtml(id)}" hx-swap-oob="ddExtend">${escapeHtml(JSON.stringify(ext))}</div>`,
    };
  },
};
