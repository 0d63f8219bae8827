/**
 * @module devices
 * The device layer's public API: I2C buses (real through bun:ffi, or simulated), GPIO through the
 * Linux character device (or simulated), drivers for common breakout boards, simulated chips to run
 * them without hardware, and the safe state an app falls back to. Nothing in src/core imports this.
 */

export { DeviceError, type DeviceErrorContext } from "./device-error.ts";
export { ERRNO, errnoName, describeErrno } from "./errno.ts";
export { monotonicNs } from "./libc.ts";

export { I2CBusBase, decodeFuncs, type ProbeResult } from "./i2c/base.ts";
export { LinuxI2CBus, type LinuxI2COptions } from "./i2c/linux.ts";
export { SimI2CBus, type SimI2CDevice, type SimFaultKind, type SimFaultOptions, type SimI2CBusOptions } from "./i2c/sim.ts";
export { RegisterChip, type RegisterChipOptions } from "./i2c/register-chip.ts";
export { openBus, openI2C, type OpenBusOptions } from "./i2c/open.ts";
export { ThreadedI2CBus, type ThreadedI2CBusOptions } from "./thread/i2c-thread-bus.ts";
export type { SimBusSpec, SimChipSpec } from "./thread/sim-spec.ts";
export { I2C_FUNCS_FULL, I2C_FUNCS_SMBUS_ONLY, type I2CMessage } from "./i2c/uapi.ts";
export type { PromisifiedBus, I2CBus, I2CFuncs, I2CDeviceId, BytesRead, BytesWritten } from "i2c-bus";

export type {
  Bit,
  Bias,
  Direction,
  Drive,
  EdgeDetection,
  EdgeEvent,
  OverflowEvent,
  GpioChip,
  GpioChipInfo,
  GpioLineInfo,
  GpioLines,
  LineRequest,
  LineSettings,
} from "./gpio/types.ts";
export { LinuxGpioChip, type LinuxGpioOptions } from "./gpio/linux.ts";
export { SimGpioChip, SimGpioLines, type SimGpioChipOptions } from "./gpio/sim.ts";
export { openGpioChip, type OpenGpioOptions } from "./gpio/open.ts";
export { ManualClock, realClock, type SimClock } from "./sim-clock.ts";

export { SafeState, type SafeAction, type SafeStateOptions, type SafeStateReport } from "./safe-state.ts";

export {
  BME280,
  BME280_REG,
  BME280_CHIP_ID,
  BMP280_CHIP_IDS,
  type BME280Options,
  type BME280Reading,
  type Oversampling,
  type IirFilter,
  type Standby,
} from "./drivers/bme280.ts";
export {
  parseCalibration,
  compensateTemperature,
  compensatePressure,
  compensateHumidity,
  type BME280Calibration,
} from "./drivers/bme280-compensate.ts";
export { ADS1115, ADS1115_REG, adsToVolts, type ADS1115Options, type AdsChannel, type AdsRange, type AdsRate } from "./drivers/ads1115.ts";
export { PCA9685, PCA9685_REG, PCA9685_OSC_HZ, prescaleFor, type PCA9685Options } from "./drivers/pca9685.ts";
export { MCP23017, MCP23017_REG, type PinMode, type Port } from "./drivers/mcp23017.ts";

export { SimBME280, EXAMPLE_CALIBRATION, type SimBME280Options } from "./chips/bme280.ts";
export { SimADS1115, type SimADS1115Options } from "./chips/ads1115.ts";
export { SimPCA9685 } from "./chips/pca9685.ts";
export { SimMCP23017 } from "./chips/mcp23017.ts";
