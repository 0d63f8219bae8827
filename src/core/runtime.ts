/**
 * @module runtime
 * The composition root of one app's live core: it makes the parts, hands each the small
 * interfaces of the others it needs, and is the face the App and the server talk to. It owns no
 * flow of its own besides pushMods. The parts, in the order a change passes through them:
 * inbox.ts (a tab's message) -> chains.ts (which callbacks run) -> invoke.ts (one call, its lock)
 * -> fan-out.ts (who sees the outputs, rendered) -> stores.ts (the values) -> outbox.ts (the
 * frame); beside them component-index.ts, registry.ts (callbacks), tabs.ts (connect, leave,
 * budgets) and report.ts (errors). No part imports this file.
 */

import type { Child, Component } from "./component.ts";
import { ComponentIndex, type LayoutSource } from "./component-index.ts";
import type { CallbackGraph, CallbackDef } from "./graph.ts";
import type { Client } from "./client.ts";
import { createLogger, type Logger } from "./log.ts";
import { resolveBudgets, type Budgets } from "./budgets.ts";
import type { ClientsideDef } from "./clientside.ts";
import { Chains } from "./chains.ts";
import { normalizeMods, type Mods } from "./mods.ts";
import { CallbackRegistry } from "./registry.ts";
import { Stores } from "./stores.ts";
import { ErrorReporter } from "./report.ts";
import { FanOut } from "./fan-out.ts";
import { Tabs, type ConnectHandler } from "./tabs.ts";
import { Inbox, type InputGuard, type InputListener } from "./inbox.ts";

export type { LayoutSource, Mods, ConnectHandler };
export type { Scoped } from "./fan-out.ts";

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

export class Runtime {
  readonly log: Logger;
  /** What one tab may cost (core/budgets.ts). */
  readonly budgets: Budgets;
  readonly components = new ComponentIndex();
  readonly callbacks: CallbackRegistry;
  readonly stores: Stores;
  readonly reporter: ErrorReporter;
  readonly fanOut: FanOut;
  readonly chains: Chains;
  readonly tabs: Tabs;
  readonly inbox: Inbox;

  constructor(opts: RuntimeOptions = {}) {
    const log = (this.log = opts.log ?? createLogger());
    const budgets = (this.budgets = resolveBudgets(opts.budgets));
    const components = this.components;
    const callbacks = (this.callbacks = new CallbackRegistry(components, budgets.maxWaitingCalls, opts.slowCallbackMs, () => log));
    const stores = (this.stores = new Stores(components));
    const reporter = (this.reporter = new ErrorReporter(log, opts.showErrors ?? true));
    const fanOut = (this.fanOut = new FanOut(components, stores, callbacks.graph.sharedKeys, reporter));
    const chains = (this.chains = new Chains({ callbacks, values: stores, components, writer: fanOut, reporter, clients: fanOut.clients }));
    const tabs = (this.tabs = new Tabs({
      fanOut,
      version: () => stores.version,
      initialCalls: (client) => chains.client(client, [], true),
      push: (mods, client) => this.pushMods(mods, client),
      reporter,
      budgets,
      log,
    }));
    this.inbox = new Inbox({
      components,
      graph: callbacks.graph,
      currentProps: (id, client) => stores.currentProps(id, client),
      writer: fanOut,
      sharedChain: (keys, origin) => chains.shared(keys, origin),
      clientChain: (client, keys) => chains.client(client, keys),
      closeOverBudget: (client, kind) => tabs.closeOverBudget(client, kind),
      reporter,
      budgets,
      log,
      maxMessageBytes: opts.maxMessageBytes ?? 64 * 1024,
      maxInflight: opts.maxInflight ?? 1000,
    });
  }

  // ---------------------------------------------------------------- what the App and server read

  get graph(): CallbackGraph {
    return this.callbacks.graph;
  }
  get clientside(): readonly ClientsideDef[] {
    return this.callbacks.clientside;
  }
  get clients(): Set<Client> {
    return this.fanOut.clients;
  }
  /** Latest definition of every component with an id. */
  get index(): ReadonlyMap<string, Component> {
    return this.components.map;
  }
  /** Seq of the latest shared write: a page rendered at this version is current. */
  get version(): number {
    return this.stores.version;
  }
  get connectHandlers(): ConnectHandler[] {
    return this.tabs.connectHandlers;
  }
  get budgetListeners(): ((client: Client, reason: string) => void)[] {
    return this.tabs.budgetListeners;
  }
  get authorizers(): ((client: Client, outputId: string) => unknown)[] {
    return this.fanOut.authorizers;
  }
  get inputGuards(): InputGuard[] {
    return this.inbox.inputGuards;
  }
  get inputListeners(): InputListener[] {
    return this.inbox.inputListeners;
  }
  /** Largest accepted message in bytes (the HTTP service reads bodies no further). */
  get maxMessageBytes(): number {
    return this.inbox.maxMessageBytes;
  }

  get layout(): LayoutSource | undefined {
    return this.components.layout;
  }
  set layout(l: LayoutSource | undefined) {
    this.components.layout = l;
  }
  get validationLayout(): Child | undefined {
    return this.components.validationLayout;
  }
  set validationLayout(l: Child | undefined) {
    this.components.validationLayout = l;
  }
  get suppressCallbackExceptions(): boolean {
    return this.callbacks.suppressCallbackExceptions;
  }
  set suppressCallbackExceptions(v: boolean) {
    this.callbacks.suppressCallbackExceptions = v;
  }
  get started(): boolean {
    return this.callbacks.started;
  }
  set started(v: boolean) {
    this.callbacks.started = v;
  }
  /** The transport's attributes that make a control send (src/transports/); set before the first render. */
  set sendAttrs(f: ((trigger: string) => Record<string, unknown>) | undefined) {
    this.fanOut.sendAttrs = f;
  }

  // ---------------------------------------------------------------- delegates

  addCallback(args: unknown[], shared: boolean): CallbackDef {
    return this.callbacks.add(args, shared);
  }
  addClientside(args: unknown[]): ClientsideDef {
    return this.callbacks.addClientside(args);
  }
  validate(): void {
    this.callbacks.validate();
  }
  renderLayout(client?: Client): string {
    return this.fanOut.renderLayout(client);
  }
  value(id: string, prop: string, client?: Client): unknown {
    return this.stores.value(id, prop, client);
  }
  /** First calls of shared callbacks, once, at server start, in rank order. */
  initialShared(): Promise<void> {
    return this.chains.initialShared();
  }
  connect(client: Client, pageVersion: number, reconnect: boolean): void {
    this.tabs.connect(client, pageVersion, reconnect);
  }
  disconnect(client: Client): void {
    this.tabs.disconnect(client);
  }
  /** One message from a tab (core/inbox.ts). */
  handleMessage(client: Client, raw: unknown): void {
    this.inbox.handle(client, raw);
  }
  notify(text: string, client?: Client): void {
    this.fanOut.notify(text, client);
  }
  reportError(e: unknown, client: Client | undefined, cb?: CallbackDef): void {
    this.reporter.reportError(e, client, cb);
  }

  /**
   * Property changes from the app: to one tab, or to everyone (and to the shared state later tabs
   * get). Callbacks listening to the changed properties run as if a user had made the change.
   */
  pushMods(mods: Mods, client?: Client): void {
    this.components.ensure();
    const changes = normalizeMods(mods, this.components.map);
    if (client) {
      if (!client.connected) return;
      const keys = this.fanOut.write(changes, client);
      const sharedKeys = keys.filter((k) => this.graph.sharedKeys.has(k));
      client.queue.push(() => this.chains.client(client, keys));
      if (sharedKeys.length) void this.chains.shared(sharedKeys, client);
      return;
    }
    void this.chains.shared(this.fanOut.write(changes, undefined), undefined);
  }
}
