// What the WebSocket transport declares (backpressureInSend, src/core/transport.ts), checked on
// Bun itself: a real server and a socket that does not read while we write. Every send answering
// > 0 left nothing waiting; once something waits, sends answer -1 until it drains (the outbox
// asks buffered() again after a drain event: bytes may still wait then).
import { expect, test } from "bun:test";
import type { ServerWebSocket } from "bun";

test("Bun's ServerWebSocket.send answers > 0 only when nothing is left waiting, -1 once something is", async () => {
  let open!: (ws: ServerWebSocket<undefined>) => void;
  const opened = new Promise<ServerWebSocket<undefined>>((r) => (open = r));
  const drains: number[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req, srv) => (srv.upgrade(req, { data: undefined }) ? undefined : new Response("no", { status: 400 })),
    websocket: { perMessageDeflate: false, open: (ws) => open(ws), message() {}, drain: (ws) => void drains.push(ws.getBufferedAmount()) },
  });
  const client = new WebSocket(`ws://127.0.0.1:${server.port}/`);
  try {
    let received = 0;
    client.onmessage = () => received++;
    const ws = await opened;
    const big = "x".repeat(1 << 20);
    const small = "y".repeat(300);
    const answers: { r: number; after: number }[] = [];
    // Synchronous: the client (this process) reads nothing until the loop ends.
    for (let i = 0; i < 60 && !answers.some((a) => a.r === -1 && a.after > 4 << 20); i++) {
      const r = ws.send(i % 2 ? small : big);
      answers.push({ r, after: ws.getBufferedAmount() });
    }
    const sent = answers.filter((a) => a.r > 0);
    const queued = answers.filter((a) => a.r === -1);
    expect(sent.length).toBeGreaterThan(0);
    expect(queued.length).toBeGreaterThan(0); // the socket did back up
    expect(sent.every((a) => a.after === 0)).toBe(true);
    expect(queued.every((a) => a.after > 0)).toBe(true);
    const firstQueued = answers.findIndex((a) => a.r === -1);
    expect(answers.slice(firstQueued).every((a) => a.r === -1)).toBe(true); // nothing "sent" behind a backlog
    for (let i = 0; i < 200 && ws.getBufferedAmount() > 0; i++) await Bun.sleep(10);
    expect(ws.getBufferedAmount()).toBe(0);
    expect(drains.length).toBeGreaterThan(0);
    expect(ws.send(small)).toBeGreaterThan(0); // drained: sends go through again
    for (let i = 0; i < 200 && received < answers.length + 1; i++) await Bun.sleep(10);
    expect(received).toBe(answers.length + 1);
  } finally {
    client.close();
    server.stop(true);
  }
});
