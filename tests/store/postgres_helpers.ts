/**
 * PostgreSQL for store tests: the server the test runner started (`WORKFLOW_TEST_DB_URL`, a
 * superuser URL with trust authentication) and, per test, a new login role owning a schema of the
 * same name. PostgreSQL's default search_path starts with the user's own schema, so a store
 * connected as that role lives in it: each test starts empty, without the cost of a new database.
 *
 * @example
 * ```ts
 * await using db = await freshSchema();
 * const store = await openPostgresStore(db.url, { poolSize: 4 });
 * ```
 * @module
 */
import postgres from "postgres";

/** The test server's URL, if the runner started one. */
export const TEST_DB_URL: string | undefined = Deno.env.get("WORKFLOW_TEST_DB_URL") || undefined;

/** Why PostgreSQL tests cannot run here (undefined when they can). */
export const POSTGRES_SKIP: string | undefined = TEST_DB_URL === undefined
  ? "WORKFLOW_TEST_DB_URL is not set (the test runner sets it)"
  : undefined;

/** The test server's URL, or a clear failure when it is not configured. */
export function testDbUrl(): string {
  if (TEST_DB_URL === undefined) throw new Error(`PostgreSQL tests: ${POSTGRES_SKIP}`);
  return TEST_DB_URL;
}

/** One connection as the test server's superuser, for setting up and inspecting tests. */
export function adminConnection(url = testDbUrl()): postgres.Sql & AsyncDisposable {
  const sql = postgres(url, { max: 1, onnotice: () => {}, fetch_types: false });
  return Object.assign(sql, { [Symbol.asyncDispose]: () => sql.end({ timeout: 5 }) });
}

/** A role with its own schema on the test server; disposing it drops both. */
export interface TestSchema extends AsyncDisposable {
  /** Connects as the role, so the store's tables go into its schema. */
  readonly url: string;
  readonly role: string;
}

/** A new role and schema named `t_<random>`, empty, owned by the role. */
export async function freshSchema(): Promise<TestSchema> {
  const role = `t_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = adminConnection();
  await admin.unsafe(`CREATE ROLE ${role} LOGIN; CREATE SCHEMA ${role} AUTHORIZATION ${role}`);
  const url = new URL(testDbUrl());
  url.username = role;
  url.password = "";
  return {
    url: url.toString(),
    role,
    async [Symbol.asyncDispose]() {
      try {
        await admin.unsafe(`DROP SCHEMA ${role} CASCADE; DROP ROLE ${role}`);
      } finally {
        await admin.end({ timeout: 5 });
      }
    },
  };
}
