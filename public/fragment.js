// dash-devices fragment reader: turns the server's own markup into nodes shaped like the DOM's
// (nodeType, tagName, id, attributes, getAttribute, hasAttribute, firstChild, nextSibling,
// nodeValue), which the glue's `apply` (public/dash-devices.js) compares with the page and patches
// from, without the browser's HTML parser. Loaded before the glue: window.dashDevicesFragment(html)
// returns the root node, or null for anything it does not read exactly as the browser would.
(() => {
  "use strict";
  // Read: the server's own markup (src/core/escape.ts: double-quoted attributes, five entities),
  // tags the HTML parser builds as written (no implied end tags, no raw text, no foster parenting),
  // each closed in order. Anything else returns null and the browser's parser reads it: the same
  // result, slower (a parse costs ~0.2 ms on a page that has just rendered, this ~5 us).
  const PLAIN = new Set(
    "div span input label button a b i em strong small code h1 h2 h3 h4 h5 h6 img br hr progress meter output sup sub u s mark abbr time section article header footer nav main aside fieldset legend".split(
      " ",
    ),
  );
  const VOID = new Set(["input", "img", "br", "hr"]);
  const NEST = new Set(["a", "button"]); // the parser closes one of these opened inside another
  const TAG = /<(\/?)([a-z][a-z0-9]*)((?:\s+[a-zA-Z_:][a-zA-Z0-9_.:-]*(?:="[^"]*")?)*)\s*>/y;
  const ATTR = /\s+([a-zA-Z_:][a-zA-Z0-9_.:-]*)(?:="([^"]*)")?/g;
  const ENTITY = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };
  const BAD_AMP = /&(?!(?:amp|lt|gt|quot|#39);)/;
  const text = (s) => (s.indexOf("&") < 0 ? s : BAD_AMP.test(s) ? null : s.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITY[e]));
  class VNode {
    constructor(tag) {
      this.nodeType = 1;
      this.tagName = tag.toUpperCase();
      this.attributes = [];
      this.id = "";
      this.firstChild = this.lastChild = this.nextSibling = null;
    }
    getAttribute(name) {
      for (const a of this.attributes) if (a.name === name) return a.value;
      return null;
    }
    hasAttribute(name) {
      return this.getAttribute(name) !== null;
    }
    append(n) {
      if (this.lastChild) this.lastChild.nextSibling = n;
      else this.firstChild = n;
      this.lastChild = n;
    }
  }
  function parse(html) {
    if (/[\r\0]/.test(html)) return null;
    const root = new VNode("root");
    const stack = [root];
    let i = 0;
    while (i < html.length) {
      const top = stack[stack.length - 1];
      const lt = html.indexOf("<", i);
      if (lt !== i) {
        const v = text(html.slice(i, lt < 0 ? html.length : lt));
        if (v === null) return null;
        top.append({ nodeType: 3, nodeValue: v, nextSibling: null });
        if (lt < 0) break;
      }
      TAG.lastIndex = lt;
      const m = TAG.exec(html);
      if (!m) return null;
      i = TAG.lastIndex;
      const [, close, tag, attrs] = m;
      if (!PLAIN.has(tag)) return null;
      if (close) {
        if (attrs || top.tagName !== tag.toUpperCase() || stack.length === 1) return null;
        stack.pop();
        continue;
      }
      if (NEST.has(tag) && stack.some((e) => e.tagName === tag.toUpperCase())) return null;
      if (tag[0] === "h" && tag.length === 2 && /^H[1-6]$/.test(top.tagName)) return null;
      const el = new VNode(tag);
      for (const [, rawName, raw] of attrs.matchAll(ATTR)) {
        const name = rawName.toLowerCase();
        const value = raw === undefined ? "" : text(raw);
        if (value === null || el.hasAttribute(name)) return null;
        el.attributes.push({ name, value });
        if (name === "id") el.id = value;
      }
      top.append(el);
      if (!VOID.has(tag)) stack.push(el);
    }
    return stack.length === 1 ? root : null;
  }
  window.dashDevicesFragment = parse;
})();
