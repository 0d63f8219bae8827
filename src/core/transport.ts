/**
 * @module transport
 * What the core needs from one tab's connection, whatever carries it (a WebSocket, HTTP posts up
 * and Server-Sent Events down: src/transports/). The core writes frames and reads how much is
 * waiting; it never names a transport. Unit tests implement it in memory
 * (test/helpers/memory-transport.ts).
 */

/** What the core needs from a socket. `send` returns Bun's codes: bytes sent, -1 queued, 0 dropped. */
export interface Transport {
  send(frame: string): number;
  /** If present, frames are handed over as objects (the HTTP service writes them as SSE events). */
  sendFrame?(frame: Record<string, unknown>): number;
  /** Bytes waiting in the socket's send buffer. */
  buffered(): number;
  /**
   * True when `send` answers -1 whenever anything is left waiting (Bun's WebSocket: checked in
   * test/server/backpressure-send.test.ts): after a send that answered > 0 nothing waits, so the
   * outbox need not ask `buffered()` before the next send (a native call per tab per frame).
   */
  readonly backpressureInSend?: boolean;
  close(code?: number, reason?: string): void;
  /** Sends a ping; the adapter calls `client.pong()` when the answer comes (round-trip time). */
  ping?(): void;
}
