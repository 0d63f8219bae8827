/**
 * @module lease
 * The control lease: one tab at a time drives the device, the others watch live. A tab takes
 * control when nobody has it, requests it when someone does (the holder can hand it over), gives
 * it back, or loses it after a while without touching a control. An admin can take it, or give it
 * to any tab from /admin. Built with the app's own pieces: a panel component whose content each
 * tab gets for itself (pushMods to one tab), buttons with regular callbacks, and a guard the runtime
 * asks before applying a control change (refused changes snap back).
 *
 * @example
 * const app = new App({ title: "Robot arm" });
 * const lease = app.controlLease({ idleMs: 60_000 });
 * app.layout = html.Div([lease.panel(), dcc.Slider({ id: "joint1" }), ...]);
 */

import type { AppSurface } from "../app-surface.ts";
import type { Client } from "../core/client.ts";
import type { Component } from "../core/component.ts";
import { Input } from "../core/dependencies.ts";
import { DashDevicesError } from "../core/errors.ts";
import { html } from "../core/html.ts";
import { hasRole } from "../core/roles.ts";

export interface LeaseOptions {
  /** Ids of the controls the lease covers (default: every control whose value reaches a shared callback, as Input or State). */
  controls?: readonly string[];
  /** Control is given back after this long without a change from the holder (default 2 minutes). */
  idleMs?: number;
}

export const LEASE_IDS = {
  panel: "dd_lease",
  take: "dd_lease_take",
  release: "dd_lease_release",
  request: "dd_lease_request",
  handOver: "dd_lease_hand_over",
} as const;

const who = (c: Client) => (c.user ? `${c.user.username} (${c.ip})` : `tab ${c.id} (${c.ip})`);

export class ControlLease {
  holder: Client | undefined;
  /** Tabs that asked for control, oldest first. */
  readonly requests: Client[] = [];
  private lastActivity = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly idleMs: number;

  constructor(
    private readonly app: AppSurface,
    private readonly options: LeaseOptions = {},
  ) {
    this.idleMs = options.idleMs ?? 120_000;
    const rt = app.runtime;
    rt.inputGuards.push((client, id) => this.guard(client, id));
    rt.inputListeners.push((client, id) => {
      if (client === this.holder && this.covers(id)) this.lastActivity = Date.now();
    });
    app.callback(null, Input(LEASE_IDS.take, "n_clicks"), (_n: unknown, ctx) => this.take(ctx.client));
    app.callback(null, Input(LEASE_IDS.release, "n_clicks"), (_n: unknown, ctx) => {
      if (ctx.client === this.holder) this.release(`${who(ctx.client)} gave control back`);
    });
    app.callback(null, Input(LEASE_IDS.request, "n_clicks"), (_n: unknown, ctx) => this.request(ctx.client));
    app.callback(null, Input(LEASE_IDS.handOver, "n_clicks"), (_n: unknown, ctx) => {
      if (ctx.client === this.holder && this.requests.length) this.give(this.requests[0]!, `${who(ctx.client)} handed control over`);
    });
    app.callbackConnect((client, connected) => {
      if (connected) return this.panelMods(client);
      const i = this.requests.indexOf(client);
      if (i >= 0) this.requests.splice(i, 1);
      if (client === this.holder) this.release(`${who(client)} left`);
      else this.refresh();
    });
    this.timer = setInterval(
      () => {
        if (this.holder && Date.now() - this.lastActivity > this.idleMs) this.release(`${who(this.holder)} was idle`);
      },
      Math.min(5000, this.idleMs),
    );
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** The panel to put in the layout: who has control, and the buttons this tab may use. */
  panel(): Component {
    return html.Div({ id: LEASE_IDS.panel, className: "dd-lease", "aria-live": "polite" });
  }

  /** Components the panel may contain, for the app's validation at start. */
  validationComponents(): Component[] {
    return Object.values(LEASE_IDS)
      .filter((id) => id !== LEASE_IDS.panel)
      .map((id) => html.Button({ id }));
  }

  /**
   * Whether the lease covers a control: the listed ones, or by default every control whose value
   * reaches a shared callback or shared value, as Input or as State, directly or through other
   * callbacks (graph.reach): a value only read as State still sets what the device does next.
   */
  covers(id: string): boolean {
    if (this.options.controls) return this.options.controls.includes(id);
    const graph = this.app.runtime.graph;
    for (const key of graph.readKeys()) if (key.slice(0, key.lastIndexOf(".")) === id && graph.reach(key).shared) return true;
    return false;
  }

  private guard(client: Client, id: string): DashDevicesError | undefined {
    if (!this.covers(id) || client === this.holder) return undefined;
    if (!this.holder) {
      // Nobody has control: the first tab to move a control takes it.
      this.give(client, `${who(client)} took control`);
      return undefined;
    }
    return new DashDevicesError("DD_NOT_AUTHORIZED", {
      what: `${who(this.holder)} has control of the device.`,
      expected: "changes from the tab that holds control",
      found: `a change to "${id}" from ${who(client)}`,
      fix: 'press "Request control"; the holder can hand it over, or it returns when they are idle',
    });
  }

  take(client: Client): void {
    if (!this.holder) return this.give(client, `${who(client)} took control`);
    if (hasRole(client.user?.role, "admin") && client !== this.holder)
      return this.give(client, `admin ${who(client)} took control from ${who(this.holder)}`);
  }

  request(client: Client): void {
    if (client === this.holder || this.requests.includes(client)) return;
    if (!this.holder) return this.give(client, `${who(client)} took control`);
    this.requests.push(client);
    this.refresh();
  }

  give(client: Client, why: string): void {
    this.holder = client;
    this.lastActivity = Date.now();
    const i = this.requests.indexOf(client);
    if (i >= 0) this.requests.splice(i, 1);
    this.app.log.info("lease.holder", { client: client.id, user: client.user?.username, why });
    this.refresh();
  }

  release(why: string): void {
    if (!this.holder) return;
    this.app.log.info("lease.released", { client: this.holder.id, why });
    this.holder = undefined;
    const next = this.requests.shift();
    if (next?.connected) this.give(next, `${who(next)} was next in line`);
    else this.refresh();
  }

  /** The panel as `client` sees it. */
  private panelMods(client: Client) {
    const h = this.holder;
    const status = h ? (h === client ? "You have control." : `${who(h)} has control.`) : "Nobody has control: move a control or take it.";
    const buttons: Component[] = [];
    if (!h) buttons.push(html.Button("Take control", { id: LEASE_IDS.take }));
    else if (h === client) {
      buttons.push(html.Button("Give control back", { id: LEASE_IDS.release }));
      if (this.requests.length) buttons.push(html.Button(`Hand over to ${who(this.requests[0]!)}`, { id: LEASE_IDS.handOver }));
    } else {
      buttons.push(
        html.Button(this.requests.includes(client) ? "Requested…" : "Request control", {
          id: LEASE_IDS.request,
          disabled: this.requests.includes(client),
        }),
      );
      if (hasRole(client.user?.role, "admin")) buttons.push(html.Button("Take control (admin)", { id: LEASE_IDS.take }));
    }
    const waiting = this.requests.length ? html.Small(` ${this.requests.length} waiting`) : null;
    return {
      [LEASE_IDS.panel]: {
        children: [html.Span(status, { className: "dd-lease-status" }), waiting, html.Span(buttons, { className: "dd-lease-buttons" })],
        "data-holder": h === client ? "you" : h ? "other" : "none",
      },
    };
  }

  /** Sends every tab its own view of the panel. */
  refresh(): void {
    for (const c of this.app.clients) this.app.pushMods(this.panelMods(c), c);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
