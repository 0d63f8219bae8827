// dash-devices glue: the only script of ours in the page, beside htmx and its hx-ws extension.
// It (1) numbers outgoing messages and marks the sending control "pending" until the server's
// ack, (2) keeps live control values right when the server morphs a control the user is not
// editing (htmx only touches attributes), (3) shows the connection state, (4) asks for a
// snapshot on reconnect by sending the shared version it has, (5) dismisses error toasts,
// (6) shows why the server closed the tab over a budget (code 1008): no reconnect then.
// Wire names match src/core/wire.ts (checked by test/core/wire.test.ts).
(() => {
  "use strict";
  const PENDING = "data-dd-pending";
  const SEQ_HEADER = "DD-Seq";
  const CLIENT_HEADER = "DD-Client";
  const STATUS_ID = "dd-status";
  const POLICY_CLOSE = 1008; // the server closed this tab over a budget (src/core/budgets.ts)
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
  function mirror(el) {
    if (!(el instanceof HTMLElement)) return;
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
  document.addEventListener("change", (e) => mirror(e.target), true);
  document.addEventListener("pointerdown", (e) => {
    const t = e.target;
    if (t instanceof HTMLInputElement && t.type === "range") t._ddDrag = true;
  }, true);
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

  htmx.registerExtension("dash-devices", {
    // htmx sets attributes, and the live value only of elements without focus: do the rest.
    htmx_before_morph_attr(el, d) {
      if (editing(el) || pending(el)) return;
      if (d.attrName === "value" && el.tagName === "INPUT" && el.type !== "checkbox" && el.type !== "radio") {
        if (d.newValue !== null && el.value !== d.newValue) el.value = d.newValue;
      } else if (d.attrName === "checked" && el.tagName === "INPUT") {
        el.checked = d.newValue !== null;
      } else if (d.attrName === "selected" && el.tagName === "OPTION") {
        el.selected = d.newValue !== null;
      }
    },
    htmx_before_morph_node(el, d) {
      if (el.tagName === "TEXTAREA" && !editing(el) && !pending(el) && d.newNode && el.value !== d.newNode.value) {
        el.value = d.newNode.value;
      }
    },
  });

  // ---- connection state and reconnect snapshot.
  document.addEventListener("htmx:ws:before:connection", (e) => {
    const c = e.detail.connection;
    if (!everConnected && !version) version = Number(document.body.getAttribute("data-dd-version")) || 0;
    const base = c.url.split("?")[0];
    c.url = `${base}?v=${version}${everConnected ? "&re=1" : ""}`;
    setStatus(everConnected ? "reconnecting" : "connecting", everConnected ? "reconnecting…" : "connecting…");
  });
  document.addEventListener("htmx:ws:after:connection", (e) => {
    everConnected = true;
    setStatus("connected", "live");
    // htmx's close event has the code but not the reason: read the reason from the socket.
    // 1008 is not one of hx-ws's reconnect codes, so the page stays closed (no reconnect loop).
    e.detail.connection?.socket?.addEventListener("close", (ev) => {
      if (ev.code === POLICY_CLOSE) setStatus("lost", `closed by the server: ${ev.reason || "policy violation"}`);
    });
  });
  document.addEventListener("htmx:ws:close", (e) => {
    const code = e.detail.code;
    const retry = e.detail.connection?.config?.reconnectCodes?.includes(code) && code !== POLICY_CLOSE;
    for (const el of document.querySelectorAll(`[${PENDING}]`)) el.removeAttribute(PENDING);
    if (retry) setStatus("reconnecting", "reconnecting…");
    else if (code === POLICY_CLOSE) setStatus("lost", "closed by the server");
    else setStatus("lost", code === 4001 ? "disconnected by the server" : "connection lost: reload the page");
  });

  // ---- outgoing: number each message, mark the control pending.
  function outgoing(el, headers) {
    const n = ++seq;
    headers[SEQ_HEADER] = String(n);
    el.setAttribute(PENDING, String(n));
  }
  document.addEventListener("htmx:ws:before:message:outgoing", (e) => outgoing(e.target, e.detail.message.headers));
  // HTTP service: the same for posts, plus the secret that names this tab's event stream.
  let secret = "";
  document.addEventListener("htmx:config:request", (e) => {
    const ctx = e.detail.ctx;
    if (!secret || !ctx.request.action.includes("_dd/update")) return;
    ctx.request.headers[CLIENT_HEADER] = secret;
    outgoing(ctx.sourceElement, ctx.request.headers);
  });

  // ---- incoming: version, ack, errors (a JSON frame over the WebSocket, a "dd" event over SSE).
  function onFrame(f) {
    if (f.hello?.secret) secret = f.hello.secret;
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
    for (const t of document.querySelectorAll(".dd-toast:not([data-dd-timer])")) {
      t.setAttribute("data-dd-timer", "");
      setTimeout(() => t.remove(), 10000);
    }
  }
  document.addEventListener("htmx:ws:after:message:incoming", (e) => {
    const data = e.detail.message.data;
    if (typeof data !== "string" || data.charCodeAt(0) !== 123) return;
    try {
      onFrame(JSON.parse(data));
    } catch {}
  });
  document.addEventListener("dd", (e) => {
    try {
      onFrame(JSON.parse(e.detail.data));
    } catch {}
  });
  document.addEventListener("htmx:sse:before:connection", () => {
    setStatus(everConnected ? "reconnecting" : "connecting", everConnected ? "reconnecting…" : "connecting…");
  });
  document.addEventListener("htmx:sse:after:connection", () => {
    everConnected = true;
    setStatus("connected", "live");
  });
  const sseDown = () => {
    for (const el of document.querySelectorAll(`[${PENDING}]`)) el.removeAttribute(PENDING);
    setStatus("reconnecting", "reconnecting…");
  };
  document.addEventListener("htmx:sse:error", sseDown);
  document.addEventListener("htmx:sse:close", (e) => {
    if (e.detail.reason === "removed") return;
    setStatus("lost", "connection lost: reload the page");
  });

  document.addEventListener("click", (e) => {
    const b = e.target instanceof Element && e.target.closest(".dd-toast-close");
    if (b) b.closest(".dd-toast")?.remove();
  });
})();
