/**
 * @module admin/ui
 * The console's small building blocks, made of our own components (escaping is theirs): a section
 * card, a labelled field, a status note, role and action badges, and the time formats the tables
 * use. Class names are the "admin" section of public/dash-devices.css.
 */

import type { Child, Component } from "../core/component.ts";
import { html } from "../core/html.ts";

/** A titled section of the console; `count` shows beside the title (e.g. the number of tabs). */
export function card(id: string, title: string, intro: string, body: Child[], count?: Component): Component {
  const head = html.Div([html.H2(title), ...(count ? [count] : [])], { className: "dd-admin-card-head" });
  return html.Section([head, html.P(intro, { className: "dd-admin-intro" }), ...body], { id, className: "dd-admin-card" });
}

/** A label above its control. */
export function field(label: string, control: Component, hint?: string): Component {
  return html.Label([html.Span(label, { className: "dd-admin-label" }), control, ...(hint ? [html.Small(hint)] : [])], {
    className: "dd-admin-field",
  });
}

export type NoteKind = "ok" | "error" | "info";

/** A one-line outcome of an action, shown in the section's status area. */
export function note(kind: NoteKind, text: string): Component {
  const icon = kind === "ok" ? "✓" : kind === "error" ? "!" : "i";
  return html.Div([html.Span(icon, { className: "dd-admin-note-icon", "aria-hidden": "true" }), html.Span(text)], {
    className: `dd-admin-note dd-admin-note-${kind}`,
    "data-kind": kind,
  });
}

export function roleBadge(role: string): Component {
  return html.Span(role, { className: `dd-admin-role dd-admin-role-${role}` });
}

/** An audit action, coloured by outcome: refusals and failures stand out. */
export function actionBadge(action: string): Component {
  const bad = /\.(failed|limited|refused|disabled)$/.test(action);
  const admin = action.startsWith("admin.") || action.startsWith("user.") || action.startsWith("session.");
  return html.Code(action, { className: `dd-admin-action${bad ? " dd-admin-action-bad" : admin ? " dd-admin-action-admin" : ""}` });
}

export function muted(text: string): Component {
  return html.Span(text, { className: "dd-admin-muted" });
}

const pad = (n: number) => String(n).padStart(2, "0");

/** "14:03:09" (server time). */
export function clock(d: Date): string {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "2024-05-01 14:03:09" (server time). */
export function dateTime(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock(d)}`;
}

/** How long since `d`: "12 s", "5 min", "3 h 12 min", "2 d 4 h". */
export function since(d: Date, now = Date.now()): string {
  const s = Math.max(0, Math.floor((now - d.getTime()) / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** Text cut to `n` characters with an ellipsis. */
export function clip(text: string, n: number): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}
