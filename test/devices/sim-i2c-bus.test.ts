import { runI2CBusContract } from "./i2c-bus.case.ts";
import { I2C_FUNCS_SMBUS_ONLY, RegisterChip, SimI2CBus } from "../../src/devices/index.ts";

runI2CBusContract({
  name: "simulated bus",
  open: () => ({ bus: new SimI2CBus({ devices: { 0x50: new RegisterChip() } }), chip: 0x50, absent: 0x51 }),
});
runI2CBusContract({
  name: "simulated SMBus-only bus (like i2c-stub)",
  open: () => ({ bus: new SimI2CBus({ funcs: I2C_FUNCS_SMBUS_ONLY, devices: { 0x50: new RegisterChip() } }), chip: 0x50, absent: 0x51 }),
});
