// dash-devices charts: draws every <div class="dd-graph" data-figure="{...}"> with uPlot, redraws
// it when a morph changes data-figure, and appends points for `hx-swap-oob="ddExtend"` fragments
// (the server's streaming append, Dash's extendData). Loaded only on pages that have a dcc.Graph.
(() => {
  "use strict";
  const charts = new WeakMap();
  const PALETTE = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"];

  const text = (t) => (typeof t === "string" ? t : t && typeof t.text === "string" ? t.text : "");

  function seriesData(fig) {
    const traces = (fig.data || []).filter((t) => Array.isArray(t.y));
    if (!traces.length) return [[]];
    const xs = traces.map((t) => (Array.isArray(t.x) && t.x.length === t.y.length ? t.x.map(Number) : t.y.map((_, i) => i)));
    const sameX = xs.every((x) => x.length === xs[0].length && x.every((v, i) => v === xs[0][i]));
    const ys = traces.map((t) => t.y.map((v) => (v === null || v === undefined ? null : Number(v))));
    if (sameX) return [xs[0], ...ys];
    return uPlot.join(traces.map((_, i) => [xs[i], ys[i]]));
  }

  function options(fig, el) {
    const layout = fig.layout || {};
    const xaxis = layout.xaxis || {},
      yaxis = layout.yaxis || {};
    const traces = (fig.data || []).filter((t) => Array.isArray(t.y));
    const range = (r) => (Array.isArray(r) && r.length === 2 ? (_u, _min, _max) => [Number(r[0]), Number(r[1])] : undefined);
    return {
      title: text(layout.title) || undefined,
      width: Math.max(200, el.clientWidth || 600),
      height: Number(layout.height) || 300,
      scales: {
        x: { time: xaxis.type === "date", range: range(xaxis.range) },
        y: { range: range(yaxis.range) },
      },
      axes: [{ label: text(xaxis.title) || undefined }, { label: text(yaxis.title) || undefined }],
      legend: { show: traces.length > 1 || traces.some((t) => t.name) },
      series: [
        { label: text(xaxis.title) || "x" },
        ...traces.map((t, i) => ({
          label: t.name || `trace ${i}`,
          stroke: t.line?.color || t.marker?.color || PALETTE[i % PALETTE.length],
          width: t.line?.width || 2,
          points: {
            show: t.mode === "markers" || t.mode === "lines+markers" || (t.type === "scatter" && t.mode === undefined) ? undefined : false,
          },
          paths: t.mode === "markers" ? () => null : undefined,
        })),
      ],
    };
  }

  function shapeKey(fig) {
    return JSON.stringify([(fig.data || []).map((t) => [t.name, t.mode, t.type, t.line]), fig.layout || {}]);
  }

  function draw(el, fig) {
    let c = charts.get(el);
    if (c && c.key === shapeKey(fig)) {
      c.fig = fig;
      c.u.setData(seriesData(fig));
      return;
    }
    if (c) c.u.destroy();
    el.replaceChildren();
    const u = new uPlot(options(fig, el), seriesData(fig), el);
    charts.set(el, (c = { u, fig, key: shapeKey(fig) }));
    el.dataset.ddDrawn = String(Date.now());
  }

  function mount(el) {
    if (charts.has(el) || !el.isConnected) return;
    try {
      draw(el, JSON.parse(el.getAttribute("data-figure") || '{"data":[]}'));
    } catch (e) {
      console.warn("dash-devices: cannot draw graph", el.id, e);
    }
  }

  function extend(el, ext) {
    const c = charts.get(el);
    const fig = c ? c.fig : JSON.parse(el.getAttribute("data-figure") || '{"data":[]}');
    const data = (fig.data = fig.data || []);
    ext.traces.forEach((ti, k) => {
      while (data.length <= ti) data.push({ x: [], y: [] });
      const t = data[ti];
      t.y = (t.y || []).concat(ext.y[k]);
      let x = t.x || [];
      if (ext.x[k].length) x = x.concat(ext.x[k]);
      else for (let i = 0; i < ext.y[k].length; i++) x = x.concat(x.length ? Number(x[x.length - 1]) + 1 : 0);
      t.x = x;
      if (ext.maxPoints) {
        t.x = t.x.slice(-ext.maxPoints);
        t.y = t.y.slice(-ext.maxPoints);
      }
    });
    draw(el, fig);
    // Keep the attribute true, so a later morph compares against what is drawn.
    el.setAttribute("data-figure", JSON.stringify(fig));
  }

  function mountAll(root) {
    for (const el of (root || document).querySelectorAll(".dd-graph")) mount(el);
  }

  // A new figure (htmx's morph or the glue's apply): redraw.
  window.dashDevices.onMorphAttr((el, d) => {
    if (d.attrName === "data-figure" && el.classList.contains("dd-graph") && d.newValue) {
      const fig = JSON.parse(d.newValue);
      queueMicrotask(() => draw(el, fig));
    }
  });
  htmx.registerExtension("dash-devices-graph", {
    handle_swap(style, target, fragment) {
      if (style !== "ddExtend") return false;
      extend(target, JSON.parse(fragment.textContent));
      return [target];
    },
  });

  document.addEventListener("htmx:after:swap", () => mountAll());
  document.addEventListener("DOMContentLoaded", () => mountAll());
  window.addEventListener("resize", () => {
    for (const el of document.querySelectorAll(".dd-graph")) {
      const c = charts.get(el);
      if (c && el.clientWidth && Math.abs(c.u.width - el.clientWidth) > 2) c.u.setSize({ width: el.clientWidth, height: c.u.height });
    }
  });
})();
