/**
 * @module cli/app-info
 * Which app this is, for `--version`: its name and version from its package.json, compiled in by
 * `dash-devices build` (src/cli/build.ts defines DD_APP_NAME / DD_APP_VERSION), or read from the
 * package.json nearest to the running file under `bun run`. dash-devices' own version comes after.
 */

import { appPackage } from "./build.ts";
import pkg from "../../package.json" with { type: "json" };

declare const DD_APP_NAME: string | undefined;
declare const DD_APP_VERSION: string | undefined;

/** The app's name and version, or undefined when it has no package.json of its own. */
export function appInfo(): { name: string; version: string } | undefined {
  if (typeof DD_APP_NAME === "string") return { name: DD_APP_NAME, version: typeof DD_APP_VERSION === "string" ? DD_APP_VERSION : "0.0.0" };
  return Bun.main.startsWith("/$bunfs/") ? undefined : appPackage(Bun.main);
}

/** `gadget 1.2.0 (dash-devices 0.1.0)`, or `dash-devices 0.1.0` for an app without a package.json. */
export function versionLine(): string {
  const app = appInfo();
  return app ? `${app.name} ${app.version} (dash-devices ${pkg.version})` : `dash-devices ${pkg.version}`;
}
