/**
 * @module mods
 * What `pushMods` accepts, normalized to a list of changes: `{ id: { prop: value } }`, one
 * `Output(id, prop, value)` or a list of them. Unknown ids and props are errors that say so.
 */

import type { Component, Props } from "./component.ts";
import { OutputDep } from "./dependencies.ts";
import { DashDevicesError, describe } from "./errors.ts";
import type { Change } from "./stores.ts";

export type Mods = Record<string, Props> | OutputDep | OutputDep[];

export function normalizeMods(mods: Mods, index: ReadonlyMap<string, Component>): Change[] {
  const list: Change[] = [];
  if (mods instanceof OutputDep || Array.isArray(mods)) {
    for (const o of Array.isArray(mods) ? mods : [mods]) {
      if (!(o instanceof OutputDep) || !o.hasValue) {
        throw new DashDevicesError("DD_BAD_DEPENDENCY", {
          what: "pushMods was given a list with something other than Output(id, prop, value).",
          expected: 'Output("id", "prop", value)',
          found: describe(o),
          fix: "pass { id: { prop: value } } or Output objects with values",
        });
      }
      list.push({ id: o.id, prop: o.prop, value: o.value });
    }
  } else if (mods && typeof mods === "object") {
    for (const [id, props] of Object.entries(mods)) {
      if (!props || typeof props !== "object") {
        throw new DashDevicesError("DD_BAD_DEPENDENCY", {
          what: `pushMods: the mods for "${id}" are not an object of props.`,
          expected: `{ ${id}: { prop: value } }`,
          found: describe(props),
          fix: "map each id to an object of props",
        });
      }
      for (const [prop, value] of Object.entries(props)) list.push({ id, prop, value });
    }
  }
  for (const ch of list) {
    const comp = index.get(ch.id);
    if (!comp) {
      throw new DashDevicesError("DD_UNKNOWN_ID", {
        what: `pushMods names "${ch.id}", which is not a component of the layout.`,
        expected: "an id from app.layout",
        found: describe(ch.id),
        fix: "check the id",
      });
    }
    if (
      !(
        comp.spec.props.includes(ch.prop) ||
        ["children", "style", "className", "hidden", "title", "disabled"].includes(ch.prop) ||
        /^(data|aria)-/.test(ch.prop)
      )
    ) {
      throw new DashDevicesError("DD_UNKNOWN_PROP", {
        what: `pushMods sets "${ch.prop}" on ${comp.spec.type} "${ch.id}", which has no such prop.`,
        expected: `one of: ${comp.spec.props.join(", ")}, children, style, className, hidden, disabled`,
        found: ch.prop,
        fix: "check the prop name",
      });
    }
  }
  return list;
}
