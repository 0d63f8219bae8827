/**
 * @module audit-buffer
 * The appliance's own audit entries (tabs connecting and leaving, shared values changed), written
 * in batches: kept in memory with the time they happened and written in one transaction every
 * `flushMs` or as soon as `maxRows` are waiting, so a burst of a thousand connects is a handful of
 * commits, not a thousand. `stop()` writes what is left (a clean stop loses nothing; a kill -9
 * loses at most the last `flushMs` of connects and disconnects). Entries that record what a person
 * did to the device (a shared value changed) are `durable`: written
 * at once, with whatever waits before them (order kept), since they are already throttled and a
 * power cut must not erase who drove the device last. After each batch `onWritten` tells the
 * admin console.
 */

import { auditMany, type AuditEntry } from "../db/audit.ts";
import type { Db } from "../db/open.ts";
import type { Logger } from "../core/log.ts";

export interface AuditBufferOptions {
  /** Longest time an entry waits (default 250 ms). */
  flushMs?: number;
  /** Entries that make a batch at once (default 100). */
  maxRows?: number;
  /** Called after each batch is written. */
  onWritten?: () => void;
}

export class AuditBuffer {
  private rows: AuditEntry[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly flushMs: number;
  private readonly maxRows: number;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly options: AuditBufferOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 250;
    this.maxRows = options.maxRows ?? 100;
  }

  /** Queues one entry, stamped with the time now; `durable`: committed before this returns. */
  add(entry: AuditEntry, durable = false): void {
    this.rows.push({ ...entry, time: entry.time ?? new Date() });
    if (durable || this.rows.length >= this.maxRows) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.flushMs);
      (this.timer as { unref?: () => void }).unref?.();
    }
  }

  /** Writes every waiting entry in one transaction. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.rows.length) return;
    const batch = this.rows;
    this.rows = [];
    try {
      auditMany(this.db, batch);
    } catch (e) {
      this.log.error("audit.error", { error: e as Error, entries: batch.length });
      return;
    }
    try {
      this.options.onWritten?.();
    } catch (e) {
      this.log.error("audit.error", { error: e as Error });
    }
  }

  /** Writes what is left; later entries are written at once. */
  stop(): void {
    this.flush();
  }
}
