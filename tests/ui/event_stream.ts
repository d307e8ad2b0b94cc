/**
 * Reading the dashboard's live streams in tests: the events of a `text/event-stream` response,
 * one at a time, each awaited with a deadline.
 *
 * @example
 * ```ts
 * const stream = events(await fetch(url));
 * const { name, data } = await nextEvent(stream);
 * ```
 * @module
 */
import { deadline } from "../helpers/wait.ts";

/** One server-sent event. */
export interface StreamEvent {
  name: string;
  data: string;
}

/** The events of a `text/event-stream` response (comments skipped). */
export async function* events(response: Response): AsyncGenerator<StreamEvent> {
  let buffer = "";
  for await (const chunk of response.body!.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const lines = buffer.slice(0, end).split("\n");
      buffer = buffer.slice(end + 2);
      const name = lines.find((l) => l.startsWith("event: "))?.slice(7);
      const data = lines.filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
      if (name) yield { name, data };
    }
  }
}

/** The next event of `stream`; fails when the stream ends or after `ms`. */
export async function nextEvent(
  stream: AsyncGenerator<StreamEvent>,
  ms = 10_000,
): Promise<StreamEvent> {
  const { value, done } = await deadline(stream.next(), ms, "a live update");
  if (done) throw new Error("the event stream ended before the next event");
  return value;
}
