/**
 * @module app-mount
 * An app mounted in another (App.mount): its place checked (a path prefix of its own, a new app
 * mounted once, before the host runs), and its opening: an app mounted with `build` is built and
 * started when its gate first lets a request through, through the same start as any app's.
 */

import type { AppSurface, MountedApp, MountOptions } from "./app-surface.ts";
import { DashDevicesError } from "./core/errors.ts";

/** A mount's prefix: "/" and path segments, not ending in "/" (e.g. "/admin", "/lab/status"). */
const PREFIX = /^(\/[A-Za-z0-9._~-]+)+$/;

/** An app mounted in another. */
export interface Mounted extends MountedApp {
  /** Built and started when first opened, not in the host's run(). */
  readonly lazy: boolean;
}

/**
 * Why `host.mount(prefix, sub)` cannot be, or nothing. `sub` is "ok" when it is a new App, else
 * what it is ("the app itself", "an app already mounted or running", ...).
 */
export function mountRefusal(
  prefix: string,
  taken: readonly MountedApp[],
  sub: "ok" | string,
  hostRunning: boolean,
): DashDevicesError | undefined {
  const bad = (what: string, found: string, fix: string) =>
    new DashDevicesError("DD_BAD_OPTION", { what: `app.mount("${prefix}"): ${what}`, found, fix });
  if (!PREFIX.test(prefix) || prefix.startsWith("/_dd"))
    return bad('the prefix must be a path such as "/status".', JSON.stringify(prefix), "start it with / and end it without one");
  if (taken.some((m) => m.prefix === prefix)) return bad("another app is mounted there.", prefix, "pick another prefix");
  if (sub !== "ok") return bad("mounts a new App of its own, once.", sub, "make a new App for each mount, and run() only the host");
  if (hostRunning) return bad("the app is already running.", "run() was called", "mount before run()");
  return undefined;
}

/** The mount of `app` at `prefix`; `start` is the app's one start (App.start). */
export function mountOf(prefix: string, app: AppSurface, options: MountOptions, start: () => Promise<void>): Mounted {
  const { build } = options;
  let opened = !build;
  return {
    prefix,
    app,
    gate: options.gate,
    lazy: !!build,
    open() {
      if (opened) return;
      opened = true;
      build!();
      start().catch((e) => app.log.error("mount.start-failed", { prefix, error: e instanceof Error ? e : String(e) }));
    },
  };
}
