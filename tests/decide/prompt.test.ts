/** The decision prompt: what it carries, what it never carries, and its size bounds. */
import assert from "node:assert/strict";
import { buildPrompt } from "../../src/decide/prompt.ts";
import { DefinitionRegistry } from "../../src/definitions/registry.ts";
import type { HistoryEntry } from "../../src/store/types.ts";
import { GUIDANCE_MARK, triageWorkflows } from "./fake_ai_server.ts";

const workflow = new DefinitionRegistry(triageWorkflows()).get("TRIAGE");

function entry(seq: number, step: string, status: string, next: string): HistoryEntry {
  return {
    instanceId: "i",
    seq,
    step,
    report: { step_id: step, status, message: `did ${step}` },
    contextUpdates: null,
    decision: { source: "ai", nextStep: next },
    statusAfter: "RUNNING",
    requestHash: null,
    createdAt: "2026-01-01T00:00:00Z",
  };
}

Deno.test("prompt: goal, guidance, candidates, report, context and history; no client instructions", () => {
  const { system, user } = buildPrompt({
    workflow,
    currentStep: workflow.steps[0]!,
    report: { step_id: "inspect", status: "failure", error: "cannot reproduce" },
    context: { repo: "acme/app" },
    recentHistory: [entry(2, "ask_user", "success", "inspect")],
  });
  assert.match(system, /"next_step_name"/);
  assert.match(user, /Find and fix the reported bug\./);
  assert.match(user, new RegExp(GUIDANCE_MARK));
  assert.match(user, /- fix: Fix the bug\.\n- ask_user: Ask the user for details\.\n- FINISH/);
  assert.match(user, /"error":"cannot reproduce"/);
  assert.match(user, /"repo":"acme\/app"/);
  assert.match(user, /- #2 ask_user reported 'success': "did ask_user" -> inspect \(ai\)/);
  assert.doesNotMatch(user, /Reproduce the bug in|Fix it\.|Ask\.\n/, "no client instructions");
});

Deno.test("prompt: a huge context is cut, keeping the prompt small", () => {
  const { user } = buildPrompt({
    workflow,
    currentStep: workflow.steps[0]!,
    report: { step_id: "inspect", status: "success" },
    context: { log: "x".repeat(500_000) },
    recentHistory: [],
  });
  assert.ok(user.length < 20_000, `prompt is ${user.length} characters`);
  assert.match(user, /…\(truncated: \d+ more characters\)/);
});
