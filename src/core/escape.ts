/**
 * @module escape
 * HTML escaping. Every string that reaches HTML goes through one of these two functions: text
 * content through `escapeHtml`, attribute values through `escapeAttr` (always double-quoted).
 */

const TEXT_RE = /[&<>"']/g;
const MAP: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for element content or a double-quoted attribute value. */
export function escapeHtml(value: unknown): string {
  const s = typeof value === "string" ? value : toText(value);
  return TEXT_RE.test(s) ? s.replace(TEXT_RE, (c) => MAP[c]!) : s;
}

/** String(value), but never throws (an object from JSON may have a non-function toString). */
function toText(value: unknown): string {
  if (value === null || value === undefined) return "";
  try {
    return String(value);
  } catch {
    try {
      return JSON.stringify(value) ?? "";
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
}

/** Same as escapeHtml; named for the place it is used. */
export const escapeAttr = escapeHtml;

/** Attribute names we emit must be plain: letters, digits, `-`, `_`, `:`, `.`. */
const ATTR_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_.:-]*$/;
export function isSafeAttrName(name: string): boolean {
  return ATTR_NAME_RE.test(name);
}
