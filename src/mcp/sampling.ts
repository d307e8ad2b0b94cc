/**
 * MCP sampling for an AI decision, in both protocol eras. A 2025-era session gets a
 * server-initiated `sampling/createMessage` request (`pushSampler`). The 2026-07-28 protocol has
 * no server-to-client requests: there the sampler throws `InputRequiredError`, the tool call
 * answers with the SDK's input-required result carrying the request (`inputRequiredResult`), and
 * the client repeats the call with its model's result (`roundTripSampler` finds it). Either way
 * the client's result is checked here before the decision maker reads it.
 *
 * @example
 * ```ts
 * call.sample = modern ? roundTripSampler(ctx) : pushSampler(ctx);
 * // where the tool call ends:
 * if (error instanceof InputRequiredError) return await inputRequiredResult(error, ctx);
 * ```
 * @module
 */
import {
  type CreateMessageRequestParams,
  inputRequired,
  type InputRequiredResult,
  type ServerContext,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import type { SampleAnswer, SampleRequest } from "../decide/types.ts";
import { DecisionError, InputRequiredError } from "../errors.ts";

/** Who answers, as error messages name it (the sampling decision maker's label). */
const CLIENT_MODEL = "the client's model (MCP sampling)";

const textBlockSchema = z.object({ type: z.literal("text"), text: z.string() });

/**
 * A `sampling/createMessage` result a decision can use: the assistant's text and the model's
 * name. The request asks for text and offers no tools, so any other content is unusable.
 */
const samplingResultSchema = z.object({
  model: z.string(),
  role: z.literal("assistant"),
  content: z.union([textBlockSchema, z.array(textBlockSchema).min(1)]),
});

/**
 * The request state a 2026-07-28 client echoes back between rounds: its model's results of the
 * earlier rounds of this call (a decision's repair round is a second request, rebuilt from the
 * first answer). Not integrity-protected, on purpose: it only holds the client's own answers,
 * which it could as well have given differently, each checked like any model answer; and a MAC
 * key would have to be shared by every replica that may serve a stateless client's next round.
 */
const roundTripStateSchema = z.object({
  answered: z.record(z.string(), samplingResultSchema),
});

/** The parameters of the `sampling/createMessage` request for `request`. */
function createMessageParams(request: SampleRequest): CreateMessageRequestParams {
  return {
    systemPrompt: request.system,
    messages: request.messages.map((m) => ({
      role: m.role,
      content: { type: "text", text: m.text },
    })),
    maxTokens: request.maxTokens,
    includeContext: "none",
  };
}

/**
 * The key the answer to `params` is filed under: a digest of the request, so an answer is only
 * used for the very request it answers (had the run moved meanwhile, the prompt would differ and
 * the client would be asked again).
 */
async function requestKey(params: CreateMessageRequestParams): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(params));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", json));
  return `decide-${[...digest].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** The problems zod found, one clause each. */
function problems(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
}

/** The retryable error for a sampling result the decision cannot use, saying `why`. */
function unusableResult(why: string): DecisionError {
  return new DecisionError(
    `${CLIENT_MODEL} returned an unusable sampling/createMessage result (${why}); it must be ` +
      `an assistant message with text content. Nothing was changed; retry the call.`,
  );
}

/** The answer in a client's sampling result. @throws {DecisionError} when it is unusable */
function sampleAnswer(result: unknown): SampleAnswer {
  const parsed = samplingResultSchema.safeParse(result);
  if (!parsed.success) throw unusableResult(problems(parsed.error));
  const { content, model } = parsed.data;
  const blocks = Array.isArray(content) ? content : [content];
  return { text: blocks.map((b) => b.text).join(""), model };
}

/** The results the client's model gave in the earlier rounds of this call, by request key. */
function earlierResults(ctx: ServerContext): Record<string, unknown> {
  const state = ctx.mcpReq.requestState<unknown>();
  if (state === undefined) return {};
  let json: unknown;
  try {
    json = typeof state === "string" ? JSON.parse(state) : state;
  } catch {
    json = undefined;
  }
  const parsed = roundTripStateSchema.safeParse(json);
  if (!parsed.success) {
    throw new DecisionError(
      "The requestState of this call is not one this server wrote, so the earlier answers of " +
        `${CLIENT_MODEL} cannot be used. Nothing was changed; retry the call from the start ` +
        "(without requestState).",
    );
  }
  return parsed.data.answered;
}

/** Every result the client gave for this call so far (unchecked), by request key. */
function resultsSoFar(ctx: ServerContext): Record<string, unknown> {
  return { ...earlierResults(ctx), ...ctx.mcpReq.inputResponses };
}

/**
 * A sampler for a 2025-era session: a `sampling/createMessage` request to the client, within the
 * decision's timeout.
 */
export function pushSampler(
  ctx: ServerContext,
): (request: SampleRequest, signal: AbortSignal) => Promise<SampleAnswer> {
  return async (request, signal) =>
    sampleAnswer(
      await ctx.mcpReq.requestSampling(createMessageParams(request), {
        signal,
        timeout: request.timeoutMs,
      }),
    );
}

/**
 * A sampler for a 2026-07-28 call: the answer the client brought for this very request, or
 * `InputRequiredError` to have it asked.
 */
export function roundTripSampler(
  ctx: ServerContext,
): (request: SampleRequest) => Promise<SampleAnswer> {
  return async (request) => {
    const key = await requestKey(createMessageParams(request));
    const results = resultsSoFar(ctx);
    if (key in results) return sampleAnswer(results[key]);
    if (ctx.mcpReq.droppedInputResponseKeys?.includes(key)) {
      throw unusableResult("a wrapper such as {method, result} instead of the bare result");
    }
    throw new InputRequiredError(request);
  };
}

/**
 * The input-required answer to a 2026-07-28 call whose decision needs `error.request` answered:
 * the `sampling/createMessage` request to fulfil, and as request state the usable results the
 * client already gave for this call.
 */
export async function inputRequiredResult(
  error: InputRequiredError,
  ctx: ServerContext,
): Promise<InputRequiredResult> {
  const params = createMessageParams(error.request);
  const answered = Object.fromEntries(
    Object.entries(resultsSoFar(ctx)).flatMap(([key, result]) => {
      const parsed = samplingResultSchema.safeParse(result);
      return parsed.success ? [[key, parsed.data]] : [];
    }),
  );
  return inputRequired({
    inputRequests: { [await requestKey(params)]: inputRequired.createMessage(params) },
    requestState: JSON.stringify({ answered } satisfies z.input<typeof roundTripStateSchema>),
  });
}
