/**
 * @module dash-devices
 * Put a hardware gadget on the web with one TypeScript file. Everything a user's program needs
 * is exported from here.
 *
 * @example
 * import { App, html, dcc, Input, Output } from "dash-devices";
 */

// First: where start-up time goes (DD_STARTUP_TRACE=1) is counted from here.
import "./server/startup-trace.ts";
// `APP i2c ...` runs the I2C tools and exits before the app's own code runs.
import "./cli/app-commands.ts";

export { App, type AppOptions, type MountOptions } from "./app.ts";
export { html } from "./core/html.ts";
export { dcc } from "./core/dcc/index.ts";
export { Input, Output, State, noUpdate, PreventUpdate } from "./core/dependencies.ts";
export { Services, type Service } from "./core/services.ts";
export { Client, type ClientData } from "./core/client.ts";
export { DashDevicesError, type ErrorCode } from "./core/errors.ts";
export type { CallbackContext } from "./core/invoke.ts";
export type { Component, Child, Props } from "./core/component.ts";
export { createLogger, type Logger } from "./core/log.ts";
export { DEFAULT_BUDGETS, type Budgets } from "./core/budgets.ts";
export type { RunningServer } from "./server/serve.ts";
export { ControlLease, type LeaseOptions } from "./server/lease.ts";
