/**
 * @module gpio/errors
 * GPIO errno → a {@link DeviceError} naming the chip, the line and who holds it. Shared by the real
 * and the simulated chip so both raise the same codes.
 */

import { describeErrno, ERRNO } from "../errno.ts";
import { DeviceError } from "../device-error.ts";

export interface GpioErrorContext {
  device: string;
  line?: number;
  operation: string;
  /** Current holder of the line, for EBUSY. */
  consumer?: string;
}

export function gpioError(errno: number, ctx: GpioErrorContext): DeviceError {
  const found = `${describeErrno(errno)} from ${ctx.operation}`;
  const c = { device: ctx.device, line: ctx.line, errno, operation: ctx.operation };
  const what = ctx.line === undefined ? ctx.device : `line ${ctx.line} of ${ctx.device}`;
  switch (errno) {
    case ERRNO.EBUSY:
      return new DeviceError(
        "DD_GPIO_LINE_BUSY",
        {
          what: `${what} is already in use${ctx.consumer ? ` by "${ctx.consumer}"` : ""}`,
          expected: "a free line",
          found,
          fix: "release it first (lines.release()), stop the other program (see gpioinfo), or remove the kernel driver/overlay that claims it",
        },
        c,
      );
    case ERRNO.EINVAL:
      return new DeviceError(
        "DD_DEVICE_BAD_ARG",
        {
          what: `the kernel refused the configuration of ${what}`,
          expected: "a line offset below the chip's line count and a configuration the chip supports",
          found,
          fix: "check chip.info().lines and the requested settings",
        },
        c,
      );
    case ERRNO.EOPNOTSUPP:
    case ERRNO.ENOTTY:
      return new DeviceError(
        "DD_DEVICE_IO",
        {
          what:
            errno === ERRNO.ENOTTY
              ? `${ctx.device} is not a GPIO character device, or its kernel lacks uAPI v2`
              : `the GPIO chip cannot do this for ${what} (e.g. this bias or debounce)`,
          expected: errno === ERRNO.ENOTTY ? "a /dev/gpiochipN of a kernel 5.10 or newer" : "a setting the chip's driver supports",
          found,
          fix:
            errno === ERRNO.ENOTTY
              ? "open a /dev/gpiochipN (ls /dev/gpiochip*) on Linux 5.10+"
              : "leave the setting out or use an external resistor / software debounce",
        },
        c,
      );
    case ERRNO.EACCES:
    case ERRNO.EPERM:
      return new DeviceError(
        "DD_DEVICE_PERMISSION",
        {
          what: `permission denied for ${what}`,
          expected: "access to the GPIO chip (and a line direction allowing the operation)",
          found,
          fix: "add the user to the gpio group (sudo adduser $USER gpio), and only write to lines requested as outputs",
        },
        c,
      );
    case ERRNO.ENODEV:
      return new DeviceError(
        "DD_DEVICE_NOT_FOUND",
        {
          what: `${ctx.device} went away`,
          expected: "the GPIO chip to stay present",
          found,
          fix: "check the board/expander providing the chip is still connected",
        },
        c,
      );
    default:
      return new DeviceError(
        "DD_DEVICE_IO",
        {
          what: `GPIO ${ctx.operation} on ${what} failed`,
          expected: "the ioctl to succeed",
          found,
          fix: "check the chip and line; retry",
        },
        c,
      );
  }
}
