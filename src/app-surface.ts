/**
 * @module app-surface
 * What the parts around an app use of it (the appliance that serves it, the admin console, the
 * control lease), as an interface. `App` implements it; those parts import this file, never
 * app.ts, so no import leads from them back to the App that starts them (an import circle).
 * Types only: nothing here runs.
 */

import type { Client } from "./core/client.ts";
import type { CallbackArgs, CallbackDef } from "./core/graph.ts";
import type { Logger } from "./core/log.ts";
import type { ConnectHandler, LayoutSource, Mods, Runtime } from "./core/runtime.ts";

/** The control lease as others drive it (server/lease.ts's ControlLease is one). */
export interface LeaseHandle {
  /** Hands the lease to `client` (`why` is logged and shown). */
  give(client: Client, why: string): void;
}

export interface AppSurface {
  readonly title: string;
  /** The framework-free core (core/runtime.ts). */
  readonly runtime: Runtime;
  /** Connected tabs, live. */
  readonly clients: ReadonlySet<Client>;
  readonly log: Logger;
  layout: LayoutSource | undefined;
  /** The app's control lease, if it has one. */
  readonly lease: LeaseHandle | undefined;
  callback(...args: CallbackArgs): CallbackDef;
  callbackConnect(fn: ConnectHandler): void;
  pushMods(mods: Mods, client?: Client): void;
}
