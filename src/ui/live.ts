/**
 * Live pages over server-sent events: the streams open on the same page (the same key: one run,
 * or the runs page with the same filters and cursor) share one poll of what it shows (the run's
 * version, or the page's ids and versions, cheap indexed reads on either backend), so N viewers
 * cost one read a second, not N. Each stream gets the page's live part again, rendered for its
 * session and escaped by the server, only when that changed since it last got it. A stream ends
 * when its page is final (a finished run), when the browser leaves, or when the server stops
 * (`closeAll`).
 *
 * @example
 * ```ts
 * const streams = new LiveStreams(1000);
 * return streams.respond(request, { key: `run:${id}`, csrf }, async () => ({
 *   signature: "v3",
 *   render: (csrf) => html`…`,
 * }), headers);
 * ```
 * @module
 */
import { log } from "../log.ts";
import type { Html } from "./html.ts";

/** What one poll found. */
export interface LiveState {
  /** Changes whenever the page's live part would. */
  signature: string;
  /** The live part for a session with this form token. */
  render(csrf: string): Html;
  /** Nothing will change any more: send this state and end the stream. */
  done?: boolean;
}

/** Which page a stream follows, and for whom. */
export interface LiveFeed {
  /** Names what `poll` reads: streams with the same key share one poll. */
  key: string;
  /** The session's form token, for forms in the live part. */
  csrf?: string;
}

/** Comment lines keep idle connections open through proxies. */
const KEEPALIVE_MS = 15_000;

/** One `text/event-stream` event. */
function event(name: string, data: string): string {
  return `event: ${name}\n${data.split("\n").map((line) => `data: ${line}`).join("\n")}\n\n`;
}

/** One open stream: what it was sent last, and how to send it more or end it. */
class Subscriber {
  #last = "";
  #quiet = 0;
  #open = true;
  readonly #controller: ReadableStreamDefaultController<Uint8Array>;
  readonly #csrf: string;
  readonly #encoder = new TextEncoder();
  /** Called once, when the stream ends. */
  onEnd = () => {};

  constructor(controller: ReadableStreamDefaultController<Uint8Array>, csrf: string) {
    this.#controller = controller;
    this.#csrf = csrf;
  }

  #send(text: string): void {
    if (this.#open) this.#controller.enqueue(this.#encoder.encode(text));
  }

  /** Send `state` if it differs from what this stream has; a keep-alive now and then if not. */
  deliver(state: LiveState, pollMs: number): void {
    if (state.signature !== this.#last) {
      this.#last = state.signature;
      this.#quiet = 0;
      this.#send(event("update", state.render(this.#csrf).text));
    } else if ((this.#quiet += pollMs) >= KEEPALIVE_MS) {
      this.#quiet = 0;
      this.#send(": keep-alive\n\n");
    }
  }

  /** Tell the page nothing more comes, and end the stream. */
  finish(): void {
    this.#send(event("done", ""));
    this.stop();
  }

  /** End the stream (the browser left, or the server stops). */
  stop(): void {
    if (!this.#open) return;
    this.#open = false;
    try {
      this.#controller.close();
    } catch {
      // The browser already went away.
    }
    this.onEnd();
  }
}

/** The streams open on one key and the one poll loop they share. */
class Feed {
  readonly subscribers = new Set<Subscriber>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #wake = () => {};

  /** Poll every `pollMs` while anyone listens; resolves when the last stream ended. */
  async run(poll: () => Promise<LiveState>, pollMs: number): Promise<void> {
    while (this.subscribers.size > 0) {
      let state: LiveState;
      try {
        state = await poll();
      } catch (error) {
        log.debug(`dashboard: live update stopped: ${(error as Error).message}`);
        for (const subscriber of [...this.subscribers]) subscriber.finish();
        return;
      }
      for (const subscriber of [...this.subscribers]) {
        subscriber.deliver(state, pollMs);
        if (state.done) subscriber.finish();
      }
      if (this.subscribers.size === 0) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.#timer = setTimeout(resolve, pollMs);
      });
    }
  }

  /** Stop waiting: the last stream ended. */
  wake(): void {
    clearTimeout(this.#timer);
    this.#wake();
  }
}

/** The open event streams of the dashboard. */
export class LiveStreams {
  readonly #pollMs: number;
  readonly #feeds = new Map<string, Feed>();

  constructor(pollMs: number) {
    this.#pollMs = pollMs;
  }

  /**
   * The event-stream response that keeps sending the page's live part as it changes; `poll`
   * reads it, once per interval for every stream on `feed.key`.
   */
  respond(
    request: Request,
    feed: LiveFeed,
    poll: () => Promise<LiveState>,
    headers: HeadersInit,
  ): Response {
    let subscriber: Subscriber | undefined;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        subscriber = this.#join(feed.key, new Subscriber(controller, feed.csrf ?? ""), poll);
        request.signal.addEventListener("abort", () => subscriber?.stop(), { once: true });
      },
      cancel: () => subscriber?.stop(),
    });
    return new Response(body, {
      headers: { ...headers, "content-type": "text/event-stream", "cache-control": "no-store" },
    });
  }

  /** Add `subscriber` to the feed of `key`, starting its poll loop if it is the first. */
  #join(key: string, subscriber: Subscriber, poll: () => Promise<LiveState>): Subscriber {
    const existing = this.#feeds.get(key);
    const joined = existing ?? new Feed();
    joined.subscribers.add(subscriber);
    subscriber.onEnd = () => {
      joined.subscribers.delete(subscriber);
      if (joined.subscribers.size === 0) joined.wake();
    };
    if (existing === undefined) {
      this.#feeds.set(key, joined);
      void joined.run(poll, this.#pollMs).finally(() => {
        if (this.#feeds.get(key) === joined) this.#feeds.delete(key);
      });
    }
    return subscriber;
  }

  /** End every stream (the server is stopping). */
  closeAll(): void {
    for (const feed of [...this.#feeds.values()]) {
      for (const subscriber of [...feed.subscribers]) subscriber.stop();
    }
  }
}
