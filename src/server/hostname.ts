/**
 * @module hostname
 * Reverse DNS for the clients table, in the background: a connection never waits for it, a slow
 * resolver is cut off after two seconds, and answers are cached (a tab reconnecting does not ask
 * again).
 */

import { promises as dns } from "node:dns";

const cache = new Map<string, string | undefined>();
const TIMEOUT_MS = 2000;

/** The cached name of `ip` (undefined: it has none), or null when it was not looked up yet. */
export function cachedHostname(ip: string): string | undefined | null {
  return cache.has(ip) ? cache.get(ip) : null;
}

export async function reverseLookup(ip: string): Promise<string | undefined> {
  if (cache.has(ip)) return cache.get(ip);
  const bare = ip.startsWith("::ffff:") ? ip.slice(7) : ip;
  let name: string | undefined;
  if (bare === "127.0.0.1" || bare === "::1") name = "localhost";
  else {
    try {
      const names = await Promise.race([dns.reverse(bare), new Promise<string[]>((r) => setTimeout(() => r([]), TIMEOUT_MS))]);
      name = names[0];
    } catch {
      name = undefined;
    }
  }
  if (cache.size > 1000) cache.clear();
  cache.set(ip, name);
  return name;
}
