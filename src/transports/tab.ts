/**
 * @module transports/tab
 * What every transport does when a tab opens: a `Client` around the transport's send/close, who
 * the request was (session, user), and `Runtime.connect`. Shared so the adapters differ only in
 * how bytes move.
 */

import { Client, type ClientInfo, type Transport } from "../core/client.ts";
import type { Runtime } from "../core/runtime.ts";
import type { Identity } from "./types.ts";

/** Puts who the request was into the client, for callbacks (`ctx.client.user`) and the console. */
export function identify(c: Client, who: Identity): void {
  c.sessionId = who.sessionId;
  if (who.user) {
    c.user = who.user;
    c.username = who.user.username;
    if (c.authentication === undefined) c.authentication = who.user.role;
  }
}

/** New tabs (of every runtime and transport) between two hints to the garbage collector. */
const TABS_PER_GC_HINT = 100;
let opened = 0;

/** A new tab's client, identified; `connect` is separate so a transport can send first (a hello). */
export function newTab(rt: Runtime, transport: Transport, info: ClientInfo, who: Identity): Client {
  // Each connect leaves garbage (the request, its first render) between the objects its tab keeps,
  // and in a burst (a thousand tabs reconnecting) JavaScriptCore may not collect at all: the heap
  // grows by the garbage and the tabs' objects end up spread over it, never given back (server
  // RSS per tab 15-18 KB, 6 KB with this; bench relay part). Every 100 new tabs, a collection in
  // the background (Bun.gc(false): asynchronous, the connect does not wait).
  if (++opened % TABS_PER_GC_HINT === 0) Bun.gc(false);
  const c: Client = new Client(transport, info, (e) => rt.reportError(e, c));
  identify(c, who);
  return c;
}
