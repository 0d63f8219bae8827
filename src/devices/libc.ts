/**
 * @module libc
 * The few libc calls the device layer needs, through bun:ffi: `open`, `close`, `ioctl`, `read`,
 * `write`, `fcntl`, `poll`, `eventfd`, and errno through `__errno_location`. libc is opened lazily (`libc.so.6`, found
 * by the dynamic loader at run time), so importing this module costs nothing on a laptop without
 * hardware, and a `bun build --compile` binary works on any glibc Linux, x86-64 or arm64.
 *
 * Every call returns the result, or `-errno` when it failed; errno is read right after the call
 * from the thread's errno slot (its address is fetched once: it is fixed for the JS thread; the
 * device thread, a Worker, loads this module again and gets its own).
 */

import { dlopen, FFIType, read, type Pointer } from "bun:ffi";
import { DeviceError } from "./device-error.ts";

/** open(2) flags (asm-generic/fcntl.h: the same on x86-64 and arm64). */
export const O_RDONLY = 0;
export const O_RDWR = 2;
export const O_NONBLOCK = 0o4000;
export const O_CLOEXEC = 0o2000000;
export const F_GETFL = 3;
export const F_SETFL = 4;
/** poll(2) events (asm-generic/poll.h). */
export const POLLIN = 0x1;
export const POLLERR = 0x8;
export const POLLHUP = 0x10;
export const POLLNVAL = 0x20;
/** eventfd(2) flags. */
export const EFD_NONBLOCK = 0o4000;
export const EFD_CLOEXEC = 0o2000000;
const CLOCK_MONOTONIC = 1;

/**
 * Monotonic time in ns on the kernel's CLOCK_MONOTONIC, the clock of GPIO edge timestamps (so
 * `monotonicNs() - event.timestampNs` is an event's age). Bun's process.hrtime counts from process
 * start instead; it is the fallback where there is no libc.
 */
export function monotonicNs(): bigint {
  if (cached !== undefined || process.platform === "linux") {
    try {
      return libc().monotonicNs();
    } catch {
      // no glibc: fall through
    }
  }
  return process.hrtime.bigint();
}

export interface Libc {
  open(path: string, flags: number): number;
  close(fd: number): number;
  /** `arg` is a struct (a typed array, passed by pointer) or an integer (passed by value). */
  ioctl(fd: number, request: number, arg: NodeJS.TypedArray | number): number;
  read(fd: number, buf: Uint8Array, length: number): number;
  write(fd: number, buf: Uint8Array, length: number): number;
  fcntl(fd: number, cmd: number, arg: number): number;
  /** poll(2): `fds` is an array of struct pollfd (8 bytes each: int fd, short events, short revents). */
  poll(fds: Uint8Array, nfds: number, timeoutMs: number): number;
  eventfd(initval: number, flags: number): number;
  /** clock_gettime(CLOCK_MONOTONIC): the clock of the kernel's GPIO event timestamps, in ns. */
  monotonicNs(): bigint;
}

let cached: Libc | undefined;

/** The libc bindings; throws DD_DEVICE_UNAVAILABLE where there is no glibc (macOS, Windows, musl). */
export function libc(): Libc {
  return (cached ??= load());
}

function load(): Libc {
  // biome-ignore lint/suspicious/noImplicitAnyLet: not any: tsc (strict) types it from the dlopen() in the try; written out it would repeat the symbol table
  let lib;
  try {
    lib = dlopen("libc.so.6", {
      open: { args: [FFIType.cstring, FFIType.i32], returns: FFIType.i32 },
      close: { args: [FFIType.i32], returns: FFIType.i32 },
      // ioctl is variadic; on x86-64 and arm64 Linux a variadic integer/pointer travels in the same
      // register as a fixed one, so one 64-bit slot carries both struct pointers and plain ints.
      ioctl: { args: [FFIType.i32, FFIType.u64, FFIType.ptr], returns: FFIType.i32 },
      read: { args: [FFIType.i32, FFIType.ptr, FFIType.u64], returns: FFIType.i64_fast },
      write: { args: [FFIType.i32, FFIType.ptr, FFIType.u64], returns: FFIType.i64_fast },
      fcntl: { args: [FFIType.i32, FFIType.i32, FFIType.u64], returns: FFIType.i32 },
      poll: { args: [FFIType.ptr, FFIType.u64, FFIType.i32], returns: FFIType.i32 },
      eventfd: { args: [FFIType.u32, FFIType.i32], returns: FFIType.i32 },
      clock_gettime: { args: [FFIType.i32, FFIType.ptr], returns: FFIType.i32 },
      __errno_location: { args: [], returns: FFIType.ptr },
    });
  } catch (e) {
    throw new DeviceError("DD_DEVICE_UNAVAILABLE", {
      what: "the real I2C/GPIO layer needs Linux with glibc (libc.so.6), which could not be loaded",
      expected: `libc.so.6 loadable through bun:ffi on ${process.platform}/${process.arch}`,
      found: e instanceof Error ? e.message : String(e),
      fix: "run on the device (Linux), or use the simulated bus and chip: openBus(1, { sim: true })",
    });
  }
  const s = lib.symbols;
  const timespec = new BigInt64Array(2);
  const errnoPtr = s.__errno_location() as Pointer;
  const check = (r: number): number => (r < 0 ? -read.i32(errnoPtr, 0) : r);
  return {
    open: (path, flags) => check(s.open(Buffer.from(path + "\0"), flags)),
    close: (fd) => check(s.close(fd)),
    ioctl: (fd, request, arg) => check(s.ioctl(fd, request, arg as never)),
    read: (fd, buf, length) => check(Number(s.read(fd, buf, length))),
    write: (fd, buf, length) => check(Number(s.write(fd, buf, length))),
    fcntl: (fd, cmd, arg) => check(s.fcntl(fd, cmd, arg)),
    poll: (fds, nfds, timeoutMs) => check(s.poll(fds, nfds, timeoutMs)),
    eventfd: (initval, flags) => check(s.eventfd(initval, flags)),
    monotonicNs: () => {
      s.clock_gettime(CLOCK_MONOTONIC, timespec); // struct timespec: two 64-bit fields on x86-64 and arm64
      return timespec[0]! * 1_000_000_000n + timespec[1]!;
    },
  };
}
