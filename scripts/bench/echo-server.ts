/**
 * @module bench/echo-server
 * Child process: the floor. Bun's own server with nothing on top: a WebSocket that sends every
 * message straight back, and an HTTP POST that answers with its body. Same machine, same kind
 * of process as the server under test, so the ratio between the two is our overhead.
 *
 * For attributing a p99 (scripts/bench/rt-trace.ts --echo): ECHO_GARBAGE_BYTES=N makes each
 * message also allocate about N bytes of short-lived objects, and ECHO_HEAP_MB=M keeps M MB of
 * live objects, so the floor can be given the garbage collector's work of a real server.
 */

import { emit, serveRequests } from "./proc.ts";

const garbage = Number(process.env.ECHO_GARBAGE_BYTES ?? 0);
/** Live objects (strings in small objects, ~64 bytes each), kept for the life of the process. */
const kept: unknown[] = [];
for (let i = 0; i < (Number(process.env.ECHO_HEAP_MB ?? 0) * 1024 * 1024) / 64; i++) kept.push({ i, s: `kept ${i}` });
/** Where the garbage goes: reachable until overwritten, so the compiler cannot drop the allocation. */
const ring: unknown[] = new Array(256).fill(null);
let next = 0;
function makeGarbage(msg: string | Buffer): void {
  // ~64 bytes an object with its string.
  for (let i = 0; i < garbage / 64; i++) ring[next++ & 255] = { i, s: `${msg.length}:${i}` };
}

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
      if (garbage) makeGarbage(msg);
      ws.send(msg);
    },
  },
});

serveRequests({}, () => server.stop(true));
emit("ready", { url: `http://127.0.0.1:${server.port}`, port: server.port, pid: process.pid });
