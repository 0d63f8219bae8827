/**
 * @module gpio/linux
 * A real GPIO chip: `/dev/gpiochipN` through the kernel's character device uAPI v2 (no sysfs),
 * called with bun:ffi. Chip and line info, line requests (input with bias, output with initial
 * values, active-low, drive, edges, debounce), get/set values and reconfiguration are ioctls.
 *
 * Edge events: the kernel queues `struct gpio_v2_line_event` records (48 bytes, with a kernel
 * timestamp and sequence numbers) on the request's file descriptor, in a buffer this request asks
 * to be 1024 events deep (`eventBufferSize`; the kernel's default is 16 per line). While someone
 * listens, the device thread (thread/gpio-poller.ts) waits on that descriptor with poll(2) and posts
 * each record as it comes, so delivery does not wait for a timer and a busy event loop loses
 * nothing (its message queue grows instead of the kernel's buffer). A gap in sequence numbers is
 * reported as an "overflow" event with the count lost (lines-base.ts). The descriptor stays ours:
 * value and config ioctls (a few µs, no bus wait) run on the calling thread, so `read()` and
 * `write()` stay synchronous. `{ thread: false }` reads on a timer instead (every `pollIntervalMs`,
 * default 10), the way it was done before the device thread.
 */

import type { Logger } from "../../core/log.ts";
import { ERRNO } from "../errno.ts";
import { checkInt } from "../device-error.ts";
import { F_GETFL, F_SETFL, libc, O_CLOEXEC, O_NONBLOCK, O_RDWR } from "../libc.ts";
import { openError } from "../open-error.ts";
import { EdgeThread } from "../thread/edge-thread.ts";
import { gpioError } from "./errors.ts";
import { GpioLinesBase } from "./lines-base.ts";
import { configAttributes, flagsToInfo, normalizeOffsets, settingsToFlags, validateSettings } from "./settings.ts";
import type { EdgeBatch } from "../thread/wire.ts";
import type { Bit, GpioChip, GpioChipInfo, GpioLineInfo, GpioLines, LineRequest, LineSettings } from "./types.ts";
import * as U from "./uapi.ts";

export interface LinuxGpioOptions {
  /** Wait for edge events on the device thread (default true); false: read them on a timer. */
  thread?: boolean;
  /** `thread: false`: how often to check for edge events while someone listens (ms, default 10). */
  pollIntervalMs?: number;
  logger?: Logger;
}

export class LinuxGpioChip implements GpioChip {
  readonly simulated = false;
  readonly path: string;
  private fd: number;
  private readonly requests = new Set<LinuxGpioLines>();
  private readonly pollMs: number;
  private readonly thread: boolean;
  private readonly logger?: Logger;
  private lineCount?: number;

  /** @example const chip = new LinuxGpioChip(0); const led = chip.output(17, 0); led.write(1); */
  constructor(chip: number | string, options: LinuxGpioOptions = {}) {
    this.path = typeof chip === "number" ? `/dev/gpiochip${chip}` : chip;
    this.pollMs = options.pollIntervalMs ?? 10;
    this.thread = options.thread ?? true;
    this.logger = options.logger;
    const fd = libc().open(this.path, O_RDWR | O_CLOEXEC);
    if (fd < 0) throw openError(-fd, this.path, "gpio");
    this.fd = fd;
    try {
      this.lineCount = this.info().lines; // fails here (ENOTTY) when the file is not a GPIO chip
    } catch (e) {
      libc().close(fd);
      this.fd = -1;
      throw e;
    }
  }

  private ioctl(request: number, arg: Uint8Array, operation: string, line?: number): void {
    if (this.fd < 0) throw gpioError(ERRNO.EBADF, { device: this.path, line, operation });
    const r = libc().ioctl(this.fd, request, arg);
    if (r < 0) throw gpioError(-r, { device: this.path, line, operation });
  }

  info(): GpioChipInfo {
    const b = new Uint8Array(U.SIZEOF_CHIPINFO);
    this.ioctl(U.GPIO_GET_CHIPINFO_IOCTL, b, "GPIO_GET_CHIPINFO_IOCTL");
    return U.decodeChipInfo(b);
  }

  lineInfo(offset: number): GpioLineInfo {
    checkInt("line offset", offset, 0, (this.lineCount ?? 0x10000) - 1, { device: this.path, line: offset });
    const b = U.encodeLineInfoQuery(offset);
    this.ioctl(U.GPIO_V2_GET_LINEINFO_IOCTL, b, "GPIO_V2_GET_LINEINFO_IOCTL", offset);
    const raw = U.decodeLineInfo(b);
    return { offset: raw.offset, name: raw.name, consumer: raw.consumer, ...flagsToInfo(raw.flags, raw.attrs) };
  }

  findLine(name: string): number | undefined {
    for (let o = 0; o < (this.lineCount ?? 0); o++) if (this.lineInfo(o).name === name) return o;
    return undefined;
  }

  request(request: LineRequest): GpioLines {
    const offsets = normalizeOffsets(request.lines, this.path);
    for (const o of offsets)
      checkInt(
        "line offset",
        o,
        0,
        (this.lineCount ?? 0x10000) - 1,
        { device: this.path, line: o },
        `this chip has lines 0..${(this.lineCount ?? 1) - 1}`,
      );
    validateSettings(request, offsets.length, { device: this.path, line: offsets[0] });
    const consumer = request.consumer ?? "dash-devices";
    const depth = checkInt(
      "eventBufferSize",
      request.eventBufferSize ?? U.MAX_EVENT_BUFFER,
      1,
      U.MAX_EVENT_BUFFER,
      { device: this.path, line: offsets[0] },
      "the kernel keeps at most 1024 events per request",
    );
    const b = U.encodeLineRequest(offsets, consumer, settingsToFlags(request), configAttributes(request, offsets.length), depth);
    const r = this.fd < 0 ? -ERRNO.EBADF : libc().ioctl(this.fd, U.GPIO_V2_GET_LINE_IOCTL, b);
    if (r < 0) {
      const errno = -r;
      let holder: string | undefined;
      let line = offsets[0];
      if (errno === ERRNO.EBUSY) {
        for (const o of offsets) {
          const info = safe(() => this.lineInfo(o));
          if (info?.used) {
            line = o;
            holder = info.consumer;
            break;
          }
        }
      }
      throw gpioError(errno, { device: this.path, line, operation: "GPIO_V2_GET_LINE_IOCTL", consumer: holder });
    }
    const fd = U.requestFd(b);
    const c = libc();
    const fl = c.fcntl(fd, F_GETFL, 0);
    if (fl < 0 || c.fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
      c.close(fd);
      throw gpioError(fl < 0 ? -fl : ERRNO.EIO, { device: this.path, line: offsets[0], operation: "fcntl(O_NONBLOCK)" });
    }
    const lines = new LinuxGpioLines(this.path, fd, offsets, request, this.thread ? 0 : this.pollMs, this.logger, () =>
      this.requests.delete(lines),
    );
    this.requests.add(lines);
    return lines;
  }

  input(offset: number, settings: Omit<LineSettings, "direction" | "initial" | "drive"> = {}): GpioLines {
    return this.request({ ...settings, lines: offset, direction: "input" });
  }

  output(
    offset: number,
    initial: Bit | boolean = 0,
    settings: Omit<LineSettings, "direction" | "initial" | "edge" | "debounceMs"> = {},
  ): GpioLines {
    return this.request({ ...settings, lines: offset, direction: "output", initial });
  }

  close(): void {
    for (const r of [...this.requests]) r.release();
    if (this.fd >= 0) libc().close(this.fd);
    this.fd = -1;
  }
}

class LinuxGpioLines extends GpioLinesBase {
  private timer?: ReturnType<typeof setInterval>;
  /** Our descriptor's token on the device thread while it watches it. */
  private watching?: number;
  private readonly buf = new Uint8Array(U.SIZEOF_LINE_EVENT * 16);

  /** `pollMs` 0: edges through the device thread; otherwise read on a timer of that period. */
  constructor(
    device: string,
    private fd: number,
    offsets: readonly number[],
    settings: LineSettings,
    private readonly pollMs: number,
    logger: Logger | undefined,
    private readonly onRelease: () => void,
  ) {
    super(device, offsets, settings, logger);
  }

  private ioctl(request: number, arg: Uint8Array, operation: string): void {
    const r = libc().ioctl(this.fd, request, arg);
    if (r < 0) throw gpioError(-r, { device: this.device, line: this.offsets[0], operation });
  }

  protected doGet(mask: bigint): bigint {
    const v = U.encodeLineValues(0n, mask);
    this.ioctl(U.GPIO_V2_LINE_GET_VALUES_IOCTL, v, "GPIO_V2_LINE_GET_VALUES_IOCTL");
    return U.decodeLineValues(v) & mask;
  }

  protected doSet(bits: bigint, mask: bigint): void {
    this.ioctl(U.GPIO_V2_LINE_SET_VALUES_IOCTL, U.encodeLineValues(bits, mask), "GPIO_V2_LINE_SET_VALUES_IOCTL");
  }

  protected doReconfigure(settings: LineSettings): void {
    validateSettings(settings, this.offsets.length, { device: this.device });
    const cfg = U.encodeLineConfig(settingsToFlags(settings), configAttributes(settings, this.offsets.length));
    this.ioctl(U.GPIO_V2_LINE_SET_CONFIG_IOCTL, cfg, "GPIO_V2_LINE_SET_CONFIG_IOCTL");
  }

  protected doRelease(): void {
    this.stopPolling();
    libc().close(this.fd);
    this.fd = -1;
    this.onRelease();
  }

  protected listenersChanged(): void {
    if (this.hasListeners && !this.released && this.settings.edge && this.fd >= 0) {
      if (this.pollMs > 0) this.timer ??= setInterval(() => this.drain(), this.pollMs);
      else this.watching ??= EdgeThread.get().watch(this.fd, (b) => this.batch(b));
    } else {
      this.stopPolling();
    }
  }

  private stopPolling(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.watching !== undefined) EdgeThread.get().unwatch(this.watching);
    this.watching = undefined;
  }

  /** Records the device thread read from our descriptor. */
  private batch(b: EdgeBatch): void {
    if (this.released) return;
    for (let i = 0; i < b.ts.length; i++) {
      const [offset, id, seqno, lineSeqno] = b.ev.slice(4 * i, 4 * i + 4) as [number, number, number, number];
      this.receive({ offset, edge: id === U.LINE_EVENT_RISING_EDGE ? "rising" : "falling", timestampNs: b.ts[i]!, seqno, lineSeqno });
    }
    if (b.errno !== undefined) {
      this.watching = undefined;
      this.fail(gpioError(b.errno, { device: this.device, line: this.offsets[0], operation: "read(edge events)" }));
    }
  }

  /** Read every queued event without blocking; EAGAIN means the queue is empty. */
  private drain(): void {
    for (;;) {
      if (this.fd < 0) return;
      const r = libc().read(this.fd, this.buf, this.buf.length);
      if (r === -ERRNO.EAGAIN) return;
      if (r < 0) {
        this.stopPolling();
        this.fail(gpioError(-r, { device: this.device, line: this.offsets[0], operation: "read(edge events)" }));
        return;
      }
      for (let at = 0; at + U.SIZEOF_LINE_EVENT <= r; at += U.SIZEOF_LINE_EVENT) {
        const e = U.decodeLineEvent(this.buf, at);
        this.receive({
          offset: e.offset,
          edge: e.id === U.LINE_EVENT_RISING_EDGE ? "rising" : "falling",
          timestampNs: e.timestampNs,
          seqno: e.seqno,
          lineSeqno: e.lineSeqno,
        });
      }
      if (r < this.buf.length) return;
    }
  }
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
