// dash-devices glue, WebSocket part: connects htmx's hx-ws extension to the neutral glue
// (window.dashDevices, public/dash-devices.js). Declared by src/transports/websocket.ts's page
// scripts, loaded after hx-ws.js. It names the reconnect query (?v=VERSION&re=1), numbers outgoing
// messages, hands each incoming frame's content to dashDevices.apply (htmx swaps it only when apply
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
