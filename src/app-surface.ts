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
import type { Gate, TransportName } from "./transports/index.ts";

/** The control lease as others drive it (server/lease.ts's ControlLease is one). */
export interface LeaseHandle {
  /** Hands the lease to `client` (`why` is logged and shown). */
  give(client: Client, why: string): void;
}

/** How an app mounted in another is served (`App.mount`). */
export interface MountOptions {
  /**
   * Who may open it: decides each page load, socket and post (an identity, or the response sent
   * instead). Default: the host app's access rules.
   */
  gate?: Gate;
  /**
   * Builds the mounted app (its layout and callbacks) when its gate first lets a request through;
   * it starts then. For a part that costs start-up time and is seldom opened (the admin console).
   * Without it, the mounted app starts with its host, in run().
   */
  build?: () => void;
}

/** An app as mounted in its host: what the server serves under `prefix`. */
export interface MountedApp {
  readonly prefix: string;
  readonly app: AppSurface;
  readonly gate: Gate | undefined;
  /** Builds and starts the app if it was mounted with `build` and not opened yet; else nothing. */
  open(): void;
}

export interface AppSurface {
  readonly title: string;
  /** How its tabs talk to the server (src/transports/). */
  readonly serverService: TransportName;
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
  /** Serves another app under a path prefix of this one (see App.mount). */
  mount(prefix: string, app: AppSurface, options?: MountOptions): void;
  /** The apps mounted in this one, in the order mounted. */
  readonly mounts: readonly MountedApp[];
}
