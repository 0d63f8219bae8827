/**
 * @module stores
 * The app's values: the shared store every tab sees, each tab's own store (on its Client), the
 * app-wide sequence that makes the newest write win, and the shared version (the seq of the latest
 * shared write: a page rendered at it is current). It answers "what is id.prop for this tab" and
 * applies a list of changes to one store, merging what a spec merges (a chart's appended points)
 * and adopting the props of a returned component tree. Who is told of a change is the fan-out's job.
 */

import { isComponent, type Props } from "./component.ts";
import type { ComponentIndex } from "./component-index.ts";
import { PropStore, resolveProps, Sequence } from "./prop-store.ts";

/** One property change: what callbacks return, pushes carry and tabs send, once checked. */
export interface Change {
  id: string;
  prop: string;
  value: unknown;
}

/** A tab as the stores see it: its own store. */
export interface StoreOwner {
  readonly store: PropStore;
}

/** What one `apply` changed: keys ("id.prop"), components to re-render, fragments that add to one. */
export interface Applied {
  keys: string[];
  /** Components whose props changed, in order of their first change. */
  ids: Set<string>;
  /** Per component: fragments that add to it (new chart points) instead of a full render. */
  appends: Map<string, string[]> | undefined;
  /** True when the shared store was written (the version moved). */
  shared: boolean;
}

/** What the chains read: values as one tab (or the shared state) sees them. */
export interface ValueLookup {
  value(id: string, prop: string, client?: StoreOwner): unknown;
}

export class Stores implements ValueLookup {
  readonly shared = new PropStore();
  readonly seq = new Sequence();
  /** Seq of the latest shared write: a page rendered at this version is current. */
  version = 0;

  constructor(private readonly components: ComponentIndex) {}

  /** Current value of id.prop as `client` sees it; null when the prop was never set. */
  value(id: string, prop: string, client?: StoreOwner): unknown {
    const s = this.shared.get(id, prop);
    const c = client?.store.get(id, prop);
    if (c && (!s || c.seq > s.seq)) return c.value;
    if (s) return s.value;
    const v = this.components.get(id)?.props[prop];
    return v === undefined ? null : v;
  }

  /** Props of a component as `client` (or the shared state) has them now. */
  currentProps(id: string, client?: StoreOwner): Props {
    const comp = this.components.get(id);
    const over = resolveProps(id, this.shared, client?.store);
    return over ? { ...(comp?.props ?? {}), ...over } : (comp?.props ?? {});
  }

  /** The overrides of `id` as `client` sees them (for rendering). */
  resolve(id: string, client?: StoreOwner): Props | undefined {
    return resolveProps(id, this.shared, client?.store);
  }

  /** Applies changes to the shared store (`target` undefined) or to one tab's store. */
  apply(changes: readonly Change[], target: StoreOwner | undefined): Applied {
    const store = target ? target.store : this.shared;
    const keys: string[] = [];
    const ids = new Set<string>();
    let appends: Map<string, string[]> | undefined;
    for (const ch of changes) {
      const seq = this.seq.next();
      keys.push(`${ch.id}.${ch.prop}`);
      const spec = this.components.get(ch.id)?.spec;
      const merged = spec?.update?.(ch.prop, ch.value, this.currentProps(ch.id, target));
      if (merged) {
        for (const [k, v] of Object.entries(merged.props)) {
          store.set(ch.id, k, v, seq);
          keys.push(`${ch.id}.${k}`);
        }
        if (merged.append && !ids.has(ch.id)) {
          appends ??= new Map();
          const list = appends.get(ch.id) ?? [];
          list.push(merged.append(ch.id));
          appends.set(ch.id, list);
          continue;
        }
      } else {
        store.set(ch.id, ch.prop, ch.value, seq);
        if (ch.prop === "children" || isComponent(ch.value)) this.adopt(ch.value, store, seq);
      }
      appends?.delete(ch.id);
      ids.add(ch.id);
    }
    if (!target) this.version = this.seq.current;
    return { keys, ids, appends, shared: !target };
  }

  /** A new component tree is the new truth for the ids inside it: store their props too. */
  private adopt(value: unknown, store: PropStore, seq: number): void {
    if (Array.isArray(value)) for (const v of value) this.adopt(v, store, seq);
    else if (isComponent(value)) {
      const id = value.props.id as string | undefined;
      if (id !== undefined) {
        this.components.see(value);
        for (const [k, v] of Object.entries(value.props)) if (k !== "id") store.set(id, k, v, seq);
      }
      this.adopt(value.props.children, store, seq);
    }
  }
}
