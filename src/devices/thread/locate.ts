/**
 * @module thread/locate
 * Where the device thread's entry file is, and starting a Worker on it. Run with bun, it is
 * device-thread.ts beside this file. In a `bun build --compile` executable, entry points are
 * embedded under `/$bunfs/root/` at a path relative to the common folder of all entries (it
 * depends on where the app's file and this package sit), as `device-thread.js`: the executable's
 * file list is searched for that name once. Missing (an app compiled without the extra entry) is a
 * DD_DEVICE_UNAVAILABLE error that says how to build.
 */

import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DeviceError } from "../device-error.ts";

/** Bun's Worker can stop keeping the process alive (Node's ref/unref), which the DOM type omits. */
export type RefWorker = Worker & { ref(): void; unref(): void };

/** The file name the device thread has in a compiled executable. */
export const THREAD_ENTRY_NAME = "device-thread";
const BUNFS = "/$bunfs/root";

let found: string | undefined;

/** The device thread's entry, for `new Worker(...)`. */
export function threadEntry(): string {
  if (found) return found;
  const beside = new URL("./device-thread.ts", import.meta.url);
  if (beside.protocol === "file:" && !beside.pathname.startsWith(`${BUNFS}/`) && existsSync(fileURLToPath(beside)))
    return (found = fileURLToPath(beside));
  let names: string[] = [];
  try {
    names = readdirSync(BUNFS, { recursive: true }) as string[];
  } catch {
    // not a compiled executable
  }
  const hit = names.find((n) => /(^|\/)device-thread\.[cm]?js$/.test(n));
  if (hit) return (found = `${BUNFS}/${hit}`);
  throw new DeviceError("DD_DEVICE_UNAVAILABLE", {
    what: "the device thread's code is not in this executable",
    expected: `${THREAD_ENTRY_NAME}.js embedded as an entry point of bun build --compile`,
    found: names.length ? `entries: ${names.filter((n) => /\.[cm]?js$/.test(n)).join(", ")}` : `no ${beside.pathname}`,
    fix: "build with `dash-devices build app.ts` (it adds the device thread), or add node_modules/dash-devices/src/devices/thread/device-thread.ts to your `bun build --compile` command; or open the bus with { thread: false }",
  });
}

/** The path to give `bun build --compile` as an extra entry point. */
export function threadEntrySource(): string {
  return fileURLToPath(new URL("./device-thread.ts", import.meta.url));
}
