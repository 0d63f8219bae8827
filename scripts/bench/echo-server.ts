/**
 * @module bench/echo-server
 * Child process: the floor. Bun's own server with nothing on top: a WebSocket that sends every
 * message straight back, and an HTTP POST that answers with its body. Same machine, same kind
 * of process as the server under test, so the ratio between the two is our overhead.
 */

import { emit, serveRequests } from "./proc.ts";

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req, srv) {
    const url = new URL(req.url);
    if (url.pathname === "/ws") {
      if (srv.upgrade(req, { data: undefined })) return undefined;
      return new Response("upgrade failed", { status: 400 });
    }
    if (req.method === "POST") return new Response(await req.text(), { headers: { "content-type": "text/plain" } });
    return new Response("echo");
  },
  websocket: {
    perMessageDeflate: false,
    message(ws, msg) {
      ws.send(msg);
    },
  },
});

serveRequests({}, () => server.stop(true));
emit("ready", { url: `http://127.0.0.1:${server.port}`, port: server.port, pid: process.pid });
