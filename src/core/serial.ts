/**
 * @module serial
 * Serial execution: a FIFO queue of jobs where each starts only after the previous one settled.
 * Used for a client's messages (handled in arrival order) and for a shared callback's lock
 * (the device sees calls one at a time, in the order the messages arrived).
 */

import { createLogger } from "./log.ts";

export type Job = () => unknown;

/** What an emptied slot holds (a job that ran): one shared function, so the array keeps one element type. */
const DONE: Job = () => undefined;

/** A job that failed without handling its error: logged like every other line (in the process's format). */
const logJobError = (e: unknown) => createLogger().error("serial.job-failed", { error: e instanceof Error ? e : String(e) });

export class SerialQueue {
  private jobs: Job[] = [];
  private head = 0;
  private running = false;
  /** Called with any error a job throws or rejects with (jobs should handle their own). */
  constructor(private readonly onError: (e: unknown) => void = logJobError) {}

  /** Jobs waiting, not counting the one running. */
  get waiting(): number {
    return this.jobs.length - this.head;
  }

  get busy(): boolean {
    return this.running;
  }

  push(job: Job): void {
    this.jobs.push(job);
    if (!this.running) void this.drain();
  }

  /** Runs `job` in turn and resolves with its result. */
  run<T>(job: () => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) =>
      this.push(() => {
        let r: T | Promise<T>;
        try {
          r = job();
        } catch (e) {
          reject(e);
          return;
        }
        if (r && typeof (r as Promise<T>).then === "function") return (r as Promise<T>).then(resolve, reject);
        resolve(r as T);
      }),
    );
  }

  /** Drops waiting jobs (not the running one); returns them so callers can settle them. */
  clear(): Job[] {
    const dropped = this.jobs.slice(this.head);
    this.jobs = [];
    this.head = 0;
    return dropped;
  }

  /**
   * Runs the jobs in turn. A job's slot is emptied before it runs and the array is reset once the
   * queue is empty: a job that ran is not kept reachable (with what its closure holds: a message's
   * changes, a call's arguments) until a later compaction, which made every young-generation
   * collection mark and promote the last thousand messages' garbage (~1 ms pauses at p99).
   */
  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.head < this.jobs.length) {
        const job = this.jobs[this.head]!;
        this.jobs[this.head++] = DONE;
        if (this.head === this.jobs.length) {
          this.jobs.length = 0;
          this.head = 0;
        } else if (this.head > 1024 && this.head * 2 > this.jobs.length) {
          this.jobs = this.jobs.slice(this.head);
          this.head = 0;
        }
        try {
          const r = job();
          // Only await real promises: synchronous jobs run back to back without a tick between.
          if (r && typeof (r as Promise<unknown>).then === "function") await r;
        } catch (e) {
          this.onError(e);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
