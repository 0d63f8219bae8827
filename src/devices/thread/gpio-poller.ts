/**
 * @module thread/gpio-poller
 * The device thread's GPIO edge watcher: poll(2) on every watched line request descriptor and an
 * eventfd, read the kernel's `gpio_v2_line_event` records the moment they are queued, and post
 * them to the main thread with their kernel timestamps and sequence numbers. Nothing is lost on
 * the way while the main thread is busy: its message queue grows instead of the kernel's 1,024-
 * event buffer overflowing. Watch/unwatch commands come through a shared ring (wire.ts), since this
 * thread reads no messages while it sits in poll.
 */

import { ERRNO } from "../errno.ts";
import { libc, POLLERR, POLLHUP, POLLIN, POLLNVAL } from "../libc.ts";
import { decodeLineEvent, SIZEOF_LINE_EVENT } from "../gpio/uapi.ts";
import { CMD_STOP, CMD_UNWATCH, CMD_WATCH, RING, RING_BASE, type EdgeBatch, type StartMessage } from "./wire.ts";

/** How long one poll waits with nothing happening (ms): the thread also yields to its event loop then. */
const IDLE_POLL_MS = 500;

export function runGpioPoller(start: Extract<StartMessage, { role: "gpio" }>, post: (b: EdgeBatch) => void): void {
  const c = libc();
  const ctl = new Int32Array(start.ctl);
  const watched = new Map<number, number>(); // token → fd
  let order: Array<[number, number]> = []; // [token, fd] in pollfd order after the eventfd
  let fds = new Uint8Array(8);
  const records = new Uint8Array(SIZEOF_LINE_EVENT * 64);
  const counter = new Uint8Array(8);
  let running = true;

  const rebuild = () => {
    order = [...watched];
    fds = new Uint8Array(8 * (1 + order.length));
    const v = new DataView(fds.buffer);
    [start.eventFd, ...order.map(([, fd]) => fd)].forEach((fd, i) => {
      v.setInt32(8 * i, fd, true);
      v.setInt16(8 * i + 4, POLLIN, true);
    });
  };

  const commands = () => {
    let done = Atomics.load(ctl, 1);
    const written = Atomics.load(ctl, 0);
    if (done === written) return;
    while (done < written) {
      const at = RING_BASE + 3 * (done % RING);
      const [op, fd, token] = [ctl[at]!, ctl[at + 1]!, ctl[at + 2]!];
      if (op === CMD_WATCH) watched.set(token, fd);
      else if (op === CMD_UNWATCH) watched.delete(token);
      else if (op === CMD_STOP) running = false;
      done++;
    }
    rebuild();
    Atomics.store(ctl, 1, done);
    Atomics.notify(ctl, 1);
  };

  const drain = (token: number, fd: number): void => {
    const batch: EdgeBatch = { token, ev: [], ts: [] };
    for (;;) {
      const r = c.read(fd, records, records.length);
      if (r === -ERRNO.EAGAIN) break;
      if (r < 0) {
        batch.errno = -r;
        watched.delete(token);
        rebuild();
        break;
      }
      for (let at = 0; at + SIZEOF_LINE_EVENT <= r; at += SIZEOF_LINE_EVENT) {
        const e = decodeLineEvent(records, at);
        batch.ev.push(e.offset, e.id, e.seqno, e.lineSeqno);
        batch.ts.push(e.timestampNs);
      }
      if (r < records.length) break;
    }
    if (batch.ev.length || batch.errno !== undefined) post(batch);
  };

  const turn = () => {
    // Several polls per turn, then a turn of this thread's event loop (so `terminate` can land).
    for (let k = 0; k < 256 && running; k++) {
      commands();
      const n = c.poll(fds, 1 + order.length, IDLE_POLL_MS);
      if (n === 0) break;
      if (n < 0) continue; // EINTR
      const v = new DataView(fds.buffer);
      if (v.getInt16(6, true) & POLLIN) c.read(start.eventFd, counter, 8);
      const ready = order.map(([token, fd], i) => [token, fd, v.getInt16(8 * (i + 1) + 6, true)] as const).filter(([, , rev]) => rev !== 0);
      for (const [token, fd, rev] of ready) {
        if (!watched.has(token)) continue;
        if (rev & POLLIN) drain(token, fd);
        else if (rev & (POLLERR | POLLHUP | POLLNVAL)) {
          watched.delete(token);
          rebuild();
          post({ token, ev: [], ts: [], errno: rev & POLLNVAL ? ERRNO.EBADF : ERRNO.EIO });
        }
      }
    }
    commands();
    if (running) setTimeout(turn, 0);
  };
  rebuild();
  turn();
}
