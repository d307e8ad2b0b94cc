/**
 * HTML built by escaping: the `html` tagged template escapes every interpolated value (step names,
 * report messages, context values: all user-provided) unless it is already `Html` made by this
 * module, so a page cannot carry markup that came from a run.
 *
 * @example
 * ```ts
 * import { html } from "./html.ts";
 * const cell = html`<td>${"<script>alert(1)</script>"}</td>`;
 * cell.text; // "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"
 * ```
 * @module
 */

/** Markup that is safe to send: built by `html` from escaped values. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** What `html` interpolates: text (escaped), numbers, markup, lists of them, or nothing. */
export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** `text` with the characters HTML gives meaning to replaced by entities (safe in attributes too). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function render(value: HtmlValue): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(String(value));
}

/** Markup from a template whose interpolated values are escaped (`Html` values are kept). */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let text = strings[0]!;
  values.forEach((value, i) => text += render(value) + strings[i + 1]!);
  return new Html(text);
}
