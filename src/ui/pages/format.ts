/**
 * Small pieces of markup the dashboard pages share: status badges, times, JSON blocks, the live
 * indicator and the hidden form-token field.
 *
 * @example
 * ```ts
 * html`<td>${statusBadge("RUNNING")}</td><td>${when(instance.createdAt)}</td>`;
 * ```
 * @module
 */
import type { JsonValue } from "../../json.ts";
import { isInstanceStatus } from "../../store/types.ts";
import { type Html, html } from "../html.ts";

/** A coloured badge for a run status (or any other text, in grey). */
export function statusBadge(status: string): Html {
  return html`<span class="badge s-${
    isInstanceStatus(status) ? status : "other"
  }">${status}</span>`;
}

/** An ISO timestamp as `2026-01-02 03:04:05 UTC`, machine-readable in `datetime`. */
export function when(iso: string | null): Html {
  if (iso === null) return html`<span class="muted">—</span>`;
  return html`<time datetime="${iso}">${iso.slice(0, 19).replace("T", " ")} UTC</time>`;
}

/** A JSON value, indented, in a `<pre>`. */
export function jsonBlock(value: JsonValue | undefined): Html {
  return html`<pre>${JSON.stringify(value ?? null, null, 2)}</pre>`;
}

/** The hidden field carrying the session's form token. */
export function csrfField(csrf: string): Html {
  return html`<input type="hidden" name="csrf" value="${csrf}">`;
}

/** "live" / "finished" indicator the script updates. */
export function liveStatus(live: boolean): Html {
  return html`
    <span class="small muted"
      data-live-status><span class="live-dot"></span><span>${live
        ? "connecting…"
        : "finished"}</span></span>
  `;
}

/** A notice panel (an error when `error`). */
export function notice(text: string | Html, error = false): Html {
  return html`<div class="panel notice${error ? " error" : ""}" role="${
    error ? "alert" : "status"
  }">${text}</div>`;
}
