// dash-devices glue, WebSocket part: connects htmx's hx-ws extension to the neutral glue
// (window.dashDevices, public/dash-devices.js). Declared by src/transports/websocket.ts's page
// scripts, loaded after hx-ws.js. It names the reconnect query (?v=VERSION&re=1), numbers outgoing
// messages, sends those of a plain `input`/`change` trigger itself (hx-ws's bytes, order and
// events), hands each incoming frame's content to dashDevices.apply (htmx swaps it only when apply
// cannot) and its meta to dashDevices.frame, and shows why the server closed the tab over a budget
// (code 1008): no reconnect then.
(() => {
  "use strict";
  const dd = window.dashDevices;
  const POLICY_CLOSE = 1008; // the server closed this tab over a budget (src/core/budgets.ts)

  document.addEventListener("htmx:ws:before:connection", (e) => {
    const c = e.detail.connection;
    dd.connecting();
    const version = dd.version();
    c.url = `${c.url.split("?")[0]}?v=${version}${dd.everConnected() ? "&re=1" : ""}`;
  });
  document.addEventListener("htmx:ws:after:connection", (e) => {
    dd.connected();
    // htmx's close event has the code but not the reason: read the reason from the socket.
    // 1008 is not one of hx-ws's reconnect codes, so the page stays closed (no reconnect loop).
    e.detail.connection?.socket?.addEventListener("close", (ev) => {
      if (ev.code === POLICY_CLOSE) dd.down(false, `closed by the server: ${ev.reason || "policy violation"}`);
    });
  });
  document.addEventListener("htmx:ws:close", (e) => {
    const code = e.detail.code;
    const retry = e.detail.connection?.config?.reconnectCodes?.includes(code) && code !== POLICY_CLOSE;
    dd.down(retry, code === POLICY_CLOSE ? "closed by the server" : code === 4001 ? "disconnected by the server" : "");
  });

  document.addEventListener("htmx:ws:before:message:outgoing", (e) => dd.outgoing(e.target, e.detail.message.headers));

  // ---- sending: for a control whose trigger is a plain `input` or `change`, the glue builds the
  // message hx-ws:send builds (its headers, read once with htmx's own request context, then only
  // HX-Current-URL per send; its form values) and sends it in hx-ws's own order (its `sending`
  // chain, its outgoing events), without htmx's per-event trigger and attribute lookups. Anything
  // else (no open socket, messages queued, hx-vals, hx-include, a form) goes to htmx's handler.
  const SEND = "hx-ws:send";
  let api;
  function fast(el) {
    const specs = el._htmx?.triggerSpecs;
    const spec = specs?.length === 1 ? specs[0] : null;
    if (!spec || !/^(input|change)$/.test(spec.name) || Object.keys(spec).some((k) => !/^(name|listeners|handler)$/.test(k))) return;
    if (el.form || el.closest("form") || api.attributeValue(el, "hx-vals") != null || api.attributeValue(el, "hx-include") != null) return;
    const info = spec.listeners.length === 1 ? spec.listeners[0] : null;
    if (!info || info.fromElt !== el || info.capture || info.handler._dd) return;
    const headers = { ...api.createRequestContext(el, new Event(spec.name)).request.headers };
    delete headers.Accept;
    const htmxHandler = info.handler;
    const handler = (evt) => {
      const owner = el.closest(`[${CSS.escape("hx-ws:connect")}]`);
      const c = owner?._htmx?.ws?.connection;
      // hx-ws's connection internals (its queue and send chain) as of htmx.org 4.0.1, which
      // package.json pins; any other shape goes to htmx's own handler.
      if (
        !c ||
        c.socket?.readyState !== WebSocket.OPEN ||
        !Array.isArray(c.queue) ||
        c.queue.length ||
        typeof c.sending?.then !== "function"
      )
        return htmxHandler(evt);
      const values = {};
      for (const [k, v] of api.collectFormData(el, null)) values[k] = k in values ? [].concat(values[k], v) : v;
      delete values.headers;
      const message = { headers: { ...headers, "HX-Current-URL": location.href }, values, data: undefined };
      const out = c.sending.then(async () => {
        const pendingWork = [];
        const detail = { connection: c, message, cancelled: false, waitUntil: (p) => pendingWork.push(Promise.resolve(p)) };
        const go = api.triggerHtmxEvent(el, "htmx:ws:before:message:outgoing", detail);
        try {
          if (pendingWork.length) await Promise.all(pendingWork);
          if (!go || detail.cancelled) return;
          message.data ??= JSON.stringify({ ...message.values, headers: message.headers });
          // What hx-ws does when the socket went away meanwhile: an error, or its queue.
          if (owner._htmx?.ws?.connection !== c) api.triggerHtmxEvent(el, "htmx:ws:error", { connection: c, error: "Connection closed" });
          else if (c.socket?.readyState === WebSocket.OPEN) {
            c.socket.send(message.data);
            api.triggerHtmxEvent(el, "htmx:ws:after:message:outgoing", { connection: c, message });
          } else if (c.queue.length >= c.config.maxOutgoingMessagesQueueSize)
            api.triggerHtmxEvent(el, "htmx:ws:error", { connection: c, error: "Outgoing messages queue is full" });
          else c.queue.push({ element: el, message });
        } catch (error) {
          api.triggerHtmxEvent(el, "htmx:ws:error", { connection: c, error });
        }
      });
      c.sending = out.catch(() => {});
    };
    handler._dd = true;
    handler.htmx = htmxHandler; // (what a test compares with)
    el.removeEventListener(info.eventName, htmxHandler, info);
    info.handler = spec.handler = handler; // htmx's cleanup removes this one
    el.addEventListener(info.eventName, handler, info);
  }
  htmx.registerExtension("dash-devices-ws", {
    init: (a) => {
      api = a;
    },
    // After hx-ws's own (registered before this one) has set up the element's trigger.
    htmx_after_process(root) {
      if (root.hasAttribute?.(SEND)) fast(root);
      for (const el of root.querySelectorAll?.(`[${CSS.escape(SEND)}]`) ?? []) fast(el);
    },
  });

  // Frames are JSON: { content?: HTML, v?, ack?, loading?, errors? }. hx-ws handles them one at a
  // time in arrival order; cancelling here ends this frame's handling (nothing else of hx-ws runs).
  document.addEventListener("htmx:ws:before:message:incoming", (e) => {
    const m = e.detail.message;
    if (typeof m.data !== "string" || m.data.charCodeAt(0) !== 123) return;
    let f;
    try {
      f = JSON.parse(m.data);
    } catch {
      return;
    }
    if (f.content === undefined || dd.apply(f.content)) {
      e.detail.cancelled = true;
      dd.frame(f);
    } else m.ddFrame = f; // htmx swaps the content; the meta after it
  });
  document.addEventListener("htmx:ws:after:message:incoming", (e) => {
    const f = e.detail.message.ddFrame;
    if (f) dd.frame(f);
  });
})();
