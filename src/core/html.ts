/**
 * @module html
 * `html.*`: plain HTML elements as components, named as in Dash (`html.Div`, `html.H1`, ...).
 * Call them as `html.Div(children?, props?)` or `html.Div(props)`. An element with an id and
 * `n_clicks` (and every `html.Button` with an id) reports clicks to the server.
 */

import { DashDevicesError } from "./errors.ts";
import {
  attrs,
  commonAttrs,
  isComponent,
  makeComponent,
  renderChild,
  safeUrl,
  type Child,
  type Component,
  type ComponentSpec,
  type InputSpec,
  type Props,
  type RenderContext,
} from "./component.ts";

/**
 * Input spec for clicks. Buttons (`always`) accept them; other elements only when given
 * `n_clicks`, as only then do they render the attributes that send clicks.
 */
export function clickInput(always: boolean): InputSpec {
  return {
    prop: "n_clicks",
    read(_values, current) {
      if (current.n_clicks === undefined && !always) {
        throw new DashDevicesError("DD_BAD_MESSAGE", {
          what: `"${String(current.id)}" does not report clicks.`,
          expected: "clicks on a Button, or on an element given n_clicks: 0",
          found: "a click message",
          fix: "give the element n_clicks: 0 to make it clickable",
        });
      }
      return { n_clicks: (Number(current.n_clicks) || 0) + 1, n_clicks_timestamp: Date.now() };
    },
  };
}

/**
 * Attributes that make an element send its values when `trigger` fires, as the app's transport
 * says (the render context carries its function; none: the element does not send).
 */
export function sendAttrs(trigger: string, r?: RenderContext): Record<string, unknown> {
  return r?.sendAttrs ? r.sendAttrs(trigger) : {};
}

const VOID = new Set(["img", "hr", "br", "input", "wbr"]);

interface ElementOptions {
  /** Extra props this element takes, rendered as attributes of the same name (lower-cased). */
  attrs?: Record<string, string>;
  /** Props that are URLs: rendered only when safe. */
  urls?: Record<string, string>;
  /** Report clicks even without n_clicks (buttons). */
  clicks?: boolean;
}

function elementSpec(name: string, tag: string, o: ElementOptions = {}): ComponentSpec {
  const extra = { ...(o.attrs ?? {}), ...(o.urls ?? {}) };
  return {
    type: `html.${name}`,
    props: ["n_clicks", "n_clicks_timestamp", ...Object.keys(extra)],
    input: clickInput(!!o.clicks),
    render(p: Props, r: RenderContext): string {
      const a = commonAttrs(p);
      for (const [prop, attr] of Object.entries(o.attrs ?? {})) a[attr] = p[prop];
      for (const [prop, attr] of Object.entries(o.urls ?? {})) a[attr] = safeUrl(p[prop]);
      if (p.disabled && (tag === "button" || tag === "fieldset")) a.disabled = true;
      if (p.id !== undefined && (o.clicks || p.n_clicks !== undefined)) Object.assign(a, sendAttrs("click", r));
      if (VOID.has(tag)) return `<${tag}${attrs(a)}>`;
      return `<${tag}${attrs(a)}>${renderChild(p.children, r)}</${tag}>`;
    },
  };
}

export type ElementFactory = {
  (props?: Props): Component;
  (children: Child, props?: Props): Component;
};

/** Makes `html.X(children?, props?)` for a spec. */
export function factory(spec: ComponentSpec): ElementFactory {
  return ((a?: unknown, b?: Props) => {
    if (a !== undefined && b === undefined && isPropsObject(a)) return makeComponent(spec, a);
    return makeComponent(spec, { ...(b ?? {}), children: a as Child });
  }) as ElementFactory;
}

function isPropsObject(a: unknown): a is Props {
  return typeof a === "object" && a !== null && !Array.isArray(a) && !isComponent(a);
}

const plain = [
  "Div",
  "Span",
  "P",
  "H1",
  "H2",
  "H3",
  "H4",
  "H5",
  "H6",
  "Ul",
  "Ol",
  "Li",
  "Table",
  "Thead",
  "Tbody",
  "Tfoot",
  "Tr",
  "Pre",
  "Code",
  "Section",
  "Article",
  "Header",
  "Footer",
  "Main",
  "Nav",
  "Aside",
  "Strong",
  "Em",
  "B",
  "I",
  "U",
  "Small",
  "Sub",
  "Sup",
  "Blockquote",
  "Figure",
  "Figcaption",
  "Summary",
  "Legend",
  "Caption",
  "Dl",
  "Dt",
  "Dd",
  "Mark",
  "Hr",
  "Br",
] as const;

function build() {
  const out: Record<string, ElementFactory> = {};
  for (const n of plain) out[n] = factory(elementSpec(n, n.toLowerCase()));
  out.Button = factory(elementSpec("Button", "button", { clicks: true, attrs: { type: "type", name: "name" } }));
  out.Label = factory(elementSpec("Label", "label", { attrs: { htmlFor: "for" } }));
  out.A = factory(elementSpec("A", "a", { urls: { href: "href" }, attrs: { target: "target", rel: "rel", download: "download" } }));
  out.Img = factory(elementSpec("Img", "img", { urls: { src: "src" }, attrs: { alt: "alt", width: "width", height: "height" } }));
  out.Td = factory(elementSpec("Td", "td", { attrs: { colSpan: "colspan", rowSpan: "rowspan" } }));
  out.Th = factory(elementSpec("Th", "th", { attrs: { colSpan: "colspan", rowSpan: "rowspan", scope: "scope" } }));
  out.Progress = factory(elementSpec("Progress", "progress", { attrs: { value: "value", max: "max" } }));
  out.Details = factory(elementSpec("Details", "details", { attrs: { open: "open" } }));
  out.Fieldset = factory(elementSpec("Fieldset", "fieldset"));
  return out as Record<
    (typeof plain)[number] | "Button" | "Label" | "A" | "Img" | "Td" | "Th" | "Progress" | "Details" | "Fieldset",
    ElementFactory
  >;
}

/** HTML elements as components: `html.Div([...], { id: "main" })`. */
export const html = build();
