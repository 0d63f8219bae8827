// dash-devices glue: transport-neutral. The page loads htmx, this script, then the transport's own
// scripts (its htmx extension and its part of the glue, e.g. transport-ws.js), which call the API
// below (window.dashDevices) and never the other way round. It (1) numbers outgoing messages and
// marks the sending control "pending" until the server's ack, (2) keeps live control values right
// when the server morphs a control the user is not editing (htmx only touches attributes),
// (3) applies a fragment that only changes attributes and text of elements already on the page
// directly (`apply`), with htmx's morph rules and hooks, instead of a full htmx swap, (4) shows the
// connection state, (5) keeps the shared version a reconnect sends, (6) dismisses error toasts.
// Wire names match src/core/wire.ts (checked by test/core/wire.test.ts).
(() => {
  "use strict";
  const PENDING = "data-dd-pending";
  const SEQ_HEADER = "DD-Seq";
  const STATUS_ID = "dd-status";
  const TOASTS_ID = "dd-toasts";
  const EDIT_MS = 1000;
  let seq = 0;
  let version = 0; // read from <body data-dd-version> at first connect (this script runs in <head>)
  let everConnected = false;
  const dd = (window.dashDevices = { lastAck: 0, version: () => version, state: "connecting" });

  function setStatus(state, text) {
    dd.state = state;
    const el = document.getElementById(STATUS_ID);
    if (!el) return;
    el.setAttribute("data-state", state);
    el.textContent = text;
  }

  // ---- editing: a control the user is typing in or dragging keeps its live value; the server's
  // latest value still lands in its attributes (htmx morphs them) and is applied once the user
  // stops and the control has no message in flight ("settle").
  // Only typing and dragging take time; a click on a checkbox, radio or select is over at once.
  function editing(el) {
    if (el._ddDrag === true) return true;
    const typing = el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && !/^(checkbox|radio|range|button|submit)$/.test(el.type));
    return typing && document.activeElement === el && performance.now() - (el._ddEdit || 0) < EDIT_MS;
  }
  function pending(el) {
    return !!el.closest(`[${PENDING}]`);
  }
  // Mirror the live value into attributes, so a morph compares against what the user sees.
  function mirror(el, change) {
    if (!(el instanceof HTMLElement)) return;
    // A change event that follows input events (a slider let go, a text box left) brings nothing
    // new: mirroring again would put back a value the server has since replaced.
    const live =
      el.type === "checkbox" || el.type === "radio"
        ? el.checked
        : el.tagName === "SELECT"
          ? [...el.selectedOptions].map((o) => o.value).join("\n")
          : el.value;
    if (change && el._ddMirrored === live) return;
    el._ddMirrored = live;
    el._ddEdit = performance.now();
    if (el.tagName === "INPUT") {
      if (el.type === "checkbox" || el.type === "radio") {
        const group = el.type === "radio" && el.name ? document.getElementsByName(el.name) : [el];
        for (const g of group) g.toggleAttribute("checked", g.checked);
      } else el.setAttribute("value", el.value);
    } else if (el.tagName === "SELECT") {
      for (const o of el.options) o.toggleAttribute("selected", o.selected);
    } else if (el.tagName === "TEXTAREA") {
      el.defaultValue = el.value;
    }
    clearTimeout(el._ddSettle);
    el._ddSettle = setTimeout(() => settle(el), EDIT_MS + 50);
  }
  // Apply the attributes (the server's latest word) to the live value.
  function settle(el) {
    if (!el.isConnected || editing(el) || pending(el)) return;
    if (el.tagName === "INPUT") {
      if (el.type === "checkbox" || el.type === "radio") el.checked = el.hasAttribute("checked");
      else {
        const v = el.getAttribute("value") ?? "";
        if (el.value !== v) el.value = v;
      }
    } else if (el.tagName === "SELECT") {
      for (const o of el.options) o.selected = o.hasAttribute("selected");
    } else if (el.tagName === "TEXTAREA") {
      if (el.value !== el.defaultValue) el.value = el.defaultValue;
    }
  }
  function settleWithin(root) {
    if (root.matches?.("input,select,textarea")) settle(root);
    for (const el of root.querySelectorAll?.("input,select,textarea") ?? []) settle(el);
  }
  document.addEventListener("input", (e) => mirror(e.target), true);
  document.addEventListener("change", (e) => mirror(e.target, true), true);
  document.addEventListener(
    "pointerdown",
    (e) => {
      const t = e.target;
      if (t instanceof HTMLInputElement && t.type === "range") t._ddDrag = true;
    },
    true,
  );
  const endDrag = () => {
    for (const el of document.querySelectorAll('input[type="range"]')) {
      if (el._ddDrag) {
        el._ddDrag = false;
        el._ddEdit = performance.now();
        clearTimeout(el._ddSettle);
        el._ddSettle = setTimeout(() => settle(el), EDIT_MS + 50);
      }
    }
  };
  document.addEventListener("pointerup", endDrag, true);
  document.addEventListener("pointercancel", endDrag, true);

  // ---- morph hooks: htmx's (a full swap) and ours (apply) call the same ones. Another script adds
  // its own with dashDevices.onMorphAttr (graph.js: redraw on a new figure); return false to skip.
  const attrHooks = [
    (el, d) => {
      // htmx sets attributes, and the live value only of elements without focus: do the rest.
      if (editing(el) || pending(el)) return;
      if (d.attrName === "value" && el.tagName === "INPUT" && el.type !== "checkbox" && el.type !== "radio") {
        if (d.newValue !== null && el.value !== d.newValue) el.value = d.newValue;
      } else if (d.attrName === "checked" && el.tagName === "INPUT") {
        el.checked = d.newValue !== null;
      } else if (d.attrName === "selected" && el.tagName === "OPTION") {
        el.selected = d.newValue !== null;
      }
    },
  ];
  function beforeAttr(el, d) {
    let go = true;
    for (const h of attrHooks) if (h(el, d) === false) go = false;
    return go;
  }
  function beforeNode(el, newNode) {
    if (el.tagName === "TEXTAREA" && !editing(el) && !pending(el) && el.value !== newNode.value) el.value = newNode.value;
  }
  htmx.registerExtension("dash-devices", {
    htmx_before_morph_attr: (el, d) => beforeAttr(el, d),
    htmx_before_morph_node(el, d) {
      if (d.newNode) beforeNode(el, d.newNode);
    },
  });

  // ---- apply: most fragments re-render a control or an output whose shape did not change (a new
  // value, a new text). Through htmx.swap that costs an HTML document parse, id maps, a pantry
  // element, classes added and removed and htmx re-processing each target. Here such a fragment is
  // read (`parsed`), checked (`same`: every top-level element an outerMorph of an element on the page
  // with the same tags, ids and children, no htmx attribute changing) and patched in place (`patch`)
  // by htmx's morph rules (morphIgnore, the value of an unfocused input, textarea, the morph hooks).
  // Anything else (nodes added or removed, toasts, custom swaps, scripts) goes to htmx as before.
  const OOB = "hx-swap-oob";
  const MORPH = "outerMorph";
  // Read by public/fragment.js when it can (the server's own plain markup, ~50x faster than a parse
  // on a page that has just rendered), else by the browser's parser in a document of its own (no
  // scripts run, nothing loads).
  const scratch = document.implementation.createHTMLDocument("").createElement("div");
  function parsed(html) {
    const r = window.dashDevicesFragment?.(html);
    if (r) return r;
    scratch.innerHTML = html;
    return scratch;
  }
  const ignored = (name) => {
    for (const p of htmx.config.morphIgnore || []) if (name.startsWith(p)) return true;
    return false;
  };
  const hxAttr = (name) => name.startsWith("hx-") || (!!htmx.config.prefix && name.startsWith(htmx.config.prefix));
  const skipped = (el) => {
    const c = htmx.config;
    return (!!c.morphSkip && el.matches(c.morphSkip)) || (!!c.morphSkipChildren && el.matches(c.morphSkipChildren));
  };
  // Same shape, and no change htmx would have to re-initialize for? (reads only)
  function same(old, neu) {
    if (old.nodeType !== neu.nodeType) return false;
    if (old.nodeType === 3) return true;
    if (old.nodeType !== 1) return old.isEqualNode(neu);
    if (old.tagName !== neu.tagName || old.id !== neu.id || old.tagName === "SCRIPT" || old.tagName === "TEMPLATE" || skipped(old))
      return false;
    for (const a of neu.attributes) {
      if (a.name !== OOB && !ignored(a.name) && hxAttr(a.name) && old.getAttribute(a.name) !== a.value) return false;
    }
    for (const a of old.attributes) if (hxAttr(a.name) && !neu.hasAttribute(a.name) && !ignored(a.name)) return false;
    let o = old.firstChild;
    let n = neu.firstChild;
    for (; o && n; o = o.nextSibling, n = n.nextSibling) if (!same(o, n)) return false;
    return o === n; // both null: as many children
  }
  // htmx's #morphNode/#copyAttributes for two nodes `same` accepted.
  function patch(old, neu) {
    if (old.nodeType === 3) {
      if (old.nodeValue !== neu.nodeValue) old.nodeValue = neu.nodeValue;
      return;
    }
    if (old.nodeType !== 1) return;
    beforeNode(old, neu);
    for (const { name, value } of neu.attributes) {
      if (name === OOB || ignored(name) || old.getAttribute(name) === value) continue;
      if (!beforeAttr(old, { attrName: name, newValue: value })) continue;
      old.setAttribute(name, value);
      // A hook may have set it already: no second write of the same value.
      if (
        name === "value" &&
        old instanceof HTMLInputElement &&
        old.type !== "file" &&
        old.value !== value &&
        document.activeElement !== old
      )
        old.value = value;
    }
    for (let i = old.attributes.length - 1; i >= 0; i--) {
      const a = old.attributes[i];
      if (a && !neu.hasAttribute(a.name) && !ignored(a.name) && beforeAttr(old, { attrName: a.name, newValue: null }))
        old.removeAttribute(a.name);
    }
    if (old instanceof HTMLTextAreaElement && document.activeElement !== old && old.defaultValue !== neu.defaultValue)
      old.value = neu.value;
    for (let o = old.firstChild, n = neu.firstChild; o && n; o = o.nextSibling, n = n.nextSibling) patch(o, n);
  }
  /** Applies `html` (a frame's content) in place when it allows; false: swap it with htmx. */
  function apply(html) {
    if (typeof html !== "string" || !html) return false;
    const root = parsed(html);
    const pairs = [];
    let ok = true;
    for (let n = root.firstChild; n && ok; n = n.nextSibling) {
      const old = n.nodeType === 1 && n.getAttribute(OOB) === MORPH && n.id ? document.getElementById(n.id) : null;
      ok = !!old && !pairs.some((p) => p[0] === old) && same(old, n);
      pairs.push([old, n]);
    }
    if (ok) for (const [old, n] of pairs) patch(old, n);
    if (root === scratch) scratch.textContent = "";
    if (ok && pairs.length) document.dispatchEvent(new Event("dd:applied"));
    return ok && pairs.length > 0;
  }

  // ---- connection state (the transport's script reports it).
  function connecting() {
    if (!everConnected && !version) version = Number(document.body.getAttribute("data-dd-version")) || 0;
    setStatus(everConnected ? "reconnecting" : "connecting", everConnected ? "reconnecting…" : "connecting…");
  }
  function connected() {
    everConnected = true;
    setStatus("connected", "live");
  }
  /** The connection is gone: nothing in flight will be acked. `retry`: the transport reconnects. */
  function down(retry, text) {
    for (const el of document.querySelectorAll(`[${PENDING}]`)) el.removeAttribute(PENDING);
    if (retry) setStatus("reconnecting", "reconnecting…");
    else setStatus("lost", text || "connection lost: reload the page");
  }

  // ---- outgoing: number each message, mark the control pending.
  function outgoing(el, headers) {
    const n = ++seq;
    headers[SEQ_HEADER] = String(n);
    el.setAttribute(PENDING, String(n));
  }

  // ---- incoming: a frame's meta (version, ack, loading, errors), after its content is in the page.
  function frame(f) {
    if (f.v) version = f.v;
    // dcc.Loading: outputs this message will recompute spin until its ack.
    if (f.loading) {
      for (const id of f.loading.ids) document.getElementById(id)?.setAttribute(PENDING, String(f.loading.seq));
    }
    if (f.ack) {
      dd.lastAck = f.ack;
      for (const el of document.querySelectorAll(`[${PENDING}]`)) {
        if (Number(el.getAttribute(PENDING)) <= f.ack) {
          el.removeAttribute(PENDING);
          settleWithin(el);
        }
      }
    }
    if (f.errors) for (const e of f.errors) console.warn(e.message);
  }
  // Error toasts (htmx adds them to the toast area) go away after 10 s.
  document.addEventListener("DOMContentLoaded", () => {
    const area = document.getElementById(TOASTS_ID);
    if (!area) return;
    new MutationObserver(() => {
      for (const t of area.querySelectorAll(".dd-toast:not([data-dd-timer])")) {
        t.setAttribute("data-dd-timer", "");
        setTimeout(() => t.remove(), 10000);
      }
    }).observe(area, { childList: true });
  });

  Object.assign(dd, {
    everConnected: () => everConnected,
    connecting,
    connected,
    down,
    outgoing,
    frame,
    apply,
    /** Another script's morph hook, called by htmx's morph and by `apply`. */
    onMorphAttr: (fn) => attrHooks.push(fn),
  });

  document.addEventListener("click", (e) => {
    const b = e.target instanceof Element && e.target.closest(".dd-toast-close");
    if (b) b.closest(".dd-toast")?.remove();
  });
})();
