/**
 * @module sim-clock
 * Time for simulated hardware: the real clock by default, or a manual one that tests advance by
 * hand, so debounce and conversion delays are deterministic (no sleeping, no timing assertions).
 */

import { monotonicNs } from "./libc.ts";

export interface SimClock {
  /** Monotonic time in nanoseconds. */
  nowNs(): bigint;
  /** Call `fn` after `ms`; returns a cancel function. */
  setTimer(ms: number, fn: () => void): () => void;
}

/** Wall time, on CLOCK_MONOTONIC like the kernel's event timestamps. */
export const realClock: SimClock = {
  nowNs: () => monotonicNs(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

/**
 * A clock that only moves when told to.
 * @example const clock = new ManualClock(); const chip = new SimGpioChip({ clock }); clock.advance(10);
 */
export class ManualClock implements SimClock {
  private now = 0n;
  private seq = 0;
  private timers: Array<{ at: bigint; seq: number; fn: () => void }> = [];

  nowNs(): bigint {
    return this.now;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const t = { at: this.now + BigInt(Math.round(ms * 1e6)), seq: this.seq++, fn };
    this.timers.push(t);
    return () => {
      this.timers = this.timers.filter((x) => x !== t);
    };
  }

  /** Move time forward, firing due timers in time order (each sees the clock at its own due time). */
  advance(ms: number): void {
    const end = this.now + BigInt(Math.round(ms * 1e6));
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => (a.at === b.at ? a.seq - b.seq : a.at < b.at ? -1 : 1))[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.now = due.at;
      due.fn();
    }
    this.now = end;
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.timers.length;
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Block this thread for `ms` (fractions too), as a syscall waiting on hardware would: nothing else
 * runs on it meanwhile. Used for a simulated bus's transfer time and hung bus, never for timers.
 */
export function blockFor(ms: number): void {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}
