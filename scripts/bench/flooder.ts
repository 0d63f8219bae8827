/**
 * @module bench/flooder
 * Child process for the flood part: one socket that sends invalid messages as fast as the
 * server takes them and never reads what comes back (a broken or hostile tab). It reports how
 * many it sent and when the server ended the connection, if it did.
 */

import { emit, serveRequests } from "./proc.ts";
import { RawWs, textFrame } from "./raw-ws.ts";
import { QUERY } from "../../src/core/wire.ts";

let open: RawWs | undefined;

serveRequests({
  /** Floods for `seconds`; the socket stays open (if the server let it) until `close`. */
  async flood(m) {
    const base = String(m.url);
    const seconds = Number(m.seconds);
    const ws = (open = await RawWs.open(`${base.replace(/^http/, "ws")}/ws?${QUERY.version}=0`, { Origin: base }));
    await Bun.sleep(50); // the first frame (the tab's first calls) arrives, then reading stops
    ws.pauseReading();
    // An unknown control with a message number: refused with DD_UNKNOWN_ID and an ack.
    const frames = Array.from({ length: 64 }, (_, i) =>
      textFrame(
        JSON.stringify({
          nope: String(i),
          headers: {
            "HX-Request": "true",
            "HX-Source": "div#nope",
            "HX-Current-URL": `${base}/`,
            "HX-Target": "div#nope",
            "DD-Seq": String(i + 1),
          },
        }),
      ),
    );
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    let sent = 0;
    while (performance.now() < end && !ws.closed) {
      let ok = true;
      for (let i = 0; i < 64 && ok; i++) {
        ok = ws.sendFrame(frames[i]!);
        sent++;
      }
      if (!ok) await Promise.race([ws.drained(), Bun.sleep(Math.max(1, end - performance.now()))]);
      else await new Promise((r) => setImmediate(r));
    }
    const endedMs = ws.endedAt !== undefined ? ws.endedAt - t0 : undefined;
    return { sent, endedMs };
  },
  close() {
    open?.close();
    open = undefined;
    return {};
  },
});

emit("ready", { pid: process.pid });
