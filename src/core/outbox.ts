/**
 * @module outbox
 * What goes to one client, coalesced: component fragments keyed by id (a newer render of the
 * same component replaces the older one and moves to the end, so order stays right), error
 * toasts, the latest ack and shared version. Flushed once the burst of work is done, as one JSON
 * frame that htmx swaps (the runtime's Flusher batches its tabs' flushes). A client whose socket
 * is backed up is not flushed until it drains, and then gets the latest state of each component,
 * never a growing backlog. Toasts and errors waiting are capped; a socket backed up past its
 * budgets (bytes, time) has the client closed.
 */

import { FRAME } from "./wire.ts";
import { Fragments, GONE } from "./fragments.ts";
import type { BudgetKind } from "./budgets.ts";
import type { Transport } from "./transport.ts";

/** What an outbox needs of its tab (a Client): its connection, whether it is open, its budgets. */
export interface OutboxOwner {
  readonly transport: Transport;
  readonly connected: boolean;
  messagesOut: number;
  /** Closes the tab over a budget (set by the runtime). */
  overBudget(kind: BudgetKind): void;
}

/** Above this many buffered bytes a client is "slow": we stop writing until it drains. */
export const HIGH_WATER = 256 * 1024;
/** More appends than this waiting for one component: send one full render instead. */
const MAX_APPENDS = 32;
/** Toasts, and errors, waiting for one frame: older ones are dropped (a flood shows the latest). */
export const MAX_TOASTS = 5;

/**
 * The outboxes of one runtime waiting for the next flush, flushed together once the burst of work
 * is done; and the frame of the last broadcast, so every tab given the same content reuses one
 * encoded string. The fan-out owns one; an outbox not yet joined to a runtime has its own.
 */
export class Flusher {
  private pending: Outbox[] = [];
  /** The previous batch's array, emptied: the two take turns, so a burst allocates no array. */
  private spare: Outbox[] = [];
  /** The fragments (the very strings) and version of the last plain frame encoded, and its JSON. */
  private lastParts: string[] = [];
  private lastVersion = 0;
  private lastJson: string | undefined;

  add(o: Outbox): void {
    this.pending.push(o);
    if (this.pending.length === 1) setImmediate(this.flushAll);
  }

  /**
   * The tabs whose frame carries an ack (the tabs whose message caused the burst) go last: the
   * sender already shows its value, the other tabs are waiting for it; and a write that wakes the
   * sender's browser can take the CPU from this loop before the other tabs' writes (the relay floor
   * sends to its sender last too: Bun corks the socket whose handler is running).
   */
  private readonly flushAll = (): void => {
    const batch = this.pending;
    this.pending = this.spare;
    let acked = 0;
    for (let i = 0; i < batch.length; i++) {
      const o = batch[i]!;
      if (o.acking) batch[acked++] = o;
      else o.flush();
    }
    for (let i = 0; i < acked; i++) batch[i]!.flush();
    batch.length = 0;
    this.spare = batch;
    this.lastParts = [];
    this.lastJson = undefined;
  };

  /**
   * The JSON of a frame that is only fragments and a version. A broadcast puts the very same
   * strings in every tab's outbox, so the tabs of one burst compare theirs with the last frame's
   * (a pointer comparison when they are the same strings; no concatenation per tab) and share one
   * encoded string: a tab costs no allocation (scripts/bench/fan-out-cost.ts).
   */
  plainJson(fragments: Fragments, version: number): string {
    const last = this.lastParts;
    if (this.lastJson !== undefined && version === this.lastVersion && fragments.size === last.length) {
      const { keys, htmls } = fragments;
      let j = 0;
      for (let i = 0; i < keys.length; i++) if (keys[i] !== GONE && htmls[i] !== last[j++]) return this.encode(fragments, version);
      return this.lastJson;
    }
    return this.encode(fragments, version);
  }

  private encode(fragments: Fragments, version: number): string {
    const parts: string[] = [];
    for (let i = 0; i < fragments.keys.length; i++) if (fragments.keys[i] !== GONE) parts.push(fragments.htmls[i]!);
    const frame: Record<string, unknown> = { [FRAME.content]: parts.length === 1 ? parts[0] : parts.join("") };
    if (version) frame[FRAME.version] = version;
    this.lastParts = parts;
    this.lastVersion = version;
    return (this.lastJson = JSON.stringify(frame));
  }
}

export class Outbox {
  private fragments = new Fragments();
  /** Keys in `fragments` of the append fragments per component id. */
  private appends = new Map<string, string[]>();
  private appendSeq = 0;
  private toasts: string[] = [];
  private errors: { code: string; message: string }[] | undefined;
  private ack = 0;
  private version = 0;
  private scheduled = false;
  private blocked = false;
  /** The last send left nothing waiting (see Transport.backpressureInSend). */
  private clean = false;
  /** performance.now() when the socket backed up (0 while it is not). */
  private blockedSince = 0;
  private extra: Record<string, unknown> | undefined;
  /** Budgets of what may wait for this client (the runtime sets them; none by default). */
  limits = { pendingBytes: Infinity, blockedMs: Infinity };

  constructor(
    private readonly client: OutboxOwner,
    /** Set by the runtime when the tab connects (its fan-out's), so its tabs flush together. */
    public flusher = new Flusher(),
  ) {}

  /** Queue an HTML fragment (already carrying hx-swap-oob) for component `id`. */
  put(id: string, html: string): void {
    if (this.appends.size && this.appends.has(id)) {
      for (const k of this.appends.get(id)!) this.fragments.delete(k);
      this.appends.delete(id);
    }
    this.fragments.set(id, html);
    this.schedule();
  }

  /**
   * Queue a fragment that adds to component `id` (new chart points): these are not idempotent,
   * so they are kept in order rather than replaced. A slow tab, or one with a long backlog for
   * `id`, gets one full render instead (`full`), so its backlog never grows.
   */
  putAppend(id: string, html: string, full: () => string): void {
    const keys = this.appends.get(id) ?? [];
    if (this.blocked || keys.length >= MAX_APPENDS || this.fragments.has(id)) {
      this.put(id, full());
      return;
    }
    const key = `${id}\u0000${++this.appendSeq}`;
    keys.push(key);
    this.appends.set(id, keys);
    this.fragments.set(key, html);
    this.schedule();
  }

  /** An error for the frame's `errors` (and its toast); at most MAX_TOASTS wait, the latest kept. */
  putError(code: string, message: string, toastHtml: string): void {
    const errors = (this.errors ??= []);
    errors.push({ code, message });
    if (errors.length > MAX_TOASTS) errors.shift();
    this.putToast(toastHtml);
  }

  /** A toast (an error, or a message from an admin); at most MAX_TOASTS wait at a time. */
  putToast(toastHtml: string): void {
    this.toasts.push(toastHtml);
    if (this.toasts.length > MAX_TOASTS) this.toasts.shift();
    this.schedule();
  }

  putAck(seq: number): void {
    if (seq > this.ack) this.ack = seq;
    this.schedule();
  }

  putVersion(v: number): void {
    if (v > this.version) this.version = v;
  }

  /** Extra top-level keys for the next frame (e.g. hello). */
  putField(key: string, value: unknown): void {
    (this.extra ??= {})[key] = value;
    this.schedule();
  }

  /** An ack is waiting to go out in the next frame. */
  get acking(): boolean {
    return this.ack !== 0;
  }

  /** True while the socket is backed up and nothing more is written to it. */
  get isBlocked(): boolean {
    return this.blocked;
  }

  /**
   * Frames go out once the current burst of work is done (setImmediate runs after every pending
   * microtask): a message's echo, its synchronous callbacks' outputs and its ack leave as one frame.
   */
  private schedule(): void {
    if (this.scheduled) return;
    if (this.blocked) return this.checkBlocked();
    this.scheduled = true;
    this.flusher.add(this);
  }

  private block(): void {
    if (this.blocked) return;
    this.blocked = true;
    this.blockedSince = performance.now();
  }

  /** Output keeps coming for a socket that stays backed up: past a budget (bytes, time), close it. */
  private checkBlocked(): void {
    if (this.client.transport.buffered() > this.limits.pendingBytes) this.client.overBudget("pending");
    else if (this.blockedSince && performance.now() - this.blockedSince > this.limits.blockedMs) this.client.overBudget("blocked");
  }

  /** The socket drained: send what accumulated. */
  drain(): void {
    this.clean = false;
    this.blocked = false;
    this.blockedSince = 0;
    this.schedule();
  }

  flush(): void {
    this.scheduled = false;
    const c = this.client;
    if (!c.connected) return;
    // After a send that left nothing waiting (a transport that says so), the socket is not backed up.
    if (!this.clean && c.transport.buffered() > HIGH_WATER) {
      this.block();
      this.checkBlocked();
      return;
    }
    const fragments = this.fragments;
    if (!fragments.size && !this.toasts.length && !this.ack && !this.extra) return;
    let r: number;
    if (!this.toasts.length && !this.ack && !this.errors && !this.extra && !c.transport.sendFrame) {
      // Only fragments and a version (a broadcast): one encoding shared by the tabs of the burst.
      const json = this.flusher.plainJson(fragments, this.version);
      fragments.clear();
      if (this.appends.size) this.appends.clear();
      r = c.transport.send(json);
    } else r = this.sendFull(c.transport);
    c.messagesOut++;
    this.clean = r > 0 && c.transport.backpressureInSend === true;
    if (r === -1) this.block();
  }

  /** A frame with toasts, an ack, errors or extra keys, or for a transport that takes frame objects. */
  private sendFull(transport: Transport): number {
    const frame: Record<string, unknown> = {};
    if (this.fragments.size || this.toasts.length) {
      let content = "";
      content += this.fragments.join();
      for (const t of this.toasts) content += t;
      frame[FRAME.content] = content;
    }
    if (this.version) frame[FRAME.version] = this.version;
    if (this.ack) frame[FRAME.ack] = this.ack;
    if (this.errors) frame[FRAME.errors] = this.errors;
    if (this.extra) Object.assign(frame, this.extra);
    this.fragments.clear();
    this.appends.clear();
    this.toasts = [];
    this.errors = undefined;
    this.ack = 0;
    this.extra = undefined;
    return transport.sendFrame ? transport.sendFrame(frame) : transport.send(JSON.stringify(frame));
  }
}
