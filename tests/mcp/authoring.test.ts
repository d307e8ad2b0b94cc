/**
 * Authoring through MCP: the workflow:// and instance:// resources, one prompt per workflow, and
 * hot reload (edits seen without a restart, prompts following the files, running instances
 * keeping their version with a definition_notice).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { BUILTIN_WORKFLOWS, call, callError, connect } from "../helpers/server.ts";
import { writeWorkflow } from "../helpers/workflows.ts";
import type { StepResponse } from "../../src/engine/responses.ts";
import { eventually } from "../helpers/wait.ts";

type Client = Awaited<ReturnType<typeof connect>>["client"];

function text(contents: { mimeType?: string }[], mimeType: string): string {
  const found = contents.find((c) => c.mimeType === mimeType) as { text?: string } | undefined;
  assert.ok(found?.text, `no ${mimeType} content`);
  return found.text;
}

async function promptNames(client: Client): Promise<string[]> {
  const { prompts } = await client.listPrompts(undefined, { cacheMode: "bypass" });
  return prompts.map((p) => p.name);
}

Deno.test("resources: workflow:// and instance:// list, read and complete", async () => {
  const server = await connect();
  try {
    const started = await call<StepResponse>(server.client, "start_workflow", {
      workflow_name: "JOKE_GENERATOR",
      context: { theme: "cats" },
    });
    const { resourceTemplates } = await server.client.listResourceTemplates();
    assert.deepEqual(resourceTemplates.map((t) => t.uriTemplate).sort(), [
      "instance://{id}",
      "workflow://{name}",
    ]);
    const { resources } = await server.client.listResources();
    const uris = resources.map((r) => r.uri);
    assert.ok(uris.includes("workflow://JOKE_GENERATOR"), uris.join(" "));
    assert.equal(uris.filter((u) => u.startsWith("workflow://")).length, 9);
    assert.ok(uris.includes(`instance://${started.instance_id}`), uris.join(" "));

    const workflow = await server.client.readResource({ uri: "workflow://JOKE_GENERATOR" });
    const markdown = text(workflow.contents, "text/markdown");
    assert.match(markdown, /^# Joke Generator$/m);
    assert.equal(markdown.match(/^# Joke Generator$/gm)?.length, 1, "the title once");
    assert.match(markdown, /^## 1\. greet$/m);
    assert.match(markdown, /^## 5\. congratulate$/m);
    assert.match(markdown, /^### Orchestrator Guidance$/m);
    assert.match(markdown, /Routes: otherwise → ask_theme/);
    assert.match(markdown, /\| `theme` \| string \| no \|/);
    const definition = JSON.parse(text(workflow.contents, "application/json"));
    assert.equal(definition.start, "greet");

    const instance = await server.client.readResource({
      uri: `instance://${started.instance_id}`,
    });
    const state = JSON.parse(text(instance.contents, "application/json"));
    assert.equal(state.status, "RUNNING");
    assert.equal(state.current_step_name, "greet");
    assert.deepEqual(state.context, { theme: "cats" });
    assert.equal(state.history[0].decision.source, "start");

    await assert.rejects(
      server.client.readResource({ uri: "workflow://NOPE" }),
      /Unknown workflow 'NOPE'/,
    );
    await assert.rejects(
      server.client.readResource({ uri: "instance://0000" }),
      /No run with id '0000'/,
    );

    const completion = await server.client.complete({
      ref: { type: "ref/resource", uri: "workflow://{name}" },
      argument: { name: "name", value: "re" },
    });
    assert.deepEqual(completion.completion.values, [
      "README_FRESHNESS_CHECK",
      "REFACTOR_WITH_TESTS",
      "RESUME",
    ]);
  } finally {
    await server.close();
  }
});

Deno.test("prompts: one per workflow, with its inputs as arguments and the start call", async () => {
  const server = await connect();
  try {
    const { prompts } = await server.client.listPrompts();
    assert.equal(prompts.length, 9);
    const gitlab = prompts.find((p) => p.name === "ANALYZE_GITLAB_ISSUE");
    assert.ok(gitlab?.description?.includes("GitLab issue"), "the prompt describes the workflow");
    assert.ok(gitlab);
    assert.deepEqual(gitlab.arguments?.map((a) => [a.name, a.required ?? false]), [
      ["issue", false],
      ["ready_label", false],
      ["unready_label", false],
    ]);
    const result = await server.client.getPrompt({
      name: "ANALYZE_GITLAB_ISSUE",
      arguments: { issue: "group/project#42" },
    });
    const message = result.messages[0]?.content as { type: string; text: string };
    assert.equal(result.messages[0]?.role, "user");
    assert.ok(
      message.text.includes(
        'start_workflow tool with {"workflow_name":"ANALYZE_GITLAB_ISSUE","context":{"issue":"group/project#42"}}',
      ),
      message.text,
    );
    assert.match(message.text, /^- fetch_issue: Fetch the issue/m);
  } finally {
    await server.close();
  }
});

Deno.test("prompts: a typed input's argument must be JSON of its type", async () => {
  const root = Deno.makeTempDirSync({ prefix: "orch-prompt-" });
  writeWorkflow(root, "TYPED", {
    "index.md": "---\ninputs:\n  who: {type: string, required: true}\n  count: {type: number}\n" +
      "  flags: {type: object}\n---\n# Typed\n\nA typed flow.\n\n# Steps\n\n- step_one\n",
    "steps/step_one.md": "# Orchestrator Guidance\n\nGo on.\n\n# Client Instructions\n\nDo it.\n",
  });
  const server = await connect({ workflowsDir: root });
  try {
    await assert.rejects(
      server.client.getPrompt({
        name: "TYPED",
        arguments: { who: "Zed", count: "abc", flags: "[1]" },
      }),
      /Invalid arguments for prompt TYPED: count must be a number as JSON, got 'abc'; flags must be an object as JSON, got '\[1\]'\./,
    );
    const result = await server.client.getPrompt({
      name: "TYPED",
      arguments: { who: "Zed", count: "3", flags: '{"a": true}' },
    });
    const message = result.messages[0]?.content as { text: string };
    assert.ok(
      message.text.includes(
        '{"workflow_name":"TYPED","context":{"who":"Zed","count":3,"flags":{"a":true}}}',
      ),
      message.text,
    );
  } finally {
    await server.close();
  }
});

Deno.test("hot reload: edits, new and removed folders are seen without a restart", async () => {
  const root = Deno.makeTempDirSync({ prefix: "orch-reload-" });
  const joke = join(root, "JOKE_GENERATOR");
  Deno.mkdirSync(join(joke, "steps"), { recursive: true });
  for (const entry of Deno.readDirSync(join(BUILTIN_WORKFLOWS, "JOKE_GENERATOR", "steps"))) {
    Deno.copyFileSync(
      join(BUILTIN_WORKFLOWS, "JOKE_GENERATOR", "steps", entry.name),
      join(joke, "steps", entry.name),
    );
  }
  Deno.copyFileSync(join(BUILTIN_WORKFLOWS, "JOKE_GENERATOR", "index.md"), join(joke, "index.md"));

  const server = await connect({ workflowsDir: root });
  let promptNotices = 0;
  server.client.setNotificationHandler("notifications/prompts/list_changed", () => {
    promptNotices++;
  });
  try {
    const before = await call<StepResponse>(server.client, "start_workflow", {
      workflow_name: "JOKE_GENERATOR",
    });
    assert.equal(before.next_step.step_name, "greet");

    // Edit a step file and the index: visible to list_workflows and new runs at once.
    const edit = (file: string, from: string | RegExp, to: string) => {
      const path = join(joke, file);
      Deno.writeTextFileSync(path, Deno.readTextFileSync(path).replace(from, to));
    };
    edit(
      "steps/greet.md",
      /# Client Instructions\n/,
      "# Client Instructions\n\nSay EDITED hello.\n",
    );
    edit("steps/ask_theme.md", /# Client Instructions\n/, "# Client Instructions\n\nEDITED ask.\n");
    edit("index.md", /^description: .*$/m, "description: Edited description.");
    await eventually(async () => {
      const { workflows } = await call<{ workflows: { description: string }[] }>(
        server.client,
        "list_workflows",
      );
      return workflows[0]?.description === "Edited description." ? true : undefined;
    }, "the edited description");
    const after = await call<StepResponse>(server.client, "start_workflow", {
      workflow_name: "JOKE_GENERATOR",
    });
    assert.match(after.next_step.instructions, /Say EDITED hello\./);

    // The run started before the edit keeps its version and says so.
    const old = await call<StepResponse>(server.client, "advance_workflow", {
      instance_id: before.instance_id,
      report: { step_id: "greet", status: "success" },
    });
    assert.equal(old.next_step.step_name, "ask_theme");
    assert.doesNotMatch(old.next_step.instructions, /EDITED/);
    assert.match(old.definition_notice ?? "", /changed on disk since this run started/);
    const fresh = await call<StepResponse>(server.client, "advance_workflow", {
      instance_id: after.instance_id,
      report: { step_id: "greet", status: "success" },
    });
    assert.match(fresh.next_step.instructions, /EDITED ask\./);
    assert.equal(fresh.definition_notice, undefined);

    // A new folder becomes a prompt (and the client is told); a broken one loses it.
    const noticesBefore = promptNotices;
    writeWorkflow(root, "HELLO", {
      "index.md": "---\ndescription: Say hello.\n---\n# Hello\n\nGreet.\n\n# Steps\n\n- hi\n",
      "steps/hi.md": "# Orchestrator Guidance\n\nEnd.\n\n# Client Instructions\n\nSay hi.\n",
    });
    await eventually(
      async () => (await promptNames(server.client)).includes("HELLO") ? true : undefined,
      "the HELLO prompt",
    );
    await eventually(() => (promptNotices > noticesBefore ? true : undefined), "a notice");
    await call(server.client, "start_workflow", { workflow_name: "HELLO" });

    Deno.writeTextFileSync(join(root, "HELLO", "steps", "hi.md"), "# Client Instructions\n\nHi.\n");
    await eventually(
      async () => (await promptNames(server.client)).includes("HELLO") ? undefined : true,
      "the HELLO prompt to go",
    );
    const error = await callError(server.client, "start_workflow", { workflow_name: "HELLO" });
    assert.match(error, /HELLO\/steps\/hi\.md:1: missing section '# Orchestrator Guidance'/);
    assert.deepEqual(await promptNames(server.client), ["JOKE_GENERATOR"]);
  } finally {
    await server.close();
  }
});
