/**
 * @module dcc/store
 * `dcc.Store`: data kept on the server for callbacks to share, never sent to the browser (it may
 * be large or private). `storage_type: "memory"` keeps one copy per tab, `"shared"` one for all
 * tabs. Dash's "local" and "session" (browser storage) have no meaning here and are refused.
 * `serverOnly`: changes to `data` are never re-sent to tabs.
 */

import { attrs, type ComponentSpec, type Props } from "../component.ts";
import { checkOneOf } from "./checked.ts";

const TYPE = "dcc.Store";

export const STORAGE_TYPES = ["memory", "shared"] as const;

export const storeSpec: ComponentSpec = {
  type: TYPE,
  props: ["data", "storage_type", "modified_timestamp"],
  defaults: { storage_type: "memory" },
  serverOnly: true,
  render(p) {
    // Only the id and the storage type: the data stays on the server.
    const a = { id: p.id, class: "dd-store", hidden: true, "data-storage": p.storage_type === "shared" ? "shared" : "memory" };
    return `<div${attrs(a)}></div>`;
  },
};

export function checkStore(p: Props): void {
  checkOneOf(
    TYPE,
    p,
    "storage_type",
    STORAGE_TYPES,
    'the data lives on the server: "memory" keeps one copy per tab, "shared" one for every tab',
  );
}
