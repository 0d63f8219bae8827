/**
 * @module thread/device-thread
 * The device thread: a Bun Worker whose first message gives it one job, either one I2C bus (the
 * calls of that bus run here, see i2c-host.ts) or the GPIO edge watcher (poll(2) on the line
 * request descriptors, see gpio-poller.ts). bun:ffi works in a Worker as on the main thread, and a
 * blocking ioctl or poll here leaves the main thread's event loop free.
 *
 * This file is a Worker entry point: `bun build --compile` must be given it as an extra entry
 * (`dash-devices build` does that; see locate.ts for how the thread finds it in an executable).
 */

import { serveI2C } from "./i2c-host.ts";
import { runGpioPoller } from "./gpio-poller.ts";
import { errorToWire, type CallRequest, type StartMessage } from "./wire.ts";

declare const self: Worker;

let handle: ((req: CallRequest) => void) | undefined;

self.onmessage = (ev: MessageEvent) => {
  if (handle) return handle(ev.data as CallRequest);
  const start = ev.data as StartMessage;
  try {
    if (start.role === "i2c") {
      handle = serveI2C(start, (m) => postMessage(m));
      postMessage({ ready: true });
    } else if (start.role === "gpio") {
      handle = () => {};
      postMessage({ ready: true });
      runGpioPoller(start, (m) => postMessage(m));
    }
  } catch (e) {
    postMessage({ started: false, error: errorToWire(e) });
  }
};
