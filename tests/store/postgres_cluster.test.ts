import assert from "node:assert/strict";
import postgres from "postgres";
import {
  findPostgresBinaries,
  startPostgresCluster,
  TEST_DATABASE,
} from "../../scripts/postgres_cluster.ts";

const DB_URL = Deno.env.get("WORKFLOW_TEST_DB_URL");
const BINARIES = await findPostgresBinaries();

Deno.test({
  name: "the database named by WORKFLOW_TEST_DB_URL answers SELECT 1",
  ignore: !DB_URL,
  fn: async () => {
    const sql = postgres(DB_URL!, { max: 1 });
    try {
      assert.deepEqual([...await sql`SELECT 1 AS one`], [{ one: 1 }]);
    } finally {
      await sql.end();
    }
  },
});

Deno.test({
  name: "an own cluster: loopback only, fsync on, rows kept across restart(), gone after stop()",
  ignore: !BINARIES,
  fn: async () => {
    const cluster = await startPostgresCluster(BINARIES);
    const sql = postgres(cluster.url, { max: 2, onnotice: () => {} });
    try {
      assert.match(
        cluster.url,
        new RegExp(`^postgres://postgres@127\\.0\\.0\\.1:\\d+/${TEST_DATABASE}$`),
      );
      const [settings] = await sql`SELECT current_setting('listen_addresses') AS listen,
        current_setting('fsync') AS fsync, current_setting('max_connections') AS max`;
      assert.deepEqual({ ...settings }, { listen: "127.0.0.1", fsync: "on", max: "200" });
      await sql`CREATE TABLE kept (n int)`;
      await sql`INSERT INTO kept VALUES (7)`;

      await cluster.restart();
      // The pool's old connections are gone; it opens new ones on the next query.
      assert.deepEqual([...await sql`SELECT n FROM kept`], [{ n: 7 }]);
    } finally {
      await sql.end();
      await cluster.stop();
    }
    await assert.rejects(Deno.stat(cluster.dataDir), Deno.errors.NotFound);
    await cluster.stop(); // twice is fine
  },
});
