/**
 * @module runtime
 * The live state of one app and the flows that change it: a message from a tab, a callback's
 * outputs, a push from the app. It owns the shared store, the component index and the clients,
 * and decides for each change who sees it. This file is long because it is the one place where
 * ordering is decided: shared writes and lock entry happen the moment a message arrives (so the
 * device ends at the last value received), everything else of a tab runs in that tab's queue.
 */

import { isComponent, renderChild, type Child, type Component, type ComponentSpec, type Props, type RenderContext } from "./component.ts";
import { DashDevicesError, describe } from "./errors.ts";
import { CallbackGraph, parseCallbackArgs, type CallbackDef } from "./graph.ts";
import { CallbackRunner, type BlockingWatch, type Change } from "./invoke.ts";
import { PropStore, resolveProps, Sequence } from "./store.ts";
import type { Client } from "./client.ts";
import { createLogger, LogLimiter, type Logger } from "./log.ts";
import { BUDGET_CLOSE_CODE, BUDGET_REASON, budgetError, resolveBudgets, takeInvalidToken, type BudgetKind, type Budgets } from "./budgets.ts";
import { Services } from "./services.ts";
import { HEADER, OOB_SWAP, SHELL_ID } from "./wire.ts";
import { parseMessage } from "./message.ts";
import { parseClientside, type ClientsideDef } from "./clientside.ts";
import { Chains } from "./chains.ts";
import { normalizeMods, type Mods } from "./mods.ts";
import { toastHtml } from "./toast.ts";

export type LayoutSource = Child | (() => Child);
export type { Mods };
export type ConnectHandler = (client: Client, connected: boolean) => unknown;

export interface RuntimeOptions {
  log?: Logger;
  /** Largest accepted message in bytes (default 64 KiB). */
  maxMessageBytes?: number;
  /** Messages one tab may have in flight before further ones are refused with DD_FLOOD (default 1,000). */
  maxInflight?: number;
  /** What one tab may cost before it is closed (core/budgets.ts; defaults there). */
  budgets?: Partial<Budgets>;
  /** Show callback error messages to the tab that caused them (default true). */
  showErrors?: boolean;
  /** A callback call that holds the event loop this many ms or longer is logged, once per callback (default 50; 0: never). */
  slowCallbackMs?: number;
}

export interface Scoped {
  shared: string[];
  own: string[];
}

export class Runtime {
  readonly graph = new CallbackGraph();
  readonly shared = new PropStore();
  readonly seq = new Sequence();
  /** Seq of the latest shared write: a page rendered at this version is current. */
  version = 0;
  readonly clients = new Set<Client>();
  /** Latest definition of every component with an id (add through `indexComponent`). */
  readonly index = new Map<string, Component>();
  /** Component types ever indexed: pages load a type's scripts only when it is used. */
  private readonly types = new Set<string>();
  log: Logger;
  readonly connectHandlers: ConnectHandler[] = [];
  /** The original's callback_authorize_output: a falsy answer keeps an update from that tab. */
  readonly authorizers: ((client: Client, outputId: string) => unknown)[] = [];
  /** Asked before a tab's control change is applied; an error refuses it (roles, leases). */
  readonly inputGuards: ((client: Client, id: string, keys: readonly string[]) => DashDevicesError | undefined)[] = [];
  /** Told of every control change a tab made (after it is applied): the audit log listens. */
  readonly inputListeners: ((client: Client, id: string, changed: Props, shared: boolean) => void)[] = [];
  /** Told when a tab is closed over a budget (before its disconnect): the audit log listens. */
  readonly budgetListeners: ((client: Client, reason: string) => void)[] = [];
  /** What one tab may cost (core/budgets.ts). */
  readonly budgets: Budgets;
  /** Callbacks that run in the browser. */
  readonly clientside: ClientsideDef[] = [];
  layout: LayoutSource | undefined;
  validationLayout: Child | undefined;
  suppressCallbackExceptions = false;
  started = false;
  /** How rendered controls send (set by the app from its serverService). */
  sendMode: "ws" | "http" = "ws";
  /** @internal one runner (lock, most-recent) per callback. */
  readonly runners = new Map<CallbackDef, CallbackRunner>();
  private readonly chains = new Chains(this);
  private readonly maxMessageBytes: number;
  private readonly maxInflight: number;
  private readonly showErrors: boolean;
  /** Lines about what tabs did wrong (refused messages, their callbacks' errors): at most 20/s. */
  private readonly tabErrors = new LogLimiter(() => this.log, "message.refused,callback.error", 20);
  /** Times each call's synchronous part; undefined when slowCallbackMs is 0. */
  private readonly blockingWatch: BlockingWatch | undefined;
  /** Callbacks already reported as blocking: one line each, not one per call. */
  private readonly blockingReported = new WeakSet<CallbackDef>();

  constructor(opts: RuntimeOptions = {}) {
    this.log = opts.log ?? createLogger();
    this.maxMessageBytes = opts.maxMessageBytes ?? 64 * 1024;
    this.maxInflight = opts.maxInflight ?? 1000;
    this.showErrors = opts.showErrors ?? true;
    this.budgets = resolveBudgets(opts.budgets);
    const slow = opts.slowCallbackMs ?? 50;
    if (typeof slow !== "number" || !(slow >= 0) || slow === Infinity) {
      throw new DashDevicesError("DD_BAD_OPTION", {
        what: "slowCallbackMs must be a number of milliseconds.",
        expected: "a finite number >= 0 (default 50; 0 turns the blocking-callback warning off)",
        found: describe(opts.slowCallbackMs),
        fix: "pass e.g. new App({ slowCallbackMs: 100 }), or leave it out",
      });
    }
    this.blockingWatch = slow > 0 ? { thresholdMs: slow, blocked: (cb, ms) => this.reportBlocking(cb, ms) } : undefined;
  }

  /** A callback held the event loop (every tab and timer waited): say so once, with what to do. */
  private reportBlocking(cb: CallbackDef, ms: number): void {
    if (this.blockingReported.has(cb)) return;
    this.blockingReported.add(cb);
    this.log.warn("callback.blocking", {
      callback: cb.name,
      ms: Math.round(ms * 10) / 10,
      thresholdMs: this.blockingWatch!.thresholdMs,
      hint: "it held the event loop and every tab waited: make it async and await the device calls (bus.readByte, not readByteSync: they run on the device thread), move long work off the loop; logged once per callback",
    });
  }

  // ---------------------------------------------------------------- registration

  addCallback(args: unknown[], shared: boolean): CallbackDef {
    const def = parseCallbackArgs(args, this.graph.callbacks.length + 1, shared ? Services.SHARED : Services.REGULAR);
    this.graph.add(def);
    this.runners.set(def, new CallbackRunner(def, this.budgets.maxWaitingCalls, this.blockingWatch));
    if (this.started) this.validate();
    return def;
  }

  addClientside(args: unknown[]): ClientsideDef {
    const def = parseClientside(args);
    for (const o of def.outputs) {
      const server = this.graph.outputOf(o.key);
      const other = this.clientside.find((c) => c.outputs.some((x) => x.key === o.key));
      if (server || other) {
        throw new DashDevicesError("DD_DUPLICATE_OUTPUT", {
          what: `the output ${o.key} is set by a clientside callback and by ${server ? `the callback "${server.name}"` : "another clientside callback"}.`,
          expected: "each output set by one callback",
          found: `two callbacks setting ${o.key}`,
          fix: "keep one of them",
        });
      }
    }
    this.clientside.push(def);
    return def;
  }

  /** Evaluates the layout (a function is called per page load). */
  layoutTree(): Child {
    if (this.layout === undefined) {
      throw new DashDevicesError("DD_NO_LAYOUT", {
        what: "the app has no layout.",
        expected: "app.layout = html.Div([...]) (or a function returning one) before app.run()",
        found: "app.layout is undefined",
        fix: "assign app.layout",
      });
    }
    return typeof this.layout === "function" ? (this.layout as () => Child)() : this.layout;
  }

  /** Makes sure the layout's components are known (pushMods may come before run()). */
  private ensureIndexed(): void {
    if (this.index.size || this.layout === undefined) return;
    const walk = (c: unknown): void => {
      if (Array.isArray(c)) return c.forEach(walk);
      if (!isComponent(c)) return;
      if (c.props.id !== undefined) this.indexComponent(c);
      walk(c.props.children);
    };
    walk(this.layoutTree());
    walk(this.validationLayout);
  }

  /** Indexes every component of the layout and checks that callbacks only use ids and props that exist. */
  validate(): void {
    const known = new Map<string, ComponentSpec>();
    const walk = (c: unknown) => {
      if (Array.isArray(c)) return c.forEach(walk);
      if (!isComponent(c)) return;
      this.types.add(c.spec.type);
      const id = c.props.id as string | undefined;
      if (id !== undefined) {
        known.set(id, c.spec);
        if (!this.index.has(id)) this.indexComponent(c);
      }
      walk(c.props.children);
    };
    walk(this.layoutTree());
    walk(this.validationLayout);
    // A shared dcc.Store is one copy for every tab, whichever callback writes it.
    for (const [id, c] of this.index) if (c.spec.type === "dcc.Store" && c.props.storage_type === "shared") this.graph.sharedKeys.add(`${id}.data`);
    if (this.suppressCallbackExceptions) return;
    const lookup = (id: string) => known.get(id) ?? this.index.get(id)?.spec;
    this.graph.validateIds(lookup);
    for (const d of this.clientside) {
      for (const dep of [...d.outputs, ...d.inputs, ...d.states]) {
        if (!lookup(dep.id)) {
          throw new DashDevicesError("DD_UNKNOWN_ID", { what: `a clientside callback uses ${dep}, but no component has the id "${dep.id}".`, expected: "an id that appears in app.layout", found: `"${dep.id}"`, fix: "check the spelling, or add the component to app.validationLayout" });
        }
      }
    }
  }

  // ---------------------------------------------------------------- rendering

  /** True if a component of this type is in the layout (or was rendered): pages load its scripts. */
  hasType(type: string): boolean {
    return this.types.has(type);
  }

  private indexComponent(c: Component): void {
    this.index.set(c.props.id as string, c);
    this.types.add(c.spec.type);
  }

  /** How rendering sees the stores: one context for the shared view and one per tab, made once. */
  renderContext(client?: Client): RenderContext {
    if (!client) return (this.sharedContext ??= this.makeContext(undefined));
    let ctx = this.contexts.get(client);
    if (!ctx) this.contexts.set(client, (ctx = this.makeContext(client)));
    return ctx;
  }

  private sharedContext: RenderContext | undefined;
  private readonly contexts = new WeakMap<Client, RenderContext>();

  private makeContext(client: Client | undefined): RenderContext {
    const store = client?.store;
    return {
      sendMode: this.sendMode,
      resolve: (id) => resolveProps(id, this.shared, store),
      seen: (c) => this.indexComponent(c),
    };
  }

  /** The layout as `client` sees it (shared state when no client): the inside of #dd-root. */
  renderLayout(client?: Client): string {
    return renderChild(this.layoutTree(), this.renderContext(client));
  }

  /** The whole root, as an out-of-band morph: brings a tab level after a reconnect. */
  renderRootFragment(client: Client): string {
    return `<div id="${SHELL_ID.root}" hx-swap-oob="${OOB_SWAP}">${this.renderLayout(client)}</div>`;
  }

  /** One component with its current props, marked for an out-of-band morph. */
  renderFragment(id: string, client?: Client, seen?: Set<string>): string | undefined {
    const comp = this.index.get(id);
    if (!comp) return undefined;
    let ctx = this.renderContext(client);
    if (seen) {
      const base = ctx;
      ctx = {
        ...base,
        seen: (c) => {
          base.seen!(c);
          seen.add(c.props.id as string);
        },
      };
    }
    const html = renderChild(comp, ctx);
    const at = html.indexOf(" ");
    const end = html.indexOf(">");
    const cut = at > 0 && at < end ? at : end;
    return `${html.slice(0, cut)} hx-swap-oob="${OOB_SWAP}"${html.slice(cut)}`;
  }

  /** Current value of id.prop as `client` sees it; null when the prop was never set. */
  value(id: string, prop: string, client?: Client): unknown {
    const s = this.shared.get(id, prop);
    const c = client?.store.get(id, prop);
    if (c && (!s || c.seq > s.seq)) return c.value;
    if (s) return s.value;
    const v = this.index.get(id)?.props[prop];
    return v === undefined ? null : v;
  }

  // ---------------------------------------------------------------- writes

  /**
   * Applies changes to the shared store (`target` undefined) or to one tab's store, and queues
   * the re-rendered components for whoever sees them (except `noEcho`, whose control already
   * shows the value). Returns the changed keys.
   */
  private write(changes: Change[], target: Client | undefined, noEcho?: Client): string[] {
    const store = target ? target.store : this.shared;
    const keys: string[] = [];
    const ids = new Set<string>();
    let appends: Map<string, string[]> | undefined;
    for (const ch of changes) {
      const seq = this.seq.next();
      keys.push(`${ch.id}.${ch.prop}`);
      const spec = this.index.get(ch.id)?.spec;
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
    for (const id of ids) {
      if (this.index.get(id)?.spec.serverOnly) continue;
      if (target) {
        if (target !== noEcho) this.send(target, id);
      } else this.broadcast(id, noEcho);
    }
    if (appends) {
      for (const [id, list] of appends) {
        for (const c of target ? [target] : this.clients) {
          if (!target) c.outbox.putVersion(this.version);
          if (this.authorizers.length && !this.authorized(c, id)) continue;
          for (const html of list) c.outbox.putAppend(id, html, () => this.renderFragment(id, c) ?? "");
        }
      }
    }
    return keys;
  }

  /** Props of a component as `client` (or the shared state) has them now. */
  currentProps(id: string, client?: Client): Props {
    const comp = this.index.get(id);
    const over = resolveProps(id, this.shared, client?.store);
    return over ? { ...(comp?.props ?? {}), ...over } : (comp?.props ?? {});
  }

  /** A new component tree is the new truth for the ids inside it: store their props too. */
  private adopt(value: unknown, store: PropStore, seq: number): void {
    if (Array.isArray(value)) for (const v of value) this.adopt(v, store, seq);
    else if (isComponent(value)) {
      const id = value.props.id as string | undefined;
      if (id !== undefined) {
        this.indexComponent(value);
        for (const [k, v] of Object.entries(value.props)) if (k !== "id") store.set(id, k, v, seq);
      }
      this.adopt(value.props.children, store, seq);
    }
  }

  /** May `client` receive updates of component `id`? */
  authorized(client: Client, id: string): boolean {
    for (const a of this.authorizers) {
      try {
        if (!a(client, id)) return false;
      } catch (e) {
        this.reportError(e, undefined);
        return false;
      }
    }
    return true;
  }

  private send(client: Client, id: string): void {
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
    for (const c of this.clients) {
      c.outbox.putVersion(this.version);
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

  /** @internal writes a callback's changes: shared keys to everyone, the rest to the tab. */
  scoped(cb: CallbackDef | undefined, changes: Change[], client: Client | undefined): Scoped {
    const sharedCh: Change[] = [];
    const ownCh: Change[] = [];
    for (const ch of changes) {
      const isShared = !client || cb?.service.shared || this.graph.sharedKeys.has(`${ch.id}.${ch.prop}`);
      (isShared ? sharedCh : ownCh).push(ch);
    }
    return {
      shared: sharedCh.length ? this.write(sharedCh, undefined) : [],
      own: ownCh.length ? this.write(ownCh, client) : [],
    };
  }

  // ---------------------------------------------------------------- callbacks

  // ---------------------------------------------------------------- callbacks (core/chains.ts)

  /** Runs the shared callbacks triggered by changed shared keys (see Chains.shared). */
  sharedChain(keys: string[], origin: Client | undefined): Promise<void> {
    return this.chains.shared(keys, origin);
  }

  /** Runs one tab's callbacks triggered by `keys`, or its first calls with `initial`. */
  clientChain(client: Client, keys: string[], initial = false): Promise<void> {
    return this.chains.client(client, keys, initial);
  }

  /** First calls of shared callbacks, once, at server start, in rank order. */
  initialShared(): Promise<void> {
    return this.chains.initialShared();
  }

  /** A tab connected. `pageVersion` is the shared version its page was rendered at. */
  connect(client: Client, pageVersion: number, reconnect: boolean): void {
    this.clients.add(client);
    client.overBudget = (kind) => this.closeOverBudget(client, kind);
    client.outbox.limits = { pendingBytes: this.budgets.maxPendingBytes, blockedMs: this.budgets.maxBlockedSeconds * 1000 };
    this.log.info("client.connect", { client: client.id, ip: client.ip, clients: this.clients.size, reconnect: reconnect || undefined });
    if (reconnect || pageVersion !== this.version) client.outbox.put(SHELL_ID.root, this.renderRootFragment(client));
    client.outbox.putVersion(this.version);
    client.queue.push(() => this.clientChain(client, [], true));
    this.notifyConnect(client, true);
  }

  disconnect(client: Client): void {
    if (!this.clients.delete(client)) return;
    client.connected = false;
    client.queue.clear();
    this.log.info("client.disconnect", { client: client.id, clients: this.clients.size });
    this.notifyConnect(client, false);
  }

  /**
   * Closes a tab that went past a budget: code 1008 with the reason (its page shows it and does not
   * reconnect), one log line and the budget listeners (the audit log), then the disconnect.
   */
  closeOverBudget(client: Client, kind: BudgetKind): void {
    if (client.closedReason !== undefined || !client.connected) return;
    const reason = BUDGET_REASON[kind];
    client.closedReason = reason;
    const found = `${client.messagesIn} messages received, ${client.queue.waiting} waiting, ${client.transport.buffered()} bytes waiting to be sent`;
    this.log.warn("client.closed", { code: "DD_BUDGET", client: client.id, ip: client.ip, reason, error: budgetError(kind, this.budgets, found).message });
    for (const l of this.budgetListeners) {
      try {
        l(client, reason);
      } catch (e) {
        this.log.error("listener.error", { error: e as Error });
      }
    }
    try {
      client.transport.close(BUDGET_CLOSE_CODE, reason);
    } catch (e) {
      this.log.error("client.close.error", { client: client.id, error: e as Error });
    }
    this.disconnect(client);
  }

  private notifyConnect(client: Client, connected: boolean): void {
    for (const h of this.connectHandlers) {
      try {
        const r = h(client, connected);
        if (r && typeof (r as Promise<unknown>).then === "function") {
          (r as Promise<unknown>).then(
            (mods) => this.pushReturned(mods, client, connected),
            (e) => this.reportError(e, undefined),
          );
        } else this.pushReturned(r, client, connected);
      } catch (e) {
        this.reportError(e, undefined);
      }
    }
  }

  /** As in the original: mods returned by a connect handler go to the connecting tab. */
  private pushReturned(mods: unknown, client: Client, connected: boolean): void {
    if (mods && connected && client.connected) this.pushMods(mods as Mods, client);
  }

  /**
   * Handles one WebSocket message from a tab. Shared changes are applied and their callbacks
   * queued right now, so calls reach the device in the order messages arrived; the tab's own
   * callbacks run in its queue; the ack follows when everything this message caused is done.
   */
  handleMessage(client: Client, raw: unknown): void {
    if (!client.connected) return;
    client.messagesIn++;
    // Every message, good or refused, waits in the tab's queue for its ack: a tab that sends
    // faster than it is served (and keeps going past the DD_FLOOD refusals) is closed.
    if (client.queue.waiting >= this.budgets.maxQueued) return this.closeOverBudget(client, "queued");
    const parsed = parseMessage(raw, this.maxMessageBytes);
    if ("error" in parsed) return this.refuse(client, parsed.error, parsed.seq);
    const { id, values, seq } = parsed;
    const comp = this.index.get(id);
    if (!comp || !comp.spec.input) {
      return this.refuse(
        client,
        new DashDevicesError(comp ? "DD_BAD_MESSAGE" : "DD_UNKNOWN_ID", {
          what: comp ? `${comp.spec.type} "${id}" does not send values.` : `a message named the component "${id}", which does not exist.`,
          expected: `${HEADER.source} naming a control of this page`,
          found: describe(id),
          fix: "reload the page: it may be older than the server's layout",
        }),
        seq,
      );
    }
    const current = this.currentProps(id, client);
    if (current.disabled) {
      return this.refuse(client, new DashDevicesError("DD_DISABLED", { what: `"${id}" is disabled.`, expected: "changes to enabled controls only", found: describe(values), fix: "enable the control first" }), seq);
    }
    if (client.inflight >= this.maxInflight) {
      // Not an invalid message: a fast tab recovers once its backlog is served (maxQueued bounds it).
      return this.refuse(client, new DashDevicesError("DD_FLOOD", { what: "too many messages are waiting for this tab.", expected: `at most ${this.maxInflight} unanswered messages`, found: `${client.inflight}`, fix: "slow down; the message was dropped" }), seq, false);
    }
    let changed: Props;
    try {
      changed = comp.spec.input.read(values, current);
    } catch (e) {
      return this.refuse(client, e, seq);
    }
    if (this.inputGuards.length) {
      const keys = Object.keys(changed).map((prop) => `${id}.${prop}`);
      for (const guard of this.inputGuards) {
        const refused = guard(client, id, keys);
        if (refused) {
          this.send(client, id); // the control snaps back to the value the server has
          // Not counted as invalid: a viewer dragging a control it may not drive sends many.
          return this.refuse(client, refused, seq, false);
        }
      }
    }
    const sharedCh: Change[] = [];
    const ownCh: Change[] = [];
    for (const prop of Object.keys(changed)) {
      (this.graph.sharedKeys.has(`${id}.${prop}`) ? sharedCh : ownCh).push({ id, prop, value: changed[prop] });
    }
    client.inflight++;
    if (seq && this.types.has("dcc.Loading")) this.announceLoading(client, id, Object.keys(changed), seq);
    // Shared changes are echoed to the sender too: if another tab's change crossed this one on the
    // wire, the sender must end up showing what the server ended with (its glue ignores the echo
    // while the user is still dragging or typing, and settles afterwards).
    const sharedDone = sharedCh.length ? this.sharedChain(this.write(sharedCh, undefined), client) : undefined;
    const own = ownCh.length ? this.write(ownCh, client, client) : undefined;
    for (const l of this.inputListeners) {
      try {
        l(client, id, changed, sharedCh.length > 0);
      } catch (e) {
        this.log.error("listener.error", { error: e as Error });
      }
    }
    client.queue.push(async () => {
      try {
        if (sharedDone) await sharedDone;
        if (own) await this.clientChain(client, own);
      } finally {
        client.inflight--;
        if (seq) client.outbox.putAck(seq);
      }
    });
  }

  /**
   * For dcc.Loading: tells the tab which outputs this message will recompute, so a spinner around
   * them shows until the ack (the glue marks them pending with the message's number).
   */
  private announceLoading(client: Client, id: string, props: string[], seq: number): void {
    const ids = new Set<string>();
    for (const p of props) for (const cb of this.graph.triggeredBy(`${id}.${p}`)) for (const o of cb.outputs) ids.add(o.id);
    if (ids.size) client.outbox.putField("loading", { ids: [...ids], seq });
  }

  /**
   * Tells the tab what was wrong with its message; acks it in order so its control stops pending.
   * A message no correct page sends (`invalid`) spends a token of the tab's budget: past it the
   * tab is closed instead.
   */
  private refuse(client: Client, e: unknown, seq: number, invalid = true): void {
    if (invalid && !takeInvalidToken(client, this.budgets, performance.now())) return this.closeOverBudget(client, "invalid");
    this.reportError(e, client);
    if (seq) client.queue.push(() => client.outbox.putAck(seq));
  }

  // ---------------------------------------------------------------- pushes

  /**
   * Property changes from the app: to one tab, or to everyone (and to the shared state later tabs
   * get). Callbacks listening to the changed properties run as if a user had made the change.
   */
  pushMods(mods: Mods, client?: Client): void {
    this.ensureIndexed();
    const changes = normalizeMods(mods, this.index);
    if (client) {
      if (!client.connected) return;
      const keys = this.write(changes, client);
      const sharedKeys = keys.filter((k) => this.graph.sharedKeys.has(k));
      client.queue.push(() => this.clientChain(client, keys));
      if (sharedKeys.length) void this.sharedChain(sharedKeys, client);
      return;
    }
    void this.sharedChain(this.write(changes, undefined), undefined);
  }


  /** Shows a message to one tab or to every tab (a toast; the admin console's "send a message"). */
  notify(text: string, client?: Client): void {
    const html = toastHtml("DD_MESSAGE", text, "info");
    for (const c of client ? [client] : this.clients) if (c.connected) c.outbox.putToast(html);
  }

  // ---------------------------------------------------------------- errors

  reportError(e: unknown, client: Client | undefined, cb?: CallbackDef): void {
    const known = e instanceof DashDevicesError ? e : undefined;
    const code = known?.ddCode ?? "DD_CALLBACK_ERROR"; // ours, not a device error's errno name
    const text = known ? known.message : `[DD_CALLBACK_ERROR] callback "${cb?.name ?? "?"}" failed: ${e instanceof Error ? e.message : describe(e)}`;
    const level = code === "DD_CALLBACK_ERROR" || code === "DD_OUTPUT_COUNT" || code === "DD_UNKNOWN_ID" && cb ? "error" : "warn";
    // What tabs cause is rate-limited (a flood must not fill the disk); the server's own errors are not.
    if (!client || this.tabErrors.allow()) this.log[level](cb ? "callback.error" : "message.refused", { code, callback: cb?.name, shared: cb?.service.shared || undefined, client: client?.id, error: e instanceof Error && !known ? e : text.split("\n")[0] });
    if (!client || !client.connected) return;
    const shown = this.showErrors || known ? text : `[${code}] callback "${cb?.name}" failed (see the server log)`;
    client.outbox.putError(code, shown, toastHtml(code, shown));
  }
}


