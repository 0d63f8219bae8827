/**
 * @module fan-out
 * Who sees a change, and what they get. It owns the set of connected tabs and the output
 * authorizers, renders components as the shared state or one tab sees them (a broadcast renders
 * once for every tab without private overrides in the component), and puts the fragments, the
 * shared version and appended chart points into each tab's outbox. Writes go through here: the
 * stores apply them, then this file decides where they are seen.
 */

import { renderChild, type RenderContext } from "./component.ts";
import type { ComponentIndex } from "./component-index.ts";
import type { Client } from "./client.ts";
import type { CallbackDef } from "./graph.ts";
import type { Reporter } from "./report.ts";
import type { Applied, Change, Stores } from "./stores.ts";
import { toastHtml } from "./toast.ts";
import { Flusher } from "./outbox.ts";
import { OOB_SWAP, SHELL_ID } from "./wire.ts";

/** Keys a callback's changes wrote: to the shared state, and to the tab's own store. */
export interface Scoped {
  shared: string[];
  own: string[];
}

/** What the chains and the inbox need to write: one call that stores and fans out. */
export interface Writer {
  /** Writes to the shared store (`target` undefined) or one tab's, and queues the renders; returns the keys. */
  write(changes: Change[], target: Client | undefined, noEcho?: Client): string[];
  /** A callback's changes: shared keys (or every key without a tab) to everyone, the rest to the tab. */
  scoped(cb: CallbackDef | undefined, changes: Change[], client: Client | undefined): Scoped;
  /** Re-sends component `id` to one tab as it has it now (a refused change snaps back). */
  send(client: Client, id: string): void;
}

export class FanOut implements Writer {
  /** The connected tabs. */
  readonly clients = new Set<Client>();
  /** Flushes the tabs' outboxes together, once per burst, encoding a broadcast's frame once. */
  readonly flusher = new Flusher();
  /** The original's callback_authorize_output: a falsy answer keeps an update from that tab. */
  readonly authorizers: ((client: Client, outputId: string) => unknown)[] = [];
  /** How rendered controls send: the app's transport's attributes (src/transports/). */
  sendAttrs: ((trigger: string) => Record<string, unknown>) | undefined;
  private sharedContext: RenderContext | undefined;
  private contexts = new WeakMap<Client, RenderContext>();

  constructor(
    private readonly components: ComponentIndex,
    private readonly stores: Stores,
    private readonly sharedKeys: ReadonlySet<string>,
    private readonly reporter: Reporter,
  ) {}

  // ---------------------------------------------------------------- rendering

  /** How rendering sees the stores: one context for the shared view and one per tab, made once. */
  renderContext(client?: Client): RenderContext {
    if (!client) return (this.sharedContext ??= this.makeContext(undefined));
    let ctx = this.contexts.get(client);
    if (!ctx) this.contexts.set(client, (ctx = this.makeContext(client)));
    return ctx;
  }

  private makeContext(client: Client | undefined): RenderContext {
    const ctx: RenderContext = { resolve: (id) => this.stores.resolve(id, client), seen: (c) => this.components.see(c) };
    if (this.sendAttrs) ctx.sendAttrs = this.sendAttrs;
    return ctx;
  }

  /** The layout as `client` sees it (shared state when no client): the inside of #dd-root. */
  renderLayout(client?: Client): string {
    return renderChild(this.components.tree(), this.renderContext(client));
  }

  /** The whole root, as an out-of-band morph: brings a tab level after a reconnect. */
  renderRootFragment(client: Client): string {
    return `<div id="${SHELL_ID.root}" hx-swap-oob="${OOB_SWAP}">${this.renderLayout(client)}</div>`;
  }

  /** One component with its current props, marked for an out-of-band morph; `seen` collects the ids inside. */
  renderFragment(id: string, client?: Client, seen?: Set<string>): string | undefined {
    const comp = this.components.get(id);
    if (!comp) return undefined;
    let ctx = this.renderContext(client);
    if (seen) {
      const base = ctx;
      ctx = { ...base, seen: (c) => (base.seen!(c), seen.add(c.props.id as string)) };
    }
    const html = renderChild(comp, ctx);
    const at = html.indexOf(" ");
    const end = html.indexOf(">");
    const cut = at > 0 && at < end ? at : end;
    return `${html.slice(0, cut)} hx-swap-oob="${OOB_SWAP}"${html.slice(cut)}`;
  }

  // ---------------------------------------------------------------- writes

  write(changes: Change[], target: Client | undefined, noEcho?: Client): string[] {
    const applied = this.stores.apply(changes, target);
    this.distribute(applied, target, noEcho);
    return applied.keys;
  }

  scoped(cb: CallbackDef | undefined, changes: Change[], client: Client | undefined): Scoped {
    const sharedCh: Change[] = [];
    const ownCh: Change[] = [];
    for (const ch of changes) {
      const isShared = !client || cb?.service.shared || this.sharedKeys.has(`${ch.id}.${ch.prop}`);
      (isShared ? sharedCh : ownCh).push(ch);
    }
    return {
      shared: sharedCh.length ? this.write(sharedCh, undefined) : [],
      own: ownCh.length ? this.write(ownCh, client) : [],
    };
  }

  /** Queues the re-rendered components for whoever sees them (except `noEcho`, whose control shows the value). */
  private distribute({ ids, appends }: Applied, target: Client | undefined, noEcho: Client | undefined): void {
    for (const id of ids) {
      if (this.components.get(id)?.spec.serverOnly) continue;
      if (target) {
        if (target !== noEcho) this.send(target, id);
      } else this.broadcast(id, noEcho);
    }
    if (!appends) return;
    const version = this.stores.version;
    for (const [id, list] of appends) {
      for (const c of target ? [target] : this.clients) {
        if (!target) c.outbox.putVersion(version);
        if (this.authorizers.length && !this.authorized(c, id)) continue;
        for (const html of list) c.outbox.putAppend(id, html, () => this.renderFragment(id, c) ?? "");
      }
    }
  }

  /** May `client` receive updates of component `id`? An authorizer that throws says no. */
  authorized(client: Client, id: string): boolean {
    for (const a of this.authorizers) {
      try {
        if (!a(client, id)) return false;
      } catch (e) {
        this.reporter.reportError(e, undefined);
        return false;
      }
    }
    return true;
  }

  send(client: Client, id: string): void {
    if (this.authorizers.length && !this.authorized(client, id)) return;
    const html = this.renderFragment(id, client);
    if (html !== undefined) client.outbox.put(id, html);
  }

  /** Sends component `id` to every tab; renders once for all tabs without private overrides. */
  private broadcast(id: string, skip?: Client): void {
    if (!this.clients.size) return;
    // Rendered once as the shared state shows it; only a tab with private props somewhere in the
    // component's subtree gets a render of its own.
    const subtree = new Set<string>();
    const common = this.renderFragment(id, undefined, subtree);
    if (common === undefined) return;
    const version = this.stores.version;
    for (const c of this.clients) {
      c.outbox.putVersion(version);
      if (c === skip || (this.authorizers.length && !this.authorized(c, id))) continue;
      let own = false;
      if (c.store.size) {
        for (const i of subtree) {
          if (c.store.has(i)) {
            own = true;
            break;
          }
        }
      }
      const html = own ? this.renderFragment(id, c) : common;
      if (html !== undefined) c.outbox.put(id, html);
    }
  }

  /** Shows a message to one tab or to every tab (a toast; the admin console's "send a message"). */
  notify(text: string, client?: Client): void {
    const html = toastHtml("DD_MESSAGE", text, "info");
    for (const c of client ? [client] : this.clients) if (c.connected) c.outbox.putToast(html);
  }
}
