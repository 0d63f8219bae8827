// The real (bun:ffi) path on a machine without I2C/GPIO hardware: open() and ioctl() really run
// against libc, errno is read back, and the errors name the device, the errno and the fix.
import { describe, expect, test } from "bun:test";
import { DeviceError, LinuxGpioChip, LinuxI2CBus, openBus, openGpioChip, SimGpioChip, SimI2CBus } from "../../src/devices/index.ts";
import { memoryLogger } from "../../src/core/log.ts";
import { thrown } from "../helpers/errors.ts";
import { libc, O_RDWR } from "../../src/devices/libc.ts";
import { existsSync } from "node:fs";

const caught = (fn: () => unknown) => thrown(fn, DeviceError);

describe("libc through bun:ffi", () => {
  test("open of a missing file returns -ENOENT; ioctl on /dev/null returns -ENOTTY", () => {
    const c = libc();
    expect(c.open("/nonexistent/i2c-7", O_RDWR)).toBe(-2);
    const fd = c.open("/dev/null", O_RDWR);
    expect(fd).toBeGreaterThanOrEqual(0);
    expect(c.ioctl(fd, 0x0705, new Uint8Array(8))).toBe(-25);
    expect(c.ioctl(fd, 0x0703, 0x76)).toBe(-25); // an integer argument, passed by value
    expect(c.write(fd, Uint8Array.of(1, 2, 3), 3)).toBe(3);
    expect(c.close(fd)).toBe(0);
    expect(c.close(fd)).toBe(-9); // EBADF: errno really comes from this call
  });
});

const missingI2C = !existsSync("/dev/i2c-99");
describe("LinuxI2CBus without hardware", () => {
  test.skipIf(!missingI2C)("a missing bus: DD_DEVICE_NOT_FOUND with ENOENT, the path and how to enable I2C", () => {
    const e = caught(() => new LinuxI2CBus(99));
    expect(e.ddCode).toBe("DD_DEVICE_NOT_FOUND");
    expect(e.errnoName).toBe("ENOENT");
    expect(e.device).toBe("/dev/i2c-99");
    expect(e.message).toContain("no I2C bus /dev/i2c-99");
    expect(e.message).toContain("dtparam=i2c_arm=on");
  });

  test("a file that is not an I2C adapter fails at open with ENOTTY, not at the first transfer", () => {
    const e = caught(() => new LinuxI2CBus("/dev/null"));
    expect(e.ddCode).toBe("DD_DEVICE_NOT_FOUND");
    expect(e.errnoName).toBe("ENOTTY");
    expect(e.message).toContain("/dev/null is not an I2C adapter");
  });
});

describe("openBus", () => {
  test.skipIf(!missingI2C)("{ sim: false } insists on the real bus and says why it is missing", () => {
    const e = caught(() => openBus(99, { sim: false }));
    expect(e.ddCode).toBe("DD_DEVICE_NOT_FOUND");
    expect(e.message).toContain("/dev/i2c-99");
  });

  test.skipIf(!missingI2C)("by default a missing bus falls back to a simulated one, and says so in the log", () => {
    const logger = memoryLogger();
    const bus = openBus(99, { logger });
    expect(bus).toBeInstanceOf(SimI2CBus);
    expect(bus.path).toBe("sim:i2c-99");
    expect(logger.lines.join("\n")).toContain("i2c.simulated");
    expect(logger.lines.join("\n")).toContain("/dev/i2c-99");
  });

  test("{ sim: true } simulates even where the device file exists; simDevices are attached", async () => {
    const logger = memoryLogger();
    const dev = { write() {}, read: (n: number) => new Uint8Array(n).fill(7) };
    const bus = openBus("/dev/null", { sim: true, simDevices: { 0x33: dev }, logger });
    expect(bus.simulated).toBe(true);
    expect(await bus.readByte(0x33, 0)).toBe(7);
    expect(logger.lines).toEqual([]);
  });

  test("DASH_DEVICES_SIM=1 makes the default simulate, without touching /dev", () => {
    const old = process.env.DASH_DEVICES_SIM;
    process.env.DASH_DEVICES_SIM = "1";
    try {
      expect(openBus("/dev/null")).toBeInstanceOf(SimI2CBus);
      expect(() => openBus("/dev/null", { sim: false })).toThrow(DeviceError); // explicit real still wins
    } finally {
      if (old === undefined) delete process.env.DASH_DEVICES_SIM;
      else process.env.DASH_DEVICES_SIM = old;
    }
  });

  test("a passed SimI2CBus is used as is; a bad bus number is refused", () => {
    const sim = new SimI2CBus();
    expect(openBus(1, { sim })).toBe(sim);
    expect(caught(() => openBus(-1)).ddCode).toBe("DD_DEVICE_BAD_ARG");
  });
});

describe("LinuxGpioChip / openGpioChip without hardware", () => {
  test("a file that is not a GPIO chip: ENOTTY, named", () => {
    const e = caught(() => new LinuxGpioChip("/dev/null"));
    expect(e.ddCode).toBe("DD_DEVICE_IO");
    expect(e.errnoName).toBe("ENOTTY");
    expect(e.message).toContain("/dev/null is not a GPIO character device");
  });

  test.skipIf(existsSync("/dev/gpiochip99"))("missing chip: DD_DEVICE_NOT_FOUND with { sim: false }, a simulated chip by default", () => {
    const e = caught(() => openGpioChip(99, { sim: false }));
    expect(e.ddCode).toBe("DD_DEVICE_NOT_FOUND");
    expect(e.message).toContain("no GPIO chip /dev/gpiochip99");
    const logger = memoryLogger();
    const chip = openGpioChip(99, { logger, simOptions: { lines: 4 } });
    expect(chip).toBeInstanceOf(SimGpioChip);
    expect(chip.info()).toEqual({ name: "gpiochip99", label: "dash-devices-sim", lines: 4 });
    expect(logger.lines.join("\n")).toContain("gpio.simulated");
  });
});
