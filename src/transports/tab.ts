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

/** A new tab's client, identified; `connect` is separate so a transport can send first (a hello). */
export function newTab(rt: Runtime, transport: Transport, info: ClientInfo, who: Identity): Client {
  const c: Client = new Client(transport, info, (e) => rt.reportError(e, c));
  identify(c, who);
  return c;
}
