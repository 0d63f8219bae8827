/**
 * @module headers
 * The security headers every response carries (pages, assets, errors, 404s, redirects, the event
 * stream): serve.ts sets them once per request, before routing, so no route can forget them.
 *
 * - Framing: only our own pages may frame us (`frame-ancestors 'self'`, and X-Frame-Options for
 *   older browsers): a page on another site cannot lay the device's controls under its own
 *   buttons (clickjacking).
 * - Content-Security-Policy: scripts only from this server's own files. Each source is there for
 *   a reason, written beside it below.
 * - nosniff: a text/plain error is never run as script; same-origin referrers: a page's URL
 *   (which may carry ?next= or a setup token) never leaks to another site.
 */

/**
 * The Content-Security-Policy. `evalScripts`: the page of an app with clientside callbacks, whose
 * functions `public/clientside.js` builds with `new Function` from their source text.
 */
export function contentSecurityPolicy(o: { evalScripts?: boolean } = {}): string {
  return [
    // Anything not listed below: this server only.
    "default-src 'self'",
    // htmx, hx-ws/hx-sse, the glue, uPlot, graph.js, clientside.js: all served from /_dd/. No
    // inline script runs (the clientside definitions are a JSON data block, which CSP ignores).
    // htmx compiles code only for hx-on / js: attributes, which we never render.
    `script-src 'self'${o.evalScripts ? " 'unsafe-eval'" : ""}`,
    // Our CSS is a file, but components render Dash's `style` prop as style attributes and htmx
    // morphs them in; those need 'unsafe-inline' (CSS cannot run script).
    "style-src 'self' 'unsafe-inline'",
    // html.Img may show a camera or a chart from another machine; the favicon is a data: URL.
    "img-src * data: blob:",
    // The WebSocket and the event stream go to this server ('self' covers ws:/wss: of it).
    "connect-src 'self'",
    // Forms (/login, /setup, /logout) post here; the page's <base href> stays here.
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
    // Only our own pages may frame us: no clickjacking of the device's controls.
    "frame-ancestors 'self'",
  ].join("; ");
}

/** The headers every response gets. */
export function securityHeaders(): Record<string, string> {
  return {
    "content-security-policy": contentSecurityPolicy(),
    "x-frame-options": "SAMEORIGIN",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
  };
}
