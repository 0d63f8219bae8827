/**
 * @module component
 * The component model: a component is `{ spec, props }`, where `spec` says how to render it and
 * how values sent by the browser become prop changes. Rendering is a pure function of the props
 * (after the store's overrides are applied through `RenderContext.resolve`). Every string is
 * escaped: the only raw HTML is the markup the specs build themselves.
 */

import { escapeAttr, escapeHtml, isSafeAttrName } from "./escape.ts";
import { DashDevicesError, describe } from "./errors.ts";

export type Props = Record<string, unknown>;

/** How a browser-sent value becomes prop changes for a control. */
export interface InputSpec {
  /** The prop that callbacks usually listen to (`value`, `n_clicks`, ...). */
  readonly prop: string;
  /**
   * Reads the form values htmx sent (keyed by the control's `name`, which is its id) and returns
   * the props that change. Throws DashDevicesError("DD_BAD_VALUE") on a value it cannot accept.
   */
  read(values: Record<string, unknown>, current: Props): Props;
}

export interface ComponentSpec {
  /** "html.Div", "dcc.Slider", ...: shown in errors. */
  readonly type: string;
  /** Props this component knows. `"html"` = any HTML attribute-like prop is allowed. */
  readonly props: readonly string[];
  /** Default prop values, applied under the user's props. */
  readonly defaults?: Props;
  /** True if unknown `data-*`/`aria-*` props are passed through as attributes. */
  readonly passthrough?: boolean;
  render(props: Props, r: RenderContext): string;
  readonly input?: InputSpec;
  /** Browser files this component needs: a page whose layout has one loads them (server/page.ts). */
  readonly assets?: ComponentAssets;
  /** The browser never needs this component's prop updates (timers, stores). */
  readonly serverOnly?: boolean;
  /**
   * A prop that is merged rather than stored as given (a chart's appended points): returns the
   * props to store, and optionally a fragment that tabs apply instead of a full re-render.
   */
  update?(prop: string, value: unknown, current: Props): { props: Props; append?: (id: string) => string } | undefined;
}

/** Embedded browser files, by their names in server/assets.ts: scripts are loaded deferred, in order. */
export interface ComponentAssets {
  readonly scripts?: readonly string[];
  readonly styles?: readonly string[];
}

export interface Component {
  readonly spec: ComponentSpec;
  readonly props: Props;
}

/** What a child may be: components, text, numbers; null/undefined/false render as nothing. */
export type Child = Component | string | number | boolean | null | undefined | readonly Child[];

export function isComponent(v: unknown): v is Component {
  return typeof v === "object" && v !== null && "spec" in v && "props" in v && typeof (v as Component).spec?.render === "function";
}

/** data-* names htmx (data-hx-*) or our glue (data-dd-*) would act on: never passed through. */
const RESERVED_DATA = /^data-(hx|dd)-/i;

/** Props every component accepts. */
export const COMMON_PROPS = ["id", "className", "style", "hidden", "title", "disabled", "children", "key"] as const;

/**
 * Builds a component, checking its props against the spec so that a typo fails where it is
 * written, not at the first click.
 */
export function makeComponent(spec: ComponentSpec, props: Props): Component {
  if (props === null || typeof props !== "object" || Array.isArray(props)) {
    throw new DashDevicesError("DD_BAD_COMPONENT", {
      what: `${spec.type} was given props that are not an object.`,
      expected: `${spec.type}({ id: "...", ... })`,
      found: describe(props),
      fix: "pass one object of props (children may also be given as the first argument)",
    });
  }
  const id = props.id;
  if (id === "headers") {
    throw new DashDevicesError("DD_BAD_COMPONENT", {
      what: `${spec.type} uses the id "headers", which htmx's messages reserve.`,
      expected: "any other id",
      found: '"headers"',
      fix: "rename the component",
    });
  }
  if (id !== undefined && (typeof id !== "string" || id.length === 0)) {
    throw new DashDevicesError("DD_BAD_COMPONENT", {
      what: `${spec.type} has an id that is not a non-empty string.`,
      expected: 'a string id such as "temp_slider"',
      found: describe(id),
      fix: "give the component a string id",
    });
  }
  for (const key of Object.keys(props)) {
    if (spec.props.includes(key) || (COMMON_PROPS as readonly string[]).includes(key)) continue;
    if (spec.passthrough !== false && /^(data|aria)-/.test(key) && isSafeAttrName(key) && !RESERVED_DATA.test(key)) continue;
    throw new DashDevicesError("DD_UNKNOWN_PROP", {
      what: `${spec.type}${id ? ` "${id}"` : ""} has no prop "${key}".`,
      expected: `one of: ${[...COMMON_PROPS, ...spec.props].join(", ")}`,
      found: key,
      fix: `check the spelling; data-* and aria-* attributes are passed through`,
    });
  }
  return { spec, props: spec.defaults ? { ...spec.defaults, ...props } : props };
}

/** Returns true if `prop` is a prop that `spec` declares (or one every component has). */
export function hasProp(spec: ComponentSpec, prop: string): boolean {
  return spec.props.includes(prop) || (COMMON_PROPS as readonly string[]).includes(prop) || /^(data|aria)-/.test(prop);
}

/** Everything rendering needs besides the props: how to look up a component's current props. */
export interface RenderContext {
  /** Current overrides for a component id (from the stores), or undefined. */
  resolve(id: string): Props | undefined;
  /** Called for every component with an id that gets rendered (the app indexes them). */
  seen?(c: Component): void;
  /**
   * The attributes that make a control send its values when `trigger` fires: the app's transport
   * provides them (src/transports/). Without them controls render but do not send.
   */
  sendAttrs?(trigger: string): Record<string, unknown>;
}

export const plainContext: RenderContext = { resolve: () => undefined };

/** Renders any child (component, text, array) to HTML. */
export function renderChild(child: unknown, r: RenderContext): string {
  if (child === null || child === undefined || child === false || child === true) return "";
  if (typeof child === "string") return escapeHtml(child);
  if (typeof child === "number" || typeof child === "bigint") return escapeHtml(String(child));
  if (Array.isArray(child)) {
    let s = "";
    for (const c of child) s += renderChild(c, r);
    return s;
  }
  if (isComponent(child)) return renderComponent(child, r);
  // Plain objects (e.g. a callback returned a dict for children) are shown as JSON, escaped.
  return escapeHtml(describe(child, 2000));
}

/** Renders one component with its current props (layout props under store overrides). */
export function renderComponent(c: Component, r: RenderContext): string {
  return c.spec.render(effectiveProps(c, r), r);
}

export function effectiveProps(c: Component, r: RenderContext): Props {
  const id = c.props.id as string | undefined;
  if (id === undefined) return c.props;
  r.seen?.(c);
  const over = r.resolve(id);
  return over ? { ...c.props, ...over } : c.props;
}

const UNITLESS = new Set(["opacity", "zIndex", "fontWeight", "flex", "flexGrow", "flexShrink", "order", "lineHeight", "zoom"]);

/** React-style style object to a CSS declaration string (names kebab-cased, values escaped later). */
export function styleToCss(style: unknown): string {
  if (typeof style === "string") {
    // A string is kept declaration by declaration, without what could fetch or run anything.
    return style
      .split(";")
      .filter((d) => d.trim() && !/url\(|expression\(|@import|\\|[<>{}]/i.test(d))
      .map((d) => d.trim() + ";")
      .join("");
  }
  if (!style || typeof style !== "object") return "";
  let out = "";
  for (const [k, v] of Object.entries(style as Record<string, unknown>)) {
    if (v === null || v === undefined || v === false) continue;
    const name = k.startsWith("--") ? k : k.replace(/[A-Z]/g, (m) => "-" + m.toLowerCase());
    if (!/^-{0,2}[a-zA-Z][a-zA-Z0-9-]*$/.test(name)) continue;
    const val = typeof v === "number" && v !== 0 && !UNITLESS.has(k) ? `${v}px` : String(v);
    // A value may not close the declaration or open a url() to somewhere unexpected via escapes.
    if (/[;{}<>]|\\/.test(val)) continue;
    out += `${name}:${val};`;
  }
  return out;
}

/**
 * Renders attributes: `true` -> bare attribute, false/null/undefined -> omitted, everything else
 * escaped. Names that are not plain are dropped (they can only come from a bug or an attack).
 */
export function attrs(a: Record<string, unknown>): string {
  let s = "";
  for (const [name, v] of Object.entries(a)) {
    if (v === undefined || v === null || v === false) continue;
    if (!isSafeAttrName(name)) continue;
    if (v === true) s += ` ${name}`;
    else s += ` ${name}="${escapeAttr(v)}"`;
  }
  return s;
}

/** The attributes every component renders on its root element: id, class, style, hidden, title, data-*. */
export function commonAttrs(p: Props, extraClass?: string): Record<string, unknown> {
  const cls = [extraClass, p.className].filter((x) => typeof x === "string" && x).join(" ");
  const a: Record<string, unknown> = {
    id: p.id,
    class: cls || undefined,
    style: p.style ? styleToCss(p.style) || undefined : undefined,
    hidden: p.hidden ? true : undefined,
    title: p.title,
  };
  for (const k of Object.keys(p)) if (/^(data|aria)-/.test(k) && !RESERVED_DATA.test(k)) a[k] = p[k];
  return a;
}

/** URL attributes may only be http(s), mailto, relative or fragment links: no `javascript:`. */
export function safeUrl(u: unknown): string | undefined {
  if (typeof u !== "string") return undefined;
  // Browsers drop tabs and newlines anywhere in a URL and control characters at its ends before
  // reading the scheme ("java\tscript:" is javascript:): a URL with any of them is refused.
  if (/[\x00-\x1f\x7f]/.test(u)) return undefined;
  const t = u.trim();
  if (/^(https?:|mailto:|tel:|\/|\.|#|\?)/i.test(t) || !/^[a-z][a-z0-9+.-]*:/i.test(t)) return t;
  if (/^data:image\/(png|jpeg|gif|webp);/i.test(t)) return t;
  return undefined;
}
