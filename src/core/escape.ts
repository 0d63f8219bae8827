/**
 * @module escape
 * HTML escaping. Every string that reaches HTML goes through one of these two functions: text
 * content through `escapeHtml`, attribute values through `escapeAttr` (always double-quoted).
 */

const TEXT_RE = /[&<>"']/g;
const MAP: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for element content or a double-quoted attribute value. */
export function escapeHtml(value: unknown): string {
  const s = typeof value === "string" ? value : String(value ?? "");
  return TEXT_RE.test(s) ? s.replace(TEXT_RE, (c) => MAP[c]!) : s;
}

/** Same as escapeHtml; named for the place it is used. */
export const escapeAttr = escapeHtml;

/** Attribute names we emit must be plain: letters, digits, `-`, `_`, `:`, `.`. */
const ATTR_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_.:-]*$/;
export function isSafeAttrName(name: string): boolean {
  return ATTR_NAME_RE.test(name);
}
