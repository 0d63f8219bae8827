/**
 * @module fragments
 * The fragments waiting in one tab's outbox, in the order they go out: a key (a component id, or
 * an append's own key) and its HTML. Setting a key again removes the older entry and adds the new
 * one at the end. Kept in two plain arrays rather than a Map: a broadcast to 1,000 tabs sets and
 * clears each tab's store every change, and a Map allocates on delete, set and clear (about 220
 * bytes a tab a change, measured with scripts/bench/fan-out-cost.ts), arrays reused in place do
 * not. A removed entry leaves a hole (key `GONE`) until the store is cleared or compacted, so a
 * removal never shifts the others; past `INDEX_AT` entries a Map finds keys, so a tab waiting
 * with many components stays linear.
 */

/** The key of a removed entry (no component id or append key is this). */
export const GONE = "\u0000";
/** More entries than this: keys are looked up in a Map instead of scanned. */
const INDEX_AT = 16;

export class Fragments {
  /** Keys and HTML side by side, in send order; removed entries have key GONE. */
  readonly keys: string[] = [];
  readonly htmls: string[] = [];
  private live = 0;
  private index: Map<string, number> | undefined;

  /** Entries waiting (holes not counted). */
  get size(): number {
    return this.live;
  }

  has(key: string): boolean {
    return this.slot(key) >= 0;
  }

  /** Sets `key` to `html` at the end (an older entry for `key` is removed). */
  set(key: string, html: string): void {
    this.delete(key);
    if (this.keys.length >= 2 * this.live + INDEX_AT) this.compact();
    this.index?.set(key, this.keys.length);
    this.keys.push(key);
    this.htmls.push(html);
    if (++this.live > INDEX_AT && !this.index) this.reindex();
  }

  delete(key: string): boolean {
    const i = this.slot(key);
    if (i < 0) return false;
    this.keys[i] = GONE;
    this.htmls[i] = "";
    this.index?.delete(key);
    this.live--;
    return true;
  }

  clear(): void {
    this.keys.length = 0;
    this.htmls.length = 0;
    this.live = 0;
    this.index = undefined;
  }

  /** The HTML of every entry, in order, joined. */
  join(): string {
    let s = "";
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] !== GONE) s += this.htmls[i];
    return s;
  }

  private slot(key: string): number {
    if (this.index) return this.index.get(key) ?? -1;
    return this.live ? this.keys.indexOf(key) : -1;
  }

  /** Drops the holes. */
  private compact(): void {
    let j = 0;
    for (let i = 0; i < this.keys.length; i++) {
      if (this.keys[i] === GONE) continue;
      this.keys[j] = this.keys[i]!;
      this.htmls[j++] = this.htmls[i]!;
    }
    this.keys.length = this.htmls.length = j;
    if (this.index) this.reindex();
  }

  private reindex(): void {
    const index = new Map<string, number>();
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] !== GONE) index.set(this.keys[i]!, i);
    this.index = index;
  }
}
