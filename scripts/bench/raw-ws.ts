/**
 * @module bench/raw-ws
 * A bare WebSocket client over a TCP socket (node:net) that can stop reading: what a misbehaving
 * tab does to the server. Browsers and Bun's WebSocket always read, so they cannot show what the
 * server does when its writes back up. Used by the flood bench and by tests (re-exported from
 * test/helpers/raw-ws.ts). Only what those need: text frames out (masked, as RFC 6455 requires
 * of clients), text and close frames in.
 */

import { connect, type Socket } from "node:net";

/** A client frame (masked with a zero key: the payload bytes stay as they are) carrying `text`. */
export function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const n = payload.length;
  const head =
    n < 126
      ? Buffer.from([0x81, 0x80 | n])
      : n < 65536
        ? Buffer.from([0x81, 0x80 | 126, n >> 8, n & 255])
        : Buffer.concat([Buffer.from([0x81, 0x80 | 127]), u64(n)]);
  return Buffer.concat([head, Buffer.alloc(4), payload]);
}

function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

export class RawWs {
  /** Text frames received (while reading). */
  readonly frames: string[] = [];
  closed = false;
  /** Close code and reason from the server's close frame, if it was read. */
  closeCode: number | undefined;
  closeReason: string | undefined;
  /** When the connection ended (performance.now()), whatever ended it. */
  endedAt: number | undefined;
  private buf: Buffer = Buffer.alloc(0);

  private constructor(readonly socket: Socket) {}

  /** Opens `ws://host:port/path?query` and completes the handshake. */
  static open(url: string, headers: Record<string, string> = {}): Promise<RawWs> {
    const u = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: u.hostname, port: Number(u.port) });
      const ws = new RawWs(socket);
      let head = Buffer.alloc(0);
      let open = false;
      const extra = Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join("");
      socket.on("connect", () => {
        socket.write(
          `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ZGFzaC1kZXZpY2VzLXJhdw==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`,
        );
      });
      socket.on("data", (chunk: Buffer) => {
        if (open) return ws.onData(chunk);
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) return;
        const status = head.subarray(0, head.indexOf("\r\n")).toString();
        if (!status.includes(" 101 ")) {
          socket.destroy();
          return reject(new Error(`no WebSocket upgrade: ${status}`));
        }
        open = true;
        resolve(ws);
        if (head.length > end + 4) ws.onData(head.subarray(end + 4));
      });
      const ended = () => {
        ws.closed = true;
        ws.endedAt ??= performance.now();
      };
      socket.on("error", (e) => {
        ended();
        if (!open) reject(e);
      });
      socket.on("close", ended);
      socket.on("end", ended);
    });
  }

  /** Stops reading: the kernel buffers fill up, then the server's writes back up. */
  pauseReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    this.socket.resume();
  }

  /** Sends one text message; false when the socket's own buffer is full (wait for "drain"). */
  send(text: string): boolean {
    return this.sendFrame(textFrame(text));
  }

  /** Sends a prepared frame (see `textFrame`): for floods, one buffer written many times. */
  sendFrame(frame: Buffer): boolean {
    if (this.closed) return false;
    return this.socket.write(frame);
  }

  /** Resolves when the socket can take more (or has closed). */
  drained(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.socket.off("drain", done);
        this.socket.off("close", done);
        resolve();
      };
      this.socket.once("drain", done);
      this.socket.once("close", done);
    });
  }

  close(): void {
    this.socket.destroy();
    this.closed = true;
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      const b = this.buf;
      if (b.length < 2) return;
      const op = b[0]! & 15;
      let n = b[1]! & 127;
      let at = 2;
      if (n === 126) {
        if (b.length < 4) return;
        n = b.readUInt16BE(2);
        at = 4;
      } else if (n === 127) {
        if (b.length < 10) return;
        n = Number(b.readBigUInt64BE(2));
        at = 10;
      }
      if (b.length < at + n) return;
      const payload = b.subarray(at, at + n);
      this.buf = b.subarray(at + n);
      if (op === 1) this.frames.push(payload.toString());
      else if (op === 8) {
        this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        this.closeReason = payload.subarray(2).toString();
      }
    }
  }
}
