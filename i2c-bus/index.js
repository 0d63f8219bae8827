// The module a project maps the import "i2c-bus" to (tsconfig `paths`:
// "i2c-bus": ["./node_modules/dash-devices/i2c-bus"]). Bun, for run, test and build, picks this
// file; tsc picks index.d.ts beside it. The code is src/devices/i2c-bus.ts (one module instance:
// `provideBus` from "dash-devices/i2c-bus" and the drivers' `require("i2c-bus")` share its buses).
export * from "../src/devices/i2c-bus.ts";
