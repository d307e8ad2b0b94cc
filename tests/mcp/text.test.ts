/** The short text renderings returned beside structuredContent. */
import assert from "node:assert/strict";
import { historyText, statusText, stepText, workflowsText } from "../../src/mcp/text.ts";

const step = {
  instance_id: "run-1",
  workflow_name: "DEMO",
  status: "RUNNING" as const,
  next_step: { step_name: "write_tests", instructions: "Write the tests.\nThen report." },
  current_context: { target: "main.ts" },
  decision: { source: "route" as const, reasoning: "Declared route." },
};

Deno.test("a running step's text names the run, the step to report and ends with its instructions", () => {
  const text = stepText(step);
  assert.equal(
    text,
    "DEMO run run-1: RUNNING. Next step: write_tests (decided by route).\n" +
      'Report on it with advance_workflow, report.step_id = "write_tests".\n' +
      'Context: {"target":"main.ts"}\n\nWrite the tests.\nThen report.',
  );
});

Deno.test("the step text says which decision maker chose: route, stub (no AI) or the AI's model", () => {
  const by = (decision: { source: "ai" | "route"; model?: string }) =>
    /\(decided by ([^)]*\)?)\)\./.exec(stepText({ ...step, decision }))?.[1];
  assert.equal(by({ source: "route" }), "route");
  assert.equal(by({ source: "ai", model: "stub" }), "stub");
  assert.equal(by({ source: "ai", model: "gemini-2.5-flash" }), "ai (gemini-2.5-flash)");
  assert.equal(by({ source: "ai" }), "ai");
});

Deno.test("an ended run's text says so; a large context is summarized by its keys", () => {
  const text = stepText({
    ...step,
    status: "COMPLETED",
    next_step: { step_name: "FINISH", instructions: "Workflow completed." },
    current_context: { big: "x".repeat(5_000), small: 1 },
    definition_notice: "Workflow 'DEMO' changed on disk.",
  });
  assert.match(text, /^DEMO run run-1: COMPLETED\. The run has ended \(FINISH\)\./);
  assert.match(text, /Note: Workflow 'DEMO' changed on disk\./);
  assert.match(text, /Context keys: big, small \(values in structuredContent/);
  assert.ok(!text.includes("x".repeat(100)));
});

Deno.test("status, history and workflow list renderings", () => {
  assert.equal(
    statusText({
      instance_id: "run-1",
      workflow_name: "DEMO",
      status: "COMPLETED",
      current_step_name: "FINISH",
      context: {},
      history_length: 3,
      created_at: "t0",
      updated_at: "t1",
      completed_at: "t1",
    }),
    "DEMO run run-1: COMPLETED at step FINISH; 3 history entries; started t0, updated t1, ended t1.",
  );
  assert.equal(
    historyText({
      instance_id: "run-1",
      entries: [
        {
          seq: 1,
          step_name: null,
          report: null,
          context_updates: null,
          decision: { source: "start", next_step: "a" },
          status_after: "RUNNING",
          created_at: "t0",
        },
        {
          seq: 2,
          step_name: "a",
          report: { step_id: "a", status: "success" },
          context_updates: null,
          decision: { source: "ai", next_step: "b", reasoning: "Looks done.", model: "m-1" },
          status_after: "RUNNING",
          created_at: "t1",
        },
        {
          seq: 3,
          step_name: "b",
          report: { step_id: "b", status: "success" },
          context_updates: null,
          decision: { source: "ai", next_step: "c", model: "stub" },
          status_after: "RUNNING",
          created_at: "t2",
        },
      ],
      total: 4,
      offset: 0,
      limit: 3,
      next_offset: 3,
    }),
    "History of run run-1: 4 entries; 3 shown.\n1. (start) -> a [start]\n" +
      "2. a reported success -> b [ai (m-1)]: Looks done.\n3. b reported success -> c [stub]\n" +
      "More: call again with offset 3.",
  );
  assert.equal(
    workflowsText({
      workflows: [
        { name: "A", description: "Does a.", steps: ["x", "y"], valid: true },
        {
          name: "B",
          description: "",
          steps: [],
          valid: false,
          errors: [{ file: "B/index.md", line: 3, message: "no steps: add a list" }],
        },
      ],
    }),
    "A: Does a. (steps: x, y)\nB (INVALID): B/index.md:3: no steps: add a list",
  );
});
