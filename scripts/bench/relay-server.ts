/**
 * @module bench/relay-server
 * Child process: the relay floor. Bun.serve with nothing on top: every WebSocket message is sent
 * as it is to every open socket (the sender too, as a shared callback's output goes to every
 * tab), in a plain loop. A new socket gets one small frame on open (the bench's tabs count a tab
 * as connected at its first frame). `/` serves a floor page for the browser row: a range input
 * whose input event sends its value, and which shows a received value in the input and in
 * `#out`. Same kind of process as the server under test, so ours / relay is our overhead.
 */

import type { ServerWebSocket } from "bun";
import { emit, serveRequests } from "./proc.ts";

const sockets = new Set<ServerWebSocket<undefined>>();

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>relay floor</title></head><body>
<input id="s" type="range" min="0" max="1000000000" step="1" value="0"><div id="out">-</div>
<script>
const ws = new WebSocket(location.origin.replace(/^http/, "ws") + "/ws");
const s = document.getElementById("s"), out = document.getElementById("out");
window.relayReady = new Promise((r) => ws.addEventListener("open", r));
s.addEventListener("input", () => ws.send(s.value));
ws.onmessage = (e) => { if (e.data === "hello") return; s.value = e.data; out.textContent = e.data; };
</script></body></html>`;

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(req, srv) {
    const url = new URL(req.url);
    if (url.pathname === "/ws") {
      if (srv.upgrade(req, { data: undefined })) return undefined;
      return new Response("upgrade failed", { status: 400 });
    }
    return new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8" } });
  },
  websocket: {
    perMessageDeflate: false,
    open(ws) {
      sockets.add(ws);
      ws.send("hello");
    },
    close(ws) {
      sockets.delete(ws);
    },
    message(_ws, msg) {
      for (const s of sockets) s.send(msg);
    },
  },
});

serveRequests(
  {
    rss: () => {
      const before = process.memoryUsage().rss;
      Bun.gc(true);
      const m = process.memoryUsage();
      return { rss: m.rss, rssBeforeGc: before, heapUsed: m.heapUsed, clients: sockets.size };
    },
    version: () => ({ version: 0, clients: sockets.size }),
  },
  () => server.stop(true),
);
emit("ready", { url: `http://127.0.0.1:${server.port}`, port: server.port, pid: process.pid });
