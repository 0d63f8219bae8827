// The errno → error table shared by the real and the simulated bus.
import { expect, test } from "bun:test";
import { i2cError, addressBusy } from "../../src/devices/i2c/errors.ts";
import { gpioError } from "../../src/devices/gpio/errors.ts";
import { DeviceError } from "../../src/devices/device-error.ts";
import { DashDevicesError } from "../../src/core/errors.ts";
import { errnoName } from "../../src/devices/errno.ts";

const ctx = { device: "/dev/i2c-1", address: 0x76, operation: "readByte(0x76, 0xd0)" };

test.each([
  [6, "DD_I2C_NO_ACK", "no device answered at 0x76 on /dev/i2c-1 (ENXIO)"],
  [19, "DD_I2C_NO_ACK", "(ENODEV)"],
  [121, "DD_I2C_NO_ACK", "EREMOTEIO"],
  [110, "DD_I2C_TIMEOUT", "timed out (ETIMEDOUT)"],
  [11, "DD_I2C_BUS_ERROR", "EAGAIN"],
  [95, "DD_I2C_UNSUPPORTED", "cannot do readByte"],
  [13, "DD_DEVICE_PERMISSION", "adduser"],
  [5, "DD_I2C_BUS_ERROR", "(EIO)"],
])("errno %i → %s", (errno, code, text) => {
  const e = i2cError(errno, ctx);
  expect(e).toBeInstanceOf(DashDevicesError);
  expect(e.ddCode).toBe(code as never);
  expect(e.code).toBe(errnoName(errno) as never); // i2c-bus's contract: code is the errno name
  expect(e.message).toContain(`[${code}] `); // ours stays first in the message
  expect(e.message).toContain(text);
  expect(e.message).toContain("readByte(0x76, 0xd0)"); // found: names the operation
  expect(e.message).toContain("fix:");
  expect(e.errno).toBe(errno);
  expect(e.address).toBe(0x76);
});

test("the ENXIO message tells a maker what to check", () => {
  expect(i2cError(6, ctx).message).toContain(
    "check wiring (SDA, SCL, GND, power) and the address; scan the bus: ./APP i2c scan --bus 1 (or bunx dash-devices i2c scan --bus 1)",
  );
});

test("EBUSY on I2C_SLAVE: the address belongs to a kernel driver", () => {
  const e = addressBusy("/dev/i2c-1", 0x68);
  expect(e.ddCode).toBe("DD_I2C_ADDRESS_BUSY");
  expect(e.message).toContain("claimed by a kernel driver");
  expect(e.message).toContain("forceAccess");
});

test("GPIO EBUSY names the line and its holder", () => {
  const e = gpioError(16, { device: "/dev/gpiochip0", line: 17, operation: "GPIO_V2_GET_LINE_IOCTL", consumer: "led-driver" });
  expect(e.ddCode).toBe("DD_GPIO_LINE_BUSY");
  expect(e.message).toContain('line 17 of /dev/gpiochip0 is already in use by "led-driver"');
});

test("a device error without an errno keeps our code in `code`; one with an unnamed errno too", () => {
  const e = addressBusy("/dev/i2c-1", 0x68);
  expect([e.code, e.ddCode]).toEqual(["EBUSY", "DD_I2C_ADDRESS_BUSY"]);
  const unnamed = i2cError(200, ctx);
  expect([unnamed.code, unnamed.ddCode, unnamed.errno]).toEqual(["DD_I2C_BUS_ERROR", "DD_I2C_BUS_ERROR", 200]);
  const closed = new DeviceError("DD_DEVICE_CLOSED", { what: "closed" }, { device: "/dev/i2c-1" });
  expect([closed.code, closed.ddCode]).toEqual(["DD_DEVICE_CLOSED", "DD_DEVICE_CLOSED"]);
});
