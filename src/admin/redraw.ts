/**
 * @module admin/redraw
 * The console's "something changed" signals, coalesced: tabs of the app opening and closing, users
 * changing, audit entries written. A signal marks its section; the marks are pushed to the console's
 * tabs together (one `pushMods` of revision stores) at most once per `REDRAW_MS`, on a trailing
 * timer, so a burst of a thousand connects costs a handful of redraws, not a thousand. Nothing is
 * pushed while no console tab is open: a console tab that opens draws every section afresh.
 * The users table is redrawn for tab changes only when some user's number of open tabs changed
 * (anonymous tabs coming and going leave it alone).
 */

import type { AppSurface } from "../app-surface.ts";

/** Console redraws happen at most this often, whatever the rate of changes. */
export const REDRAW_MS = 250;

export type Section = "tabs" | "users" | "audit";

/** Store ids of the revision counters, one per section (the console's callbacks take them as Input). */
export const REV_IDS: Record<Section, string> = { tabs: "tabs_rev", users: "users_rev", audit: "audit_rev" };

export class Redraws {
  /** Current revision of each section (rendered into a newly opened console page). */
  readonly rev: Record<Section, number> = { tabs: 0, users: 0, audit: 0 };
  private readonly dirty = new Set<Section>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last = 0;
  /** Open tabs per user, as the users table last showed them. */
  private userTabs = "";

  constructor(
    private readonly admin: AppSurface,
    private readonly app: AppSurface,
    private readonly windowMs = REDRAW_MS,
  ) {}

  /** Marks a section for the next redraw (at once if none happened in the last window). */
  mark(section: Section): void {
    this.dirty.add(section);
    if (this.timer) return;
    const wait = Math.max(0, this.last + this.windowMs - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Pushes the marked sections' new revisions to every console tab. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.last = Date.now();
    if (!this.dirty.size) return;
    if (!this.admin.clients.size) {
      this.dirty.clear();
      return;
    }
    if (this.dirty.has("tabs")) {
      const now = this.userTabsSignature();
      if (now !== this.userTabs) this.dirty.add("users");
      this.userTabs = now;
    }
    const mods: Record<string, { data: number }> = {};
    for (const s of this.dirty) mods[REV_IDS[s]] = { data: ++this.rev[s] };
    this.dirty.clear();
    this.admin.pushMods(mods);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.dirty.clear();
  }

  private userTabsSignature(): string {
    const ids: number[] = [];
    for (const c of this.app.clients) if (c.user) ids.push(c.user.id);
    return ids.sort((a, b) => a - b).join(",");
  }
}
