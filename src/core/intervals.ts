/**
 * @module intervals
 * `dcc.Interval` is driven by the server, not the browser: an interval whose `n_intervals` feeds
 * a shared callback ticks once for everyone; one that feeds regular callbacks ticks per tab. Each
 * tick re-reads `interval`, `disabled` and `max_intervals`, so callbacks can change them, and a
 * tick is skipped while the previous one is still being handled (no pile-up behind a slow callback).
 */

import type { Client } from "./client.ts";
import type { Runtime } from "./runtime.ts";

const TYPE = "dcc.Interval";

export function startIntervals(rt: Runtime): () => void {
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const perClient = new Map<Client, (() => void)[]>();
  let stopped = false;

  const loop = (id: string, client: Client | undefined): (() => void) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let busy = false;
    let done = false;
    const next = () => {
      if (stopped || done || (client && !client.connected)) return;
      const ms = Math.max(10, Number(rt.value(id, "interval", client)) || 1000);
      timer = setTimeout(tick, ms);
      timers.add(timer);
    };
    const tick = () => {
      if (timer) timers.delete(timer);
      const disabled = rt.value(id, "disabled", client);
      const n = Number(rt.value(id, "n_intervals", client)) || 0;
      const max = Number(rt.value(id, "max_intervals", client) ?? -1);
      if (!disabled && !busy && (max < 0 || n < max)) {
        busy = true;
        try {
          rt.pushMods({ [id]: { n_intervals: n + 1 } }, client);
        } catch (e) {
          rt.reportError(e, client);
        }
        // The chain runs in the tab's queue (or the shared locks); free the tick once it is done.
        if (client) client.queue.push(() => void (busy = false));
        else queueMicrotask(() => void (busy = false));
      }
      next();
    };
    next();
    return () => {
      done = true;
      if (timer) clearTimeout(timer);
    };
  };

  const shared: string[] = [];
  const regular: string[] = [];
  for (const [id, comp] of rt.index) {
    if (comp.spec.type !== TYPE) continue;
    const key = `${id}.n_intervals`;
    if (rt.graph.sharedKeys.has(key)) shared.push(id);
    else if (rt.graph.isInput(key)) regular.push(id);
  }
  const stopShared = shared.map((id) => loop(id, undefined));
  if (regular.length) {
    rt.connectHandlers.unshift((client, connected) => {
      if (connected)
        perClient.set(
          client,
          regular.map((id) => loop(id, client)),
        );
      else {
        for (const stop of perClient.get(client) ?? []) stop();
        perClient.delete(client);
      }
    });
  }
  return () => {
    stopped = true;
    for (const s of stopShared) s();
    for (const list of perClient.values()) for (const s of list) s();
    for (const t of timers) clearTimeout(t);
  };
}
