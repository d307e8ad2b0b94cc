/**
 * The pages a browser sees before it has a session: the log-in form (the token, under
 * `serve --http`), the note that the `ui` command's one-time URL was used, and error pages.
 *
 * @example
 * ```ts
 * const body = loginPage({ oneTime: false, refused: true });
 * ```
 * @module
 */
import { type Html, html } from "../html.ts";
import { layout } from "./layout.ts";
import { notice } from "./format.ts";

/** The page asking for the token; `refused` when a token was just refused. */
export function loginPage(options: { oneTime: boolean; refused: boolean }): Html {
  const body = options.oneTime
    ? html`
      <h1>Log in</h1>${options.refused
        ? notice("This link is not valid, or was used already: each link works once.", true)
        : ""}<div class="panel">
        <p>Open the one-time link that <code>orchestrator-mcp-server ui</code> printed. To get a new link, stop that command and run it again.</p>
      </div>
    `
    : html`
      <h1>Log in</h1>${options.refused
        ? notice("Wrong token: use the server's MCP_HTTP_TOKEN.", true)
        : ""}<form class="panel filters" method="post"
        action="/ui/login"><label>Token<input type="password" name="token" required autocomplete="current-password" autofocus></label><button type="submit">Log in</button></form><p
        class="small muted">The server's bearer token (MCP_HTTP_TOKEN, or the one it printed at start-up).</p>
    `;
  return layout({ title: "Log in", body });
}

/** A page saying what went wrong. */
export function errorPage(title: string, message: string, csrf?: string): Html {
  return layout({
    title,
    nav: csrf === undefined ? undefined : "runs",
    csrf,
    body: html`<h1>${title}</h1>${
      notice(message, true)
    }<p><a href="/ui/runs">Back to the runs</a></p>`,
  });
}
