/**
 * The HTTP side of every dashboard answer: the security headers (a strict Content-Security-Policy
 * allowing only our own style sheet and script, no framing, a referrer only to our own pages so a
 * login URL never leaks elsewhere; not none, or the browser would send `Origin: null` with our
 * forms), HTML pages, redirects, and the embedded assets.
 *
 * @example
 * ```ts
 * return htmlResponse(layout({ title: "Runs", body }), 200);
 * ```
 * @module
 */
import { APP_JS } from "./assets/app_js.ts";
import { STYLE_CSS } from "./assets/style_css.ts";
import type { Html } from "./html.ts";

/** Our own files only; no inline script or style, no plugins, no framing, forms post to us. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

/** Headers every dashboard response carries. */
export const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
};

/** An HTML page, never cached (it shows live data and the session's form token). */
export function htmlResponse(page: Html, status = 200, headers: HeadersInit = {}): Response {
  return new Response(page.text, {
    status,
    headers: {
      ...SECURITY_HEADERS,
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      ...headers,
    },
  });
}

/** A `303 See Other` to `location` (after a form: the browser then GETs it). */
export function redirect(location: string, headers: HeadersInit = {}): Response {
  return new Response(null, {
    status: 303,
    headers: { ...SECURITY_HEADERS, location, ...headers },
  });
}

const ASSETS: Record<string, { body: string; type: string }> = {
  "/ui/assets/style.css": { body: STYLE_CSS, type: "text/css; charset=utf-8" },
  "/ui/assets/app.js": { body: APP_JS, type: "text/javascript; charset=utf-8" },
};

/** The embedded asset at `path`, or `undefined`. */
export function assetResponse(path: string): Response | undefined {
  const asset = ASSETS[path];
  if (!asset) return undefined;
  return new Response(asset.body, {
    headers: { ...SECURITY_HEADERS, "content-type": asset.type, "cache-control": "max-age=300" },
  });
}
