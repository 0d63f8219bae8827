/**
 * @module services
 * How a callback is served: who sees its outputs, whether calls run one at a time, and when the
 * first call happens. The presets mirror the original's (S0 regular, SHARED, SHARED_MOST_RECENT,
 * S2); any combination is a custom service: `{ ...Services.SHARED, serialized: false }`.
 */

export interface Service {
  /** Inputs and outputs are one shared state: every client sees them. */
  readonly shared: boolean;
  /** Calls run one at a time, in arrival order (a lock per callback). */
  readonly serialized: boolean;
  /** With `serialized`: only the latest waiting call runs, intermediate values are dropped. */
  readonly mostRecent: boolean;
  /** When the first call happens: once at server start, once per client, or never. */
  readonly initialCall: "server" | "client" | "none";
  /**
   * With `shared` and `serialized`: calls that may wait (default: the app's
   * budgets.maxWaitingCalls, 8); past it the newest waiting call takes the latest value.
   * Infinity: every call runs, however long the line.
   */
  readonly maxWaiting?: number;
}

export const Services = {
  /** Dash's regular callback: per-client outputs, concurrent across clients, first call per client. */
  REGULAR: { shared: false, serialized: false, mostRecent: false, initialCall: "client" },
  /** Shared state: outputs to everyone, serialized, first call at server start. */
  SHARED: { shared: true, serialized: true, mostRecent: false, initialCall: "server" },
  /** As SHARED, but a backlog of slider values collapses to the latest one. */
  SHARED_MOST_RECENT: { shared: true, serialized: true, mostRecent: true, initialCall: "server" },
  /** Per-client views, but calls serialized across all clients (one device per client, say). */
  S2: { shared: false, serialized: true, mostRecent: false, initialCall: "client" },
} as const satisfies Record<string, Service>;
