/**
 * A database the server cannot use, end to end through the real CLI: `main.ts serve` on stdio
 * with the launcher's permission flags for its WORKFLOW_DB_URL (a private password-checking
 * cluster). The server answers `initialize` before it opens the database; then it must exit 1
 * with one clear line on stderr (no stack trace) and never print the password: with a wrong
 * password, with nothing listening at the host:port, with a database that does not exist, with
 * a web server at the host:port (the driver would reconnect forever), and with TLS required of a
 * server without it.
 * @module
 */
import assert from "node:assert/strict";
import { freePort } from "../helpers/http_server.ts";
import { INITIALIZE } from "../helpers/jsonrpc.ts";
import { BUILTIN_WORKFLOWS, serverArgs, tempDbPath } from "../helpers/server.ts";
import { deadline } from "../helpers/wait.ts";
import { startScramCluster } from "../store/postgres_scram_cluster.ts";
import { ignore } from "./helpers.ts";

const PASSWORD = "st@rt-up secret/pw";

/** How a stdio server run ended. */
interface Ended {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run `serve` on stdio against `dbUrl`: send `initialize` and keep stdin open (a client waiting
 * for the next answer), or close stdin at once (a client that left) when `initialize` is false.
 */
async function serveUntilExit(dbUrl: string, initialize = true): Promise<Ended> {
  const env = { WORKFLOW_DB_URL: dbUrl };
  const child = new Deno.Command(Deno.execPath(), {
    args: serverArgs(BUILTIN_WORKFLOWS, tempDbPath(), [], { provider: "stub", env }),
    env: { NO_COLOR: "1", ...env },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  if (initialize) {
    await writer.write(new TextEncoder().encode(`${JSON.stringify(INITIALIZE)}\n`));
  } else await writer.close();
  const output = await deadline(child.output(), 30_000, "the server to exit");
  if (initialize) await writer.close().catch(() => {});
  const text = new TextDecoder();
  return {
    code: output.code,
    stdout: text.decode(output.stdout),
    stderr: text.decode(output.stderr),
  };
}

/** Exit 1, one line on stderr matching `line`, no secret in any output, the handshake answered. */
function assertOneLine(ended: Ended, line: RegExp, initialized: boolean, secret: string): void {
  assert.equal(ended.code, 1, ended.stderr);
  const lines = ended.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line on stderr, got:\n${ended.stderr}`);
  assert.match(lines[0]!, /^\[orchestrator\] error: /);
  assert.match(lines[0]!, line);
  assert.doesNotMatch(ended.stderr, /\n\s+at |Error:|\.ts:\d+/, "no stack trace");
  for (const output of [ended.stdout, ended.stderr]) {
    assert.ok(!output.includes(secret), "the password is never printed");
    assert.ok(!output.includes(encodeURIComponent(secret)), "not even URL-encoded");
  }
  const answers = ended.stdout.trim().split("\n").filter(Boolean);
  if (initialized) {
    assert.equal(answers.length, 1, ended.stdout);
    assert.equal(JSON.parse(answers[0]!).result.serverInfo.name, "orchestrator-mcp-server");
  } else {
    assert.deepEqual(answers, []);
  }
}

/** A listener on 127.0.0.1 that answers every connection with an HTTP 400 and hangs up. */
function answeringHttp(): { port: number } & AsyncDisposable {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const serving = (async () => {
    for await (const conn of listener) {
      conn.read(new Uint8Array(1024))
        .then(() => conn.write(new TextEncoder().encode("HTTP/1.1 400 Bad Request\r\n\r\n")))
        .catch(() => {})
        .finally(() => {
          try {
            conn.close();
          } catch {
            // already closed by the client
          }
        });
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    async [Symbol.asyncDispose]() {
      listener.close();
      await serving;
    },
  };
}

Deno.test({
  name: "replicas: an unusable database stops `serve` with exit 1 and one clear line",
  ignore,
  async fn() {
    await using cluster = await startScramCluster(PASSWORD);
    const wrong = `wrong-${PASSWORD}`;
    const nowhere = `postgres://postgres:${encodeURIComponent(PASSWORD)}@127.0.0.1:${freePort()}` +
      `/postgres`;
    const missing = cluster.url(PASSWORD).replace(/\/postgres$/, "/no_such_database");
    // A web server where the database should be: it answers, but not as PostgreSQL.
    await using web = answeringHttp();
    const notPostgres = `postgres://postgres:${encodeURIComponent(PASSWORD)}@127.0.0.1:` +
      `${web.port}/postgres`;
    const [badLogin, refused, refusedAtOnce, noDatabase, http, tls] = await Promise.all([
      serveUntilExit(cluster.url(wrong)),
      serveUntilExit(nowhere),
      serveUntilExit(nowhere, false),
      serveUntilExit(missing),
      serveUntilExit(notPostgres),
      serveUntilExit(`${cluster.url(PASSWORD)}?sslmode=require`),
    ]);
    assertOneLine(
      http,
      /Cannot connect to PostgreSQL at 127\.0\.0\.1:\d+: connections were accepted, but nothing answered as PostgreSQL: is another service listening on that port\?/,
      true,
      PASSWORD,
    );
    assertOneLine(
      tls,
      /No TLS connection to PostgreSQL at 127\.0\.0\.1:\d+ \(.*\): for a server without TLS, set sslmode=disable in WORKFLOW_DB_URL/,
      true,
      PASSWORD,
    );
    assertOneLine(
      badLogin,
      /PostgreSQL at 127\.0\.0\.1:\d+ refused the login of user 'postgres' to database 'postgres'.*check the user name and password in WORKFLOW_DB_URL\.$/,
      true,
      wrong,
    );
    const noServer =
      /Cannot connect to PostgreSQL at 127\.0\.0\.1:\d+: connection refused\. Is the server running.*Check the host and port in WORKFLOW_DB_URL\.$/;
    assertOneLine(refused, noServer, true, PASSWORD);
    assertOneLine(refusedAtOnce, noServer, false, PASSWORD);
    assertOneLine(
      noDatabase,
      /Database 'no_such_database' does not exist on PostgreSQL at 127\.0\.0\.1:\d+: create it with `createdb .*`.*or fix the database name in WORKFLOW_DB_URL\.$/,
      true,
      PASSWORD,
    );
  },
});
