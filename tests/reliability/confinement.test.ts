/**
 * Hostile definitions and least privilege, end to end: a secret file sits in a sibling of the
 * definitions dir, and workflows try to reach it (symlinked step, symlinked folder, `../` link,
 * includes with `../` and an absolute path, hard-linked step and include), next to malformed YAML,
 * binary and giant files and a `..` step name. Every one is listed as invalid with a clear error,
 * the secret never appears in a response or in the server's log, and Deno's permission layer (the
 * launcher's flags) denies the secret path outright.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadConfig } from "../../src/config.ts";
import { permissionFlags } from "../../src/permissions.ts";
import { call, callError, connect } from "../helpers/server.ts";
import { writeWorkflow } from "../helpers/workflows.ts";

const SECRET = `TOP-SECRET-${crypto.randomUUID()}`;
const PROBE = new URL("./fixtures/touch_files.ts", import.meta.url).pathname;

const step = (extra = "") =>
  `# Orchestrator Guidance\n\nGo on.\n\n# Client Instructions\n\nDo it.${extra}\n`;
const index = (links: string[]) =>
  `# Flow\n\nA test flow.\n\n# Steps\n\n${links.map((l) => `- ${l}`).join("\n")}\n`;

/** root/defs with hostile workflows, root/secret/secret.md holding SECRET. */
function hostileTree(): { root: string; defs: string; secretFile: string } {
  const root = Deno.makeTempDirSync({ prefix: "orch-confine-" });
  const defs = join(root, "defs");
  const secretDir = join(root, "secret");
  const secretFile = join(secretDir, "secret.md");
  Deno.mkdirSync(defs);
  Deno.mkdirSync(secretDir);
  Deno.writeTextFileSync(secretFile, `${step(SECRET)}\n${SECRET}\n`);
  Deno.writeTextFileSync(join(secretDir, "index.md"), index(["[a](secret.md)"]) + SECRET);

  writeWorkflow(defs, "GOOD", { "index.md": index(["[a](steps/a.md)"]), "steps/a.md": step() });
  writeWorkflow(defs, "LEAK_SYMLINK_STEP", { "index.md": index(["[a](steps/a.md)"]) });
  Deno.mkdirSync(join(defs, "LEAK_SYMLINK_STEP", "steps"));
  Deno.symlinkSync(secretFile, join(defs, "LEAK_SYMLINK_STEP", "steps", "a.md"));
  Deno.symlinkSync(secretDir, join(defs, "LEAK_SYMLINK_FOLDER"));
  writeWorkflow(defs, "LEAK_LINK", { "index.md": index(["[a](../../secret/secret.md)"]) });
  writeWorkflow(defs, "LEAK_INCLUDE", {
    "index.md": index(["[a](steps/a.md)", "[b](steps/b.md)"]),
    "steps/a.md": step("\n\n{{file:../../../secret/secret.md}}"),
    "steps/b.md": step(`\n\n{{file:${secretFile}}}`),
  });
  writeWorkflow(defs, "BAD_YAML", {
    "index.md": `---\ndescription: [unclosed\n---\n${index(["[a](steps/a.md)"])}`,
    "steps/a.md": step(),
  });
  writeWorkflow(defs, "BINARY", { "index.md": index(["[a](steps/a.md)"]), "steps/a.md": "" });
  Deno.writeFileSync(join(defs, "BINARY", "steps", "a.md"), new Uint8Array([35, 0, 1, 2, 0xff]));
  writeWorkflow(defs, "GIANT", {
    "index.md": index(["[a](steps/a.md)"]),
    "steps/a.md": step("x".repeat(2 * 1024 * 1024)),
  });
  writeWorkflow(defs, "DOTDOT", { "index.md": index(["[..](steps/a.md)"]), "steps/a.md": step() });
  writeWorkflow(defs, "LEAK_HARDLINK", {
    "index.md": index(["[a](steps/a.md)", "[b](steps/b.md)"]),
    "steps/b.md": step("\n\n{{file:shared.md}}"),
  });
  Deno.linkSync(secretFile, join(defs, "LEAK_HARDLINK", "steps", "a.md"));
  Deno.linkSync(join(secretDir, "index.md"), join(defs, "LEAK_HARDLINK", "steps", "shared.md"));
  return { root, defs, secretFile };
}

interface Listed {
  workflows: { name: string; valid: boolean; errors?: { file: string; message: string }[] }[];
}

Deno.test("hostile definitions are rejected with clear errors and never leak a file outside", async () => {
  const { defs } = hostileTree();
  const c = await connect({ workflowsDir: defs });
  const seen: string[] = [];
  try {
    const listed = await call<Listed>(c.client, "list_workflows");
    seen.push(JSON.stringify(listed));
    const byName = new Map(listed.workflows.map((w) => [w.name, w]));
    assert.equal(byName.get("GOOD")?.valid, true);
    const expectations: Record<string, RegExp> = {
      LEAK_SYMLINK_STEP: /symbolic link that points outside the workflow folder/,
      LEAK_SYMLINK_FOLDER: /points outside the definitions directory/,
      LEAK_LINK: /'a' links to '\.\.\/\.\.\/secret\/secret\.md'.*outside/,
      LEAK_INCLUDE: /include.*outside/i,
      BAD_YAML: /YAML|front matter/i,
      BINARY: /binary file/,
      GIANT: /file too large/,
      DOTDOT: /must not contain '\.\.'/,
      LEAK_HARDLINK:
        /steps\/a\.md.*is a hard link[^]*include '\{\{file:shared\.md\}\}' is a hard link/,
    };
    for (const [name, expected] of Object.entries(expectations)) {
      const entry = byName.get(name);
      assert.equal(entry?.valid, false, `${name} must be invalid`);
      const messages = entry?.errors?.map((e) => `${e.file}: ${e.message}`).join("\n") ?? "";
      assert.match(messages, expected, `${name}: ${messages}`);
      const refused = await callError(c.client, "start_workflow", { workflow_name: name });
      assert.match(refused, new RegExp(`Workflow '${name}' is invalid`));
      seen.push(refused);
    }
    // Names are never paths.
    for (const name of ["../secret", "..", "LEAK_LINK/../../secret", "/etc/passwd", "GOOD/.."]) {
      const refused = await callError(c.client, "start_workflow", { workflow_name: name });
      assert.match(refused, /Unknown workflow/);
      seen.push(refused);
    }
    // A valid run's steps, instructions and history carry nothing from outside either.
    const started = await call(c.client, "start_workflow", { workflow_name: "GOOD" });
    seen.push(JSON.stringify(started));
  } finally {
    await c.close();
  }
  seen.push(c.stderr());
  for (const text of seen) assert.ok(!text.includes(SECRET), `the secret leaked: ${text}`);
});

Deno.test("the launcher's permission flags deny the secret path to the process itself", async () => {
  const { root, defs, secretFile } = hostileTree();
  const dbPath = join(root, "data", "workflows.sqlite");
  Deno.mkdirSync(join(root, "data"));
  const config = loadConfig({ WORKFLOW_DEFINITIONS_DIR: defs, WORKFLOW_DB_PATH: dbPath });
  const ops = [
    `read:${secretFile}`,
    `write:${secretFile}`,
    `write:${join(defs, "GOOD", "index.md")}`,
    `read:${join(defs, "GOOD", "index.md")}`,
    `write:${join(root, "data", "probe.txt")}`,
  ];
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", ...permissionFlags(config), PROBE, ...ops],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  assert.deepEqual(JSON.parse(new TextDecoder().decode(output.stdout)), {
    [ops[0]!]: "NotCapable",
    [ops[1]!]: "NotCapable",
    [ops[2]!]: "NotCapable",
    [ops[3]!]: "ok",
    [ops[4]!]: "ok",
  });
  assert.ok(!Deno.readTextFileSync(secretFile).includes("written by the probe"));
});
