/**
 * A real HTTP server on loopback that answers model API requests from a script: one scripted
 * response per request, in order. It speaks the Gemini `generateContent` and the OpenAI
 * chat-completions wire formats (see `geminiBody`, `openAiBody`) and records every request.
 * @module
 */
import { writeWorkflow } from "../helpers/workflows.ts";

/**
 * One scripted response. `hang` never answers (until the fake server closes); `stall` sends the
 * status and headers at once and then never the body.
 */
export interface Scripted {
  status?: number;
  /** JSON-serialized unless a string. */
  body?: unknown;
  headers?: Record<string, string>;
  hang?: boolean;
  stall?: boolean;
}

/** A request the fake server received. */
export interface Received {
  method: string;
  path: string;
  headers: Headers;
  body: Record<string, unknown>;
  /**
   * For a `stall`: set once the caller gave up on the response (closed the connection). (A `hang`
   * cannot tell: Deno.serve does not notice a client leaving before the response has started,
   * once the request body exceeds a few KB.)
   */
  abandoned?: boolean;
}

/** A running fake model API. */
export interface FakeAi {
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  received: Received[];
  close(): Promise<void>;
}

/** Serve `script` on 127.0.0.1 (a free port); requests past its end get HTTP 500. */
export function serveFakeAi(script: Scripted[]): FakeAi {
  const received: Received[] = [];
  const pending = [...script];
  // Hanging responses end when the server closes (the client has given up by then).
  const closing = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const text = await request.text();
      const entry: Received = {
        method: request.method,
        path: new URL(request.url).pathname,
        headers: request.headers,
        body: text ? JSON.parse(text) : {},
      };
      received.push(entry);
      const next = pending.shift() ?? { status: 500, body: "fake AI: no scripted response left" };
      if (next.hang) {
        // Until the caller gives up (timeout, cancellation) or the fake server closes; a request
        // arriving after close must not wait for an abort that already happened.
        const stop = AbortSignal.any([closing.signal, request.signal]);
        if (!stop.aborted) {
          await new Promise((resolve) => stop.addEventListener("abort", resolve, { once: true }));
        }
        return new Response(null, { status: 499 });
      }
      if (next.stall) {
        const body = new ReadableStream<Uint8Array>({
          cancel: () => void (entry.abandoned = true),
        });
        return new Response(body, { headers: { "content-type": "application/json" } });
      }
      const body = typeof next.body === "string" ? next.body : JSON.stringify(next.body ?? {});
      return new Response(body, {
        status: next.status ?? 200,
        headers: { "content-type": "application/json", ...next.headers },
      });
    },
  );
  return {
    origin: `http://127.0.0.1:${server.addr.port}`,
    received,
    close: () => {
      closing.abort();
      return server.shutdown();
    },
  };
}

/** A decision as a model would write it. */
export function decisionText(
  next: string,
  options: { status?: string; context?: Record<string, unknown>; reasoning?: string } = {},
): string {
  return JSON.stringify({
    next_step_name: next,
    status: options.status ?? "RUNNING",
    updated_context: options.context ?? {},
    reasoning: options.reasoning ?? `Go to ${next}.`,
  });
}

/** A Gemini `generateContent` response carrying `text`. */
export function geminiBody(text: string, tokensIn = 120, tokensOut = 30): unknown {
  return {
    candidates: [{ content: { role: "model", parts: [{ text }] }, finishReason: "STOP" }],
    usageMetadata: {
      promptTokenCount: tokensIn,
      candidatesTokenCount: tokensOut,
      totalTokenCount: tokensIn + tokensOut,
    },
    modelVersion: "gemini-fake-001",
  };
}

/** An OpenAI chat-completions response carrying `text`. */
export function openAiBody(text: string, tokensIn = 110, tokensOut = 25): unknown {
  return {
    id: "chatcmpl-1",
    object: "chat.completion",
    model: "fake-llama",
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
    usage: {
      prompt_tokens: tokensIn,
      completion_tokens: tokensOut,
      total_tokens: tokensIn + tokensOut,
    },
  };
}

/** Marker placed in step guidance, to check what is (not) sent to the client. */
export const GUIDANCE_MARK = "GUIDANCE-ONLY-FOR-THE-DECIDER";

/**
 * A temp workflows dir with TRIAGE: `inspect` (no route: the AI decides between `fix`,
 * `ask_user` and FINISH), `fix` (declared route to FINISH), `ask_user` (`success` -> `inspect`).
 */
export function triageWorkflows(): string {
  const root = Deno.makeTempDirSync({ prefix: "orch-ai-" });
  writeWorkflow(root, "TRIAGE", {
    "index.md": "# Triage\n\nFind and fix the reported bug.\n\n# Steps\n\n" +
      "- [inspect](steps/inspect.md)\n- [fix](steps/fix.md)\n- [ask_user](steps/ask_user.md)\n",
    "steps/inspect.md": "---\ndescription: Read the bug report and reproduce it.\n---\n" +
      `# Orchestrator Guidance\nReproduced: go to fix. Unclear: ask_user. ${GUIDANCE_MARK}\n\n` +
      "# Client Instructions\nReproduce the bug in {{context.repo}}.\n",
    "steps/fix.md": "---\ndescription: Fix the bug.\nnext: FINISH\n---\n" +
      "# Orchestrator Guidance\nDone after this.\n\n# Client Instructions\nFix it.\n",
    "steps/ask_user.md": "---\ndescription: Ask the user for details.\non:\n  success: inspect\n" +
      "---\n# Orchestrator Guidance\nBack to inspect.\n\n# Client Instructions\nAsk.\n",
  });
  return root;
}
