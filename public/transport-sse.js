// dash-devices glue, HTTP service part: connects htmx's hx-post and hx-sse extension to the neutral
// glue (window.dashDevices, public/dash-devices.js). Declared by src/transports/http-sse.ts's page
// scripts, loaded after hx-sse.js. Posts to _dd/update carry the secret naming this tab's event
// stream (from the stream's hello) and a sequence number; unnamed events carry HTML (handed to
// dashDevices.apply first, swapped by htmx when apply cannot), "dd" events the frame's meta.
(() => {
  "use strict";
  const dd = window.dashDevices;
  const CLIENT_HEADER = "DD-Client";
  let secret = "";

  document.addEventListener("htmx:config:request", (e) => {
    const ctx = e.detail.ctx;
    if (!secret || !ctx.request.action.includes("_dd/update")) return;
    ctx.request.headers[CLIENT_HEADER] = secret;
    dd.outgoing(ctx.sourceElement, ctx.request.headers);
  });

  document.addEventListener("htmx:sse:before:message", (e) => {
    const m = e.detail.message;
    if (!m.event && dd.apply(m.data)) e.detail.cancelled = true;
  });
  document.addEventListener("dd", (e) => {
    let f;
    try {
      f = JSON.parse(e.detail.data);
    } catch {
      return;
    }
    if (f.hello?.secret) secret = f.hello.secret;
    dd.frame(f);
  });

  // The server ended the stream (src/transports/http-sse.ts CLOSE_EVENT, named by the body's
  // hx-sse:close, so hx-sse does not reconnect): say why, as the WebSocket part does for its codes.
  const POLICY_CLOSE = 1008; // a budget (src/core/budgets.ts)
  let closedBy = null;
  document.addEventListener("dd-close", (e) => {
    try {
      closedBy = JSON.parse(e.detail.data);
    } catch {
      closedBy = { code: 0, reason: "" };
    }
  });

  document.addEventListener("htmx:sse:before:connection", () => dd.connecting());
  document.addEventListener("htmx:sse:after:connection", () => dd.connected());
  document.addEventListener("htmx:sse:error", () => dd.down(true));
  document.addEventListener("htmx:sse:close", (e) => {
    if (e.detail.reason === "removed") return;
    if (e.detail.reason === "message" && closedBy) {
      const { code, reason } = closedBy;
      dd.down(false, code === POLICY_CLOSE ? `closed by the server: ${reason || "policy violation"}` : "disconnected by the server");
    } else dd.down(false);
  });
})();
