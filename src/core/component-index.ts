/**
 * @module component-index
 * The components of one app by id: the layout (a tree, or a function called per page), the
 * validation layout, and the latest definition of every component with an id that was laid out,
 * rendered or returned by a callback. It also remembers which component types were ever seen, so a
 * page loads a type's scripts only when it is used. Nothing here knows about tabs or stores.
 */

import { isComponent, type Child, type Component, type ComponentSpec } from "./component.ts";
import { DashDevicesError } from "./errors.ts";

export type LayoutSource = Child | (() => Child);

/** What the other parts read of the index (the stores, the fan-out, the inbox, the chains). */
export interface ComponentLookup {
  get(id: string): Component | undefined;
  hasType(type: string): boolean;
}

export class ComponentIndex implements ComponentLookup {
  layout: LayoutSource | undefined;
  validationLayout: Child | undefined;
  /** Latest definition of every component with an id (add through `see`). */
  private readonly byId = new Map<string, Component>();
  /** Component types ever seen, with their specs (a page loads their `assets`). */
  private readonly types = new Map<string, ComponentSpec>();

  get(id: string): Component | undefined {
    return this.byId.get(id);
  }

  /** The index as a read-only map (pushMods checks ids against it; intervals list theirs). */
  get map(): ReadonlyMap<string, Component> {
    return this.byId;
  }

  get size(): number {
    return this.byId.size;
  }

  /** True if a component of this type is in the layout (or was rendered): pages load its scripts. */
  hasType(type: string): boolean {
    return this.types.has(type);
  }

  /** The spec of every type ever seen: a page loads the files they declare in `assets`. */
  specsInUse(): IterableIterator<ComponentSpec> {
    return this.types.values();
  }

  /** A component with an id was laid out, rendered or returned: it is the new definition of its id. */
  see(c: Component): void {
    this.byId.set(c.props.id as string, c);
    this.types.set(c.spec.type, c.spec);
  }

  /** Evaluates the layout (a function is called per page load). */
  tree(): Child {
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
  ensure(): void {
    if (this.byId.size || this.layout === undefined) return;
    this.walk((c) => {
      if (c.props.id !== undefined) this.see(c);
    });
  }

  /**
   * Indexes every component of the layout and the validation layout (a definition already indexed
   * is kept: it may be newer than the layout's) and returns the spec of every id they contain.
   */
  scan(): Map<string, ComponentSpec> {
    const known = new Map<string, ComponentSpec>();
    this.walk((c) => {
      this.types.set(c.spec.type, c.spec);
      const id = c.props.id as string | undefined;
      if (id === undefined) return;
      known.set(id, c.spec);
      if (!this.byId.has(id)) this.see(c);
    });
    return known;
  }

  /** Visits every component of the layout and the validation layout, depth first. */
  private walk(visit: (c: Component) => void): void {
    const step = (c: unknown): void => {
      if (Array.isArray(c)) return c.forEach(step);
      if (!isComponent(c)) return;
      visit(c);
      step(c.props.children);
    };
    step(this.tree());
    step(this.validationLayout);
  }
}
