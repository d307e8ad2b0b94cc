/**
 * Hostile input through the real MCP client: FUZZ_CALLS generated tool calls (default 3000,
 * seeded by FUZZ_SEED) against one server. The server must answer every call with a valid MCP
 * result (or a JSON-RPC error for an unknown tool), never an internal error, never a stack
 * overflow, never crash; afterwards the database must be consistent.
 */
import assert from "node:assert/strict";
import { Client, ProtocolError } from "@modelcontextprotocol/client";
import { BUILTIN_WORKFLOWS, call, serverArgs, tempDbPath, toolText } from "../helpers/server.ts";
import { checkDatabaseFile } from "./db_invariants.ts";
import { type FuzzState, nextCall } from "./fuzz_calls.ts";
import { RawJson, RawJsonTransport } from "./raw_json_transport.ts";
import { countFromEnv, Random, seedFromEnv } from "./random.ts";

/** Longest error text we accept: an error must explain, not echo a megabyte of input back. */
const MAX_ERROR_TEXT = 4_000;

interface Tally {
  sent: number;
  ok: number;
  toolErrors: number;
  protocolErrors: number;
  crashes: number;
  internalErrors: string[];
  oversizedErrors: string[];
}

Deno.test("thousands of hostile tool calls: every answer is a valid MCP result, no crash", async () => {
  const calls = countFromEnv("FUZZ_CALLS", 3000);
  const seed = seedFromEnv("FUZZ_SEED");
  const rng = new Random(seed);
  const dbPath = tempDbPath();
  const transport = new RawJsonTransport(Deno.execPath(), serverArgs(BUILTIN_WORKFLOWS, dbPath));
  const client = new Client({ name: "fuzz", version: "1.0.0" });
  await client.connect(transport);
  const tally: Tally = {
    sent: 0,
    ok: 0,
    toolErrors: 0,
    protocolErrors: 0,
    crashes: 0,
    internalErrors: [],
    oversizedErrors: [],
  };
  const state: FuzzState = { instances: [], steps: new Map() };
  const began = performance.now();
  try {
    // Cache the output schemas so the client validates every structuredContent against them.
    await client.listTools();
    for (let i = 0; i < 5; i++) {
      const started = await call<{ instance_id: string; next_step: { step_name: string } }>(
        client,
        "start_workflow",
        { workflow_name: "JOKE_GENERATOR" },
      );
      state.instances.push(started.instance_id);
      state.steps.set(started.instance_id, started.next_step.step_name);
    }
    for (let i = 0; i < calls; i++) {
      const { name, arguments: args } = nextCall(rng, state);
      tally.sent += 1;
      try {
        const result = await client.callTool({ name, arguments: args });
        const text = toolText(result);
        if (result.isError) {
          tally.toolErrors += 1;
          if (/^Internal error|Maximum call stack|SQLITE|database is locked/i.test(text)) {
            tally.internalErrors.push(`#${i} ${name}: ${text.slice(0, 300)}`);
          }
          if (text.length > MAX_ERROR_TEXT || text.length === 0) {
            tally.oversizedErrors.push(`#${i} ${name}: ${text.length} chars`);
          }
          continue;
        }
        tally.ok += 1;
        const content = result.structuredContent as Record<string, unknown>;
        const id = content.instance_id;
        const next = (content.next_step as { step_name?: string } | undefined)?.step_name;
        if (typeof id === "string" && next !== undefined) {
          if (!state.steps.has(id)) state.instances.push(id);
          state.steps.set(id, next);
        }
      } catch (error) {
        // Unknown tools are JSON-RPC errors; anything else (closed pipe, timeout) is a crash.
        if (error instanceof ProtocolError) {
          tally.protocolErrors += 1;
        } else {
          tally.crashes += 1;
          throw new Error(
            `call #${i} (${name}) broke the connection: ${
              error instanceof Error ? error.stack : error
            }\n${transport.stderr}`,
          );
        }
      }
    }
    // Still alive and still serving real work.
    const status = await call<{ history_length: number }>(client, "get_workflow_status", {
      instance_id: state.instances[0]!,
    });
    assert.ok(status.history_length >= 1);
    // The limits name the problem precisely.
    const deep = await client.callTool({
      name: "advance_workflow",
      arguments: {
        instance_id: state.instances[0]!,
        report: { step_id: "x", status: "success" },
        context_updates: { payload: RawJson.nested(100_000, "object") },
      },
    });
    assert.equal(deep.isError, true);
    assert.match(
      (deep.content as { text: string }[])[0]!.text,
      /^context_updates is nested more than 64 levels deep \(at payload\.a\.a\.a….a\.a\.a\)/,
    );
  } finally {
    await client.close();
  }
  const wallMs = Math.round(performance.now() - began);
  console.log(
    `fuzz: ${tally.sent} calls in ${(wallMs / 1000).toFixed(1)} s (seed ${seed}): ` +
      `${tally.ok} ok, ${tally.toolErrors} isError results, ${tally.protocolErrors} JSON-RPC ` +
      `errors, ${tally.crashes} crashes, ${tally.internalErrors.length} internal errors, ` +
      `${state.instances.length} instances`,
  );
  assert.deepEqual(tally.internalErrors, []);
  assert.deepEqual(tally.oversizedErrors, []);
  assert.equal(tally.crashes, 0);
  assert.equal(tally.sent, calls);
  // The generator must really have reached the engine, not only the schema layer.
  assert.ok(tally.ok > calls / 10, `only ${tally.ok} calls succeeded`);
  assert.deepEqual(checkDatabaseFile(dbPath), []);
});

Deno.test("a message over the 10 MiB stdio limit is refused naming the limit; the session and state go on", async () => {
  const dbPath = tempDbPath();
  const transport = new RawJsonTransport(Deno.execPath(), serverArgs(BUILTIN_WORKFLOWS, dbPath));
  const client = new Client({ name: "fuzz", version: "1.0.0" });
  await client.connect(transport);
  const started = await call<{ instance_id: string }>(client, "start_workflow", {
    workflow_name: "JOKE_GENERATOR",
  });
  await assert.rejects(
    client.callTool({ name: "start_workflow", arguments: { workflow_name: "x".repeat(11e6) } }),
    /Message too large: \d+ bytes; the limit is 10485760 bytes per message/,
  );
  const status = await call<{ current_step_name: string }>(client, "get_workflow_status", {
    instance_id: started.instance_id,
  });
  assert.equal(status.current_step_name, "greet");
  await client.close();
  assert.match(transport.stderr, /warn: MCP transport: Message too large/);
  assert.deepEqual(
    checkDatabaseFile(dbPath, [{
      instanceId: started.instance_id,
      seq: 1,
      step: null,
      nextStep: "greet",
    }]),
    [],
  );
});
