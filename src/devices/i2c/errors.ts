/**
 * @module i2c/errors
 * Kernel I2C errno → a {@link DeviceError} that names the bus, the address, the errno and its
 * meaning, and says what to check. One table for the real and the simulated bus, so both raise the
 * same codes. Meanings follow the kernel's Documentation/i2c/fault-codes.rst; EREMOTEIO is what
 * several adapters (the Raspberry Pi's among them) return for a NAK.
 */

import { describeErrno, ERRNO } from "../errno.ts";
import { DeviceError, hex } from "../device-error.ts";

export interface I2CErrorContext {
  device: string;
  address?: number;
  operation: string;
}

/** Turn an errno from an I2C transfer into the error a person can act on. */
export function i2cError(errno: number, ctx: I2CErrorContext): DeviceError {
  const at = ctx.address === undefined ? ctx.device : `${hex(ctx.address)} on ${ctx.device}`;
  const found = `${describeErrno(errno)} from ${ctx.operation}`;
  const c = { device: ctx.device, address: ctx.address, errno, operation: ctx.operation };
  const scan = `scan the bus: ./APP i2c scan --bus ${busNumber(ctx.device)} (or bunx dash-devices i2c scan --bus ${busNumber(ctx.device)})`;
  switch (errno) {
    case ERRNO.ENXIO:
    case ERRNO.ENODEV:
      return new DeviceError(
        "DD_I2C_NO_ACK",
        {
          what: `no device answered at ${at} (${errnoNameOf(errno)})`,
          expected: `a device acknowledging address ${hex(ctx.address ?? 0)}`,
          found,
          fix: `check wiring (SDA, SCL, GND, power) and the address; ${scan}`,
        },
        c,
      );
    case ERRNO.EREMOTEIO:
      return new DeviceError(
        "DD_I2C_NO_ACK",
        {
          what: `the device at ${at} did not acknowledge (EREMOTEIO): missing, unplugged mid-transfer, or it refused a byte`,
          expected: `a device acknowledging address ${hex(ctx.address ?? 0)} and every byte sent to it`,
          found,
          fix: `check wiring and power, that the device is present (${scan}), and that the register exists`,
        },
        c,
      );
    case ERRNO.ETIMEDOUT:
      return new DeviceError(
        "DD_I2C_TIMEOUT",
        {
          what: `the I2C transfer to ${at} timed out (ETIMEDOUT): the bus is held low or the device stretches the clock too long`,
          expected: "the transfer to complete within the adapter's timeout",
          found,
          fix: "check the pull-up resistors and for a device holding SDA/SCL low; power-cycle the device",
        },
        c,
      );
    case ERRNO.EAGAIN:
    case ERRNO.EBUSY:
      return new DeviceError(
        "DD_I2C_BUS_ERROR",
        {
          what: `the I2C bus ${ctx.device} was busy (${errnoNameOf(errno)}: lost arbitration or another master) talking to ${at}`,
          expected: "a free bus",
          found,
          fix: "retry; if it persists, look for a second master or a stuck device on the bus",
        },
        c,
      );
    case ERRNO.EOPNOTSUPP:
    case ERRNO.ENOSYS:
      return new DeviceError(
        "DD_I2C_UNSUPPORTED",
        {
          what: `the adapter of ${ctx.device} cannot do ${ctx.operation.replace(/\(.*/, "")} (${errnoNameOf(errno)})`,
          expected: "an operation the adapter supports (see bus.i2cFuncs())",
          found,
          fix: "use an SMBus call the adapter lists in i2cFuncs() (e.g. readI2cBlock instead of i2cRead), or another bus",
        },
        c,
      );
    case ERRNO.ENOTTY:
      return new DeviceError(
        "DD_DEVICE_NOT_FOUND",
        {
          what: `${ctx.device} is not an I2C adapter (ENOTTY)`,
          expected: "an i2c-dev character device such as /dev/i2c-1",
          found,
          fix: "open /dev/i2c-N (load the i2c-dev module: modprobe i2c-dev)",
        },
        c,
      );
    case ERRNO.EACCES:
    case ERRNO.EPERM:
      return new DeviceError(
        "DD_DEVICE_PERMISSION",
        {
          what: `permission denied on ${ctx.device}`,
          expected: "read/write access to the device file",
          found,
          fix: "add the user to the i2c group (sudo adduser $USER i2c) and log in again",
        },
        c,
      );
    default:
      return new DeviceError(
        "DD_I2C_BUS_ERROR",
        {
          what: `I2C transfer to ${at} failed (${errnoNameOf(errno)})`,
          expected: "a completed transfer",
          found,
          fix: "check wiring, pull-ups and power; retry the operation",
        },
        c,
      );
  }
}

/** Error for I2C_SLAVE failing with EBUSY: a kernel driver owns the address. */
export function addressBusy(device: string, address: number): DeviceError {
  return new DeviceError(
    "DD_I2C_ADDRESS_BUSY",
    {
      what: `address ${hex(address)} on ${device} is claimed by a kernel driver (EBUSY)`,
      expected: "an address no kernel driver has bound",
      found: `${describeErrno(ERRNO.EBUSY)} from ioctl(I2C_SLAVE, ${hex(address)})`,
      fix: "unbind the kernel driver (or remove its dtoverlay), or open the bus with { forceAccess: true } if you know both can share it",
    },
    { device, address, errno: ERRNO.EBUSY, operation: `setAddress(${hex(address)})` },
  );
}

function errnoNameOf(errno: number): string {
  return describeErrno(errno).split(":")[0]!;
}

function busNumber(device: string): string {
  return /(\d+)$/.exec(device)?.[1] ?? "N";
}
