/**
 * @module errno
 * Linux errno numbers and what they mean for a maker at a bench. The numbers come from
 * asm-generic/errno-base.h and asm-generic/errno.h, which x86-64 and arm64 share.
 */

/** errno values the device layer names in its messages. */
export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  ENODEV: 19,
  EINVAL: 22,
  ENOTTY: 25,
  ENOSYS: 38,
  EPROTO: 71,
  EBADMSG: 74,
  EOPNOTSUPP: 95,
  ESHUTDOWN: 108,
  ETIMEDOUT: 110,
  EREMOTEIO: 121,
} as const;

export type ErrnoName = keyof typeof ERRNO;

const TEXT: Record<number, string> = {
  1: "operation not permitted",
  2: "no such file or directory",
  4: "interrupted system call",
  5: "input/output error",
  6: "no such device or address",
  9: "bad file descriptor",
  11: "resource temporarily unavailable",
  12: "out of memory",
  13: "permission denied",
  14: "bad address",
  16: "device or resource busy",
  19: "no such device",
  22: "invalid argument",
  25: "inappropriate ioctl for device",
  38: "function not implemented",
  71: "protocol error",
  74: "bad message",
  95: "operation not supported",
  108: "cannot send after transport endpoint shutdown",
  110: "connection timed out",
  121: "remote I/O error",
};

const NAMES = new Map<number, string>(Object.entries(ERRNO).map(([k, v]) => [v, k]));

/** `6` → `"ENXIO"`; unknown numbers → `"errno 200"`. */
export function errnoName(errno: number): string {
  return NAMES.get(errno) ?? `errno ${errno}`;
}

/** Whether {@link errnoName} has a name for this number. */
export function isKnownErrno(errno: number): boolean {
  return NAMES.has(errno);
}

/** `6` → `"ENXIO: no such device or address"`. */
export function describeErrno(errno: number): string {
  const text = TEXT[errno];
  return text ? `${errnoName(errno)}: ${text}` : errnoName(errno);
}

/**
 * What a low-level call throws: just the errno and the call. The bus and chip classes turn it into
 * a {@link DeviceError} with the context (bus, address, operation) a person needs.
 */
export class ErrnoFault extends Error {
  constructor(
    readonly errno: number,
    readonly call: string,
  ) {
    super(`${call}: ${describeErrno(errno)}`);
    this.name = "ErrnoFault";
  }
}
