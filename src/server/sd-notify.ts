/**
 * @module sd-notify
 * systemd's notify protocol, for a unit with `Type=notify` and `WatchdogSec=`: `READY=1` once the
 * server listens, `WATCHDOG=1` from the event loop at half the watchdog interval (a blocked loop
 * stops the pings and systemd restarts the service), `STOPPING=1` on a clean stop. Outside systemd
 * (no `NOTIFY_SOCKET`) every call does nothing.
 *
 * A notification is one datagram on the unix socket named by `NOTIFY_SOCKET` (a path, or an
 * abstract name written with a leading `@`). Neither node:dgram (udp4/udp6 only) nor
 * Bun.udpSocket (host and port only) sends unix datagrams, so this calls libc's `socket` and
 * `sendto` through bun:ffi, as the device layer does (src/devices/libc.ts; kept apart so the
 * server never loads the device layer). The socket is non-blocking: a full socket drops a ping
 * instead of stalling the loop.
 *
 * @example
 * const sd = systemdNotifier(log);   // reads NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID
 * sd.ready();                        // after listen(): READY=1, then WATCHDOG=1 every WATCHDOG_USEC/2
 * sd.stopping();                     // STOPPING=1, pings end
 */

import { dlopen, FFIType, read, type Pointer } from "bun:ffi";
import type { Logger } from "../core/log.ts";

const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const MSG_NOSIGNAL = 0x4000;
/** sizeof(struct sockaddr_un): sa_family_t (2 bytes) + sun_path[108]. */
const SUN_PATH = 108;

/** The unix datagram sender: `send` returns 0 or -errno. */
export interface NotifySocket {
  send(message: string): number;
  close(): void;
}

/** Encodes NOTIFY_SOCKET as a sockaddr_un and its length; undefined for names that cannot be one. */
export function sockaddrUn(name: string): { addr: Uint8Array; length: number } | undefined {
  const path = Buffer.from(name.startsWith("@") ? `\0${name.slice(1)}` : name, "utf8");
  const abstract = name.startsWith("@");
  // A path needs its NUL; an abstract name is exactly its bytes (its length says where it ends).
  if (path.length === 0 || path.length + (abstract ? 0 : 1) > SUN_PATH) return undefined;
  if (!abstract && !name.startsWith("/")) return undefined;
  const addr = new Uint8Array(2 + SUN_PATH);
  new DataView(addr.buffer).setUint16(0, AF_UNIX, true); // sa_family_t in host order: x86-64 and arm64 are little-endian
  addr.set(path, 2);
  return { addr, length: 2 + path.length + (abstract ? 0 : 1) };
}

/** Opens a unix datagram socket aimed at `name` (NOTIFY_SOCKET); throws when libc cannot be loaded. */
export function openNotifySocket(name: string): NotifySocket {
  const to = sockaddrUn(name);
  if (!to)
    throw new Error(`NOTIFY_SOCKET ${JSON.stringify(name)} is not an absolute path or @abstract name of at most ${SUN_PATH - 1} bytes`);
  const lib = dlopen("libc.so.6", {
    socket: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
    sendto: { args: [FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i64_fast },
    close: { args: [FFIType.i32], returns: FFIType.i32 },
    __errno_location: { args: [], returns: FFIType.ptr },
  });
  const s = lib.symbols;
  const errnoPtr = s.__errno_location() as Pointer;
  const fd = s.socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    const errno = read.i32(errnoPtr, 0);
    lib.close();
    throw new Error(`socket(AF_UNIX, SOCK_DGRAM) failed: errno ${errno}`);
  }
  let open = true;
  return {
    send(message) {
      if (!open) return -9; // EBADF
      const buf = Buffer.from(message, "utf8");
      const r = Number(s.sendto(fd, buf, buf.length, MSG_NOSIGNAL, to.addr, to.length));
      return r < 0 ? -read.i32(errnoPtr, 0) : 0;
    },
    close() {
      if (!open) return;
      open = false;
      s.close(fd);
      lib.close();
    },
  };
}

export interface SystemdNotifier {
  /** Whether systemd is listening (NOTIFY_SOCKET was set and the socket opened). */
  readonly active: boolean;
  /** The ping interval in ms (half of WatchdogSec), or undefined without a watchdog. */
  readonly watchdogMs: number | undefined;
  /** READY=1, and starts the watchdog pings. Once; later calls do nothing. */
  ready(status?: string): void;
  /** STOPPING=1 and the pings end. */
  stopping(): void;
}

/**
 * The process's notifier, from `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` (a watchdog
 * meant for another process is ignored, as sd_watchdog_enabled does). Failures are logged once
 * and never stop the app: a missed READY=1 shows as a start timeout in `systemctl status`.
 */
export function systemdNotifier(log: Logger, env: Record<string, string | undefined> = process.env): SystemdNotifier {
  const name = env.NOTIFY_SOCKET;
  const usec = Number(env.WATCHDOG_USEC);
  const forUs = !env.WATCHDOG_PID || Number(env.WATCHDOG_PID) === process.pid;
  const watchdogMs = name && forUs && Number.isFinite(usec) && usec > 0 ? Math.max(1, Math.floor(usec / 2000)) : undefined;
  let socket: NotifySocket | undefined;
  if (name) {
    try {
      socket = openNotifySocket(name);
    } catch (e) {
      log.warn("systemd.notify-unavailable", { socket: name, error: e instanceof Error ? e.message : String(e) });
    }
  }
  let timer: ReturnType<typeof setInterval> | undefined;
  let readySent = false;
  let failures = 0;
  const send = (msg: string) => {
    const r = socket?.send(msg) ?? 0;
    // Logged once: a dead socket would otherwise write a line every few seconds.
    if (r < 0 && failures++ === 0) log.warn("systemd.notify-failed", { socket: name, message: msg.split("\n")[0], errno: -r });
  };
  return {
    active: !!socket,
    watchdogMs,
    ready(status) {
      if (!socket || readySent) return;
      readySent = true;
      send(status ? `READY=1\nSTATUS=${status}` : "READY=1");
      if (watchdogMs !== undefined) {
        send("WATCHDOG=1");
        // A timer on the event loop: when a callback blocks the loop, the pings stop.
        timer = setInterval(() => send("WATCHDOG=1"), watchdogMs);
        timer.unref?.();
        log.info("systemd.watchdog", { intervalMs: watchdogMs * 2, pingMs: watchdogMs });
      }
    },
    stopping() {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (socket) send("STOPPING=1");
    },
  };
}
