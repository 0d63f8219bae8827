/**
 * @module prop-store
 * Property stores. The shared store holds the state every client sees (outputs of shared
 * callbacks, shared inputs, pushes to all); each client has a store of its own changes. Every
 * write carries a sequence number from one app-wide counter, so when both stores have a value the
 * newer one wins: a shared update after a private one is seen, and vice versa.
 */

import type { Props } from "./component.ts";

export interface Entry {
  value: unknown;
  seq: number;
}

export class PropStore {
  private readonly m = new Map<string, Map<string, Entry>>();

  get(id: string, prop: string): Entry | undefined {
    return this.m.get(id)?.get(prop);
  }

  set(id: string, prop: string, value: unknown, seq: number): void {
    let props = this.m.get(id);
    if (!props) this.m.set(id, (props = new Map()));
    props.set(prop, { value, seq });
  }

  has(id: string): boolean {
    return this.m.has(id);
  }

  entries(id: string): Map<string, Entry> | undefined {
    return this.m.get(id);
  }

  ids(): IterableIterator<string> {
    return this.m.keys();
  }

  get size(): number {
    return this.m.size;
  }
}

/** Props of `id` as the client sees them: shared and private overrides merged, newest wins. */
export function resolveProps(id: string, shared: PropStore, own?: PropStore): Props | undefined {
  const s = shared.entries(id);
  const c = own?.entries(id);
  if (!s && !c) return undefined;
  const out: Props = {};
  if (s) for (const [k, e] of s) out[k] = e.value;
  if (c) for (const [k, e] of c) if (!s?.get(k) || s.get(k)!.seq < e.seq) out[k] = e.value;
  return out;
}

/** One app-wide counter. `version` is the seq of the latest shared write. */
export class Sequence {
  private n = 0;
  next(): number {
    return ++this.n;
  }
  get current(): number {
    return this.n;
  }
}
