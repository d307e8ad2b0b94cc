/**
 * Live pages over server-sent events: each open stream polls what its page shows (one run's
 * version, or the runs page's ids and versions, both cheap indexed reads on either backend) and
 * sends the page's live part again, rendered and escaped by the server, only when that changed.
 * A stream ends when its page is final (a finished run), when the browser leaves, or when the
 * server stops (`closeAll`).
 *
 * @example
 * ```ts
 * const streams = new LiveStreams(1000);
 * return streams.respond(request, async () => ({ signature: "v3", render: () => html`…` }));
 * ```
 * @module
 */
import { log } from "../log.ts";
import type { Html } from "./html.ts";

/** What one poll found. */
export interface LiveState {
  /** Changes whenever the page's live part would. */
  signature: string;
  render(): Html;
  /** Nothing will change any more: send this state and end the stream. */
  done?: boolean;
}

/** Comment lines keep idle connections open through proxies. */
const KEEPALIVE_MS = 15_000;

/** One `text/event-stream` event. */
function event(name: string, data: string): string {
  return `event: ${name}\n${data.split("\n").map((line) => `data: ${line}`).join("\n")}\n\n`;
}

/** The open event streams of the dashboard. */
export class LiveStreams {
  readonly #pollMs: number;
  readonly #open = new Set<() => void>();

  constructor(pollMs: number) {
    this.#pollMs = pollMs;
  }

  /** The event-stream response that keeps sending `poll`'s rendering as it changes. */
  respond(request: Request, poll: () => Promise<LiveState>, headers: HeadersInit): Response {
    const encoder = new TextEncoder();
    let stop = () => {};
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        let open = true;
        let timer: ReturnType<typeof setTimeout> | undefined;
        let wake = () => {};
        stop = () => {
          if (!open) return;
          open = false;
          this.#open.delete(stop);
          clearTimeout(timer);
          wake();
          try {
            controller.close();
          } catch {
            // The browser already went away.
          }
        };
        this.#open.add(stop);
        request.signal.addEventListener("abort", stop, { once: true });
        const send = (text: string) => open && controller.enqueue(encoder.encode(text));
        void (async () => {
          let last = "";
          let quiet = 0;
          while (open) {
            try {
              const state = await poll();
              if (state.signature !== last) {
                last = state.signature;
                quiet = 0;
                send(event("update", state.render().text));
              } else if ((quiet += this.#pollMs) >= KEEPALIVE_MS) {
                quiet = 0;
                send(": keep-alive\n\n");
              }
              if (state.done) {
                send(event("done", ""));
                return stop();
              }
            } catch (error) {
              log.debug(`dashboard: live update stopped: ${(error as Error).message}`);
              send(event("done", ""));
              return stop();
            }
            await new Promise<void>((resolve) => {
              wake = resolve;
              timer = setTimeout(resolve, this.#pollMs);
            });
          }
        })();
      },
      cancel: () => stop(),
    });
    return new Response(body, {
      headers: { ...headers, "content-type": "text/event-stream", "cache-control": "no-store" },
    });
  }

  /** End every stream (the server is stopping). */
  closeAll(): void {
    for (const stop of [...this.#open]) stop();
  }
}
