/**
 * The frame of every dashboard page: the document head (our own style sheet and script, nothing
 * inline), a skip link, the navigation with a log-out button, and the page's content.
 *
 * @example
 * ```ts
 * const page = layout({ title: "Runs", nav: "runs", csrf: session.csrf, body: html`…` });
 * ```
 * @module
 */
import { type Html, html } from "../html.ts";

/** The sections of the navigation. */
export type Section = "runs" | "workflows" | "prune";

const SECTIONS: { id: Section; label: string; href: string }[] = [
  { id: "runs", label: "Runs", href: "/ui/runs" },
  { id: "workflows", label: "Workflows", href: "/ui/workflows" },
  { id: "prune", label: "Prune", href: "/ui/prune" },
];

/** A whole page. */
export function layout(options: {
  title: string;
  body: Html;
  /** The highlighted section; none on the login page (nor a navigation). */
  nav?: Section;
  /** The session's form token (for the log-out button). */
  csrf?: string;
}): Html {
  const { nav, csrf } = options;
  const menu = nav === undefined
    ? ""
    : html`<nav class="main" aria-label="Sections">${
      SECTIONS.map((s) =>
        html`
          <a href="${s.href}" ${s.id === nav
            ? html`
              aria-current="page"
            `
            : ""}>${s.label}</a>
        `
      )
    }</nav>${
      csrf
        ? html`
          <form method="post"
            action="/ui/logout"><input type="hidden" name="csrf" value="${csrf}"><button class="secondary" type="submit">Log out</button></form>
        `
        : ""
    }`;
  return html`
    <!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>${options.title} · orchestrator</title>
        <link rel="stylesheet" href="/ui/assets/style.css">
        <script src="/ui/assets/app.js" defer></script>
      </head>
      <body><a class="skip" href="#content">Skip to content</a>
    <header class="top"><div class="bar"><a class="brand" href="/ui/runs">orchestrator</a>${menu}</div></header>
    <main id="content">${options.body}</main></body>
    </html>
  `;
}
