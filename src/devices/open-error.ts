/**
 * @module open-error
 * The error for a device file that could not be opened (`/dev/i2c-N`, `/dev/gpiochipN`): missing,
 * not permitted, or busy, with the fix for each on a Raspberry Pi-class board.
 */

import { describeErrno, ERRNO } from "./errno.ts";
import { DeviceError } from "./device-error.ts";

export type DeviceKind = "i2c" | "gpio";

export function openError(errno: number, path: string, kind: DeviceKind): DeviceError {
  const found = `${describeErrno(errno)} from open("${path}")`;
  const ctx = { device: path, errno, operation: `open(${path})` };
  const list = kind === "i2c" ? "ls /dev/i2c-*" : "ls /dev/gpiochip*";
  if (errno === ERRNO.ENOENT || errno === ERRNO.ENODEV || errno === ERRNO.ENXIO) {
    return new DeviceError(
      "DD_DEVICE_NOT_FOUND",
      {
        what: kind === "i2c" ? `no I2C bus ${path}` : `no GPIO chip ${path}`,
        expected: `the device file ${path}`,
        found,
        fix:
          kind === "i2c"
            ? `enable I2C (sudo raspi-config nonint do_i2c 0, or dtparam=i2c_arm=on in config.txt) and load i2c-dev (sudo modprobe i2c-dev); see which buses exist with: ${list}; or simulate it: openBus(n, { sim: true }), or --sim with scripts/i2c-*.ts`
            : `see which chips exist with: ${list} (a Raspberry Pi 5's header is gpiochip4 on older kernels, gpiochip0 on newer); or simulate it: openGpioChip(n, { sim: true })`,
      },
      ctx,
    );
  }
  if (errno === ERRNO.EACCES || errno === ERRNO.EPERM) {
    const group = kind === "i2c" ? "i2c" : "gpio";
    return new DeviceError(
      "DD_DEVICE_PERMISSION",
      {
        what: `permission denied opening ${path}`,
        expected: `read/write access to ${path}`,
        found,
        fix: `add the user to the ${group} group (sudo adduser $USER ${group}) and log in again, or run as root`,
      },
      ctx,
    );
  }
  if (errno === ERRNO.EBUSY) {
    return new DeviceError(
      "DD_DEVICE_IO",
      {
        what: `${path} is busy`,
        expected: `${path} free to open`,
        found,
        fix: "stop the other program using it",
      },
      ctx,
    );
  }
  return new DeviceError(
    "DD_DEVICE_IO",
    {
      what: `could not open ${path}`,
      expected: `${path} to open read/write`,
      found,
      fix: `check the device file exists and is a ${kind === "i2c" ? "i2c-dev" : "GPIO character"} device: ${list}`,
    },
    ctx,
  );
}
