// dash-devices clientside callbacks: runs the small functions an app registered with
// app.clientsideCallback(...) in the browser, reading and writing component props in the DOM.
// They run when one of their inputs changes here, after every server update (an htmx swap or the
// glue's in-place update: another tab may have moved an input), and once at load.
(() => {
  "use strict";
  const NO_UPDATE = {};
  window.dash_clientside = Object.assign(window.dash_clientside || {}, { no_update: NO_UPDATE });
  const defs = JSON.parse(document.getElementById("dd-clientside").textContent)
    .map((d) => {
      try {
        return { ...d, fn: new Function(`return (${d.f});`)() };
      } catch (e) {
        console.error("dash-devices: clientside callback does not compile", d.f, e);
        return null;
      }
    })
    .filter(Boolean);
  const clicks = new Map();

  function fields(el) {
    return el.matches("input,select,textarea") ? [el] : [...el.querySelectorAll("input[name],select[name],textarea[name]")];
  }
  function read(id, prop) {
    const el = document.getElementById(id);
    if (!el) return null;
    if (prop === "children") return el.textContent;
    if (prop === "n_clicks") return clicks.get(id) || 0;
    if (prop === "value") {
      const fs = fields(el);
      const f = fs[0];
      if (!f) return null;
      if (f.type === "range" || f.type === "number") {
        const nums = fs.map((x) => (x.value === "" ? null : Number(x.value)));
        return fs.length > 1 ? nums : nums[0];
      }
      if (f.type === "checkbox" || f.type === "radio") {
        const on = fs.filter((x) => x.checked).map((x) => x.value);
        return f.type === "radio" ? (on[0] ?? null) : on;
      }
      if (f.multiple) return [...f.selectedOptions].map((o) => o.value);
      return f.value;
    }
    return el.getAttribute(prop);
  }
  // What a callback may write, by the same rules as server rendering (src/core/component.ts
  // safeUrl and styleToCss; test/browser/m8-clientside-urls.test.ts checks they agree): a value
  // from another tab must not become a javascript: link or an event handler here.
  const URL_ATTRS = new Set([
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "data",
    "background",
    "cite",
    "codebase",
    "ping",
  ]);
  const ATTR_NAME = /^[a-zA-Z_:][a-zA-Z0-9_.:-]*$/;
  function safeUrl(u) {
    if (typeof u !== "string") return undefined;
    // Browsers drop tabs and newlines anywhere in a URL and control characters at its ends before
    // reading the scheme ("java\tscript:" is javascript:): a URL with any of them is refused.
    if (/[\x00-\x1f\x7f]/.test(u)) return undefined;
    const t = u.trim();
    if (/^(https?:|mailto:|tel:|\/|\.|#|\?)/i.test(t) || !/^[a-z][a-z0-9+.-]*:/i.test(t)) return t;
    if (/^data:image\/(png|jpeg|gif|webp);/i.test(t)) return t;
    return undefined;
  }
  function safeStyle(css) {
    return String(css)
      .split(";")
      .filter((d) => d.trim() && !/url\(|expression\(|@import|\\|[<>{}]/i.test(d))
      .map((d) => d.trim() + ";")
      .join("");
  }
  window.dash_clientside.safeUrl = safeUrl;
  window.dash_clientside.safeStyle = safeStyle;
  function refused(id, prop, v) {
    console.warn(`dash-devices: clientside callback may not set ${prop} of #${id} to`, v);
  }
  function write(id, prop, v) {
    const el = document.getElementById(id);
    if (!el || v === NO_UPDATE) return;
    const name = String(prop).toLowerCase();
    if (prop === "children") el.textContent = v === null || v === undefined ? "" : String(v);
    else if (prop === "value") {
      const f = fields(el)[0];
      if (f) f.value = v === null || v === undefined ? "" : String(v);
    } else if (prop === "style" && v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        // As the server: a value may not close the declaration, escape, or load anything.
        if (x === null || x === undefined || x === false) el.style[k] = "";
        else if (/[;{}<>]|\\|url\(|expression\(/i.test(String(x))) refused(id, `style.${k}`, x);
        else el.style[k] = typeof x === "number" ? String(x) : x;
      }
    } else if (prop === "style") {
      if (v === null || v === undefined || v === false) el.removeAttribute("style");
      else el.setAttribute("style", safeStyle(v));
    } else if (prop === "hidden") el.hidden = !!v;
    else if (prop === "className") el.className = String(v ?? "");
    else if (!ATTR_NAME.test(prop) || name.startsWith("on") || name === "srcdoc") refused(id, prop, v);
    else if (v === null || v === undefined || v === false) el.removeAttribute(prop);
    else if (URL_ATTRS.has(name)) {
      const url = safeUrl(v);
      if (url === undefined) {
        el.removeAttribute(prop);
        refused(id, prop, v);
      } else el.setAttribute(prop, url);
    } else el.setAttribute(prop, v === true ? "" : String(v));
  }
  function run(d) {
    let r;
    try {
      r = d.fn(...d.i.concat(d.s).map(([id, p]) => read(id, p)));
    } catch (e) {
      if (e && e.name === "PreventUpdate") return;
      console.error("dash-devices: clientside callback failed", e);
      return;
    }
    if (r === NO_UPDATE) return;
    const values = d.m ? r : [r];
    d.o.forEach(([id, p], k) => {
      write(id, p, Array.isArray(values) ? values[k] : undefined);
    });
  }
  function changed(target) {
    for (const d of defs) {
      if (d.i.some(([id]) => document.getElementById(id)?.contains(target))) run(d);
    }
  }
  document.addEventListener("input", (e) => changed(e.target));
  document.addEventListener("change", (e) => changed(e.target));
  document.addEventListener("click", (e) => {
    const el = e.target instanceof Element && e.target.closest("button[id],[id][hx-trigger='click']");
    if (!el) return;
    clicks.set(el.id, (clicks.get(el.id) || 0) + 1);
    changed(el);
  });
  document.addEventListener("htmx:after:swap", () => defs.forEach(run));
  document.addEventListener("dd:applied", () => defs.forEach(run)); // the glue's in-place update
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => defs.forEach(run));
  else defs.forEach(run);
})();
