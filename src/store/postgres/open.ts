/**
 * Connecting to PostgreSQL for the store: the connection pool, configured from the URL alone (every
 * driver option is passed, so the driver reads no `PG*` variable and no OS user name), and the
 * schema brought up to date by forward-only migrations that run in one transaction under an
 * advisory lock, so replicas starting together migrate one after the other.
 *
 * @example
 * ```ts
 * import { connectPool, databaseTarget } from "./open.ts";
 * const target = databaseTarget("postgres://app:pw@db:5432/workflows");
 * const sql = await connectPool(target, { poolSize: 10 });
 * ```
 * @module
 */
import postgres from "postgres";
import { StorageError } from "../../errors.ts";
import { storeLocation } from "../open.ts";
import { answeredWithin } from "./answer_deadline.ts";
import { connectError, type DatabaseTarget, postgresError } from "./errors.ts";
import { MIGRATION_LOCK_KEY, MIGRATIONS, OUR_TABLES, SCHEMA_VERSION } from "./schema.ts";

/** The driver's connection pool. */
export type Pool = postgres.Sql;

/** A pool or a transaction: what runs a query. */
type Queryable = Pick<Pool, "unsafe">;

/** How `openPostgresStore` connects. */
export interface PostgresOptions {
  /** Most connections open at once (`WORKFLOW_DB_POOL_SIZE`). */
  poolSize: number;
  /** How long connecting may take before it fails, in seconds (default 10). */
  connectTimeoutSeconds?: number;
  /** How long a statement may go unanswered before its call fails, in seconds (default 15). */
  answerTimeoutSeconds?: number;
}

/** How long connecting may take by default, in seconds. */
const CONNECT_TIMEOUT_SECONDS = 10;

/** `sslmode` values of the URL and what the driver does for each. */
const SSL_MODES: Record<string, false | "prefer" | "require" | "verify-full"> = {
  disable: false,
  prefer: "prefer",
  require: "require",
  "verify-full": "verify-full",
};

/**
 * The database a `postgres://` URL names, with user and password decoded.
 * @throws {StorageError} the URL is not a PostgreSQL URL naming a host and a database
 */
export function databaseTarget(url: string): DatabaseTarget & { sslmode: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StorageError(
      "WORKFLOW_DB_URL is not a valid URL: expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE.",
    );
  }
  const location = storeLocation({ dbPath: "", dbUrl: url });
  const database = decodeURIComponent(parsed.pathname.slice(1));
  if (!/^postgres(ql)?:$/.test(parsed.protocol) || parsed.hostname === "" || database === "") {
    throw new StorageError(
      `WORKFLOW_DB_URL ${location} does not name a PostgreSQL database: expected ` +
        `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE.`,
    );
  }
  const unknown = [...parsed.searchParams.keys()].filter((key) => key !== "sslmode");
  const sslmode = parsed.searchParams.get("sslmode") ?? "disable";
  if (unknown.length > 0 || !(sslmode in SSL_MODES)) {
    throw new StorageError(
      `WORKFLOW_DB_URL ${location} has unsupported parameters: only sslmode ` +
        `(${Object.keys(SSL_MODES).join(", ")}) is understood.`,
    );
  }
  return {
    location,
    host: parsed.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: parsed.port === "" ? 5432 : Number(parsed.port),
    user: decodeURIComponent(parsed.username) || "postgres",
    password: decodeURIComponent(parsed.password),
    database,
    sslmode,
  };
}

/**
 * The longest wait before reconnecting, in seconds. The driver makes the call that needs a
 * connection sit out this wait before it even tries, so a long one (the driver's default grows to
 * 20 s) held every call for seconds while the database was down, and for as long again after it
 * was back. Calls pace the attempts themselves: an idle pool does not reconnect.
 */
const MAX_RECONNECT_DELAY_SECONDS = 1;

/** Between reconnection attempts: a few ms, growing with each failed attempt, at most a second. */
function backoff(attempt: number): number {
  return (0.5 + Math.random() / 2) * Math.min(3 ** attempt / 100, MAX_RECONNECT_DELAY_SECONDS);
}

/**
 * Every option the driver would otherwise look up in `PG*` variables (which would need
 * --allow-env for each) or derive from the OS user (--allow-sys), given explicitly. Exported for
 * the benchmarks, whose PostgreSQL baselines connect exactly as the store does.
 */
export function driverOptions(
  target: DatabaseTarget & { sslmode: string },
  options: PostgresOptions,
): postgres.Options<Record<string, never>> {
  const { password } = target;
  // `sslnegotiation` and `max_pipeline` are options the driver reads but its types omit.
  const settings: postgres.Options<Record<string, never>> & {
    sslnegotiation: null;
    max_pipeline: number;
  } = {
    // One-element lists, as the driver keeps them: a host string it splits at ':' (for a port),
    // which breaks an IPv6 address such as ::1.
    host: [target.host] as unknown as string,
    port: [target.port] as unknown as number,
    user: target.user,
    // A function, so an empty password is not replaced by $PGPASSWORD and the pool's options
    // never hold the password itself.
    pass: () => password,
    database: target.database,
    max: options.poolSize,
    ssl: SSL_MODES[target.sslmode] ?? false,
    sslnegotiation: null,
    idle_timeout: 0, // never closed for being idle
    connect_timeout: options.connectTimeoutSeconds ?? CONNECT_TIMEOUT_SECONDS,
    max_lifetime: 60 * (30 + Math.random() * 30),
    max_pipeline: 100,
    backoff,
    keep_alive: 60,
    prepare: true,
    debug: false,
    fetch_types: false,
    publications: "alltables",
    target_session_attrs: "read-write",
    connection: {
      application_name: "orchestrator-mcp-server",
      // Every statement is a keyed lookup or an index-ordered page: one cached plan fits every
      // call. With `auto`, a listing's parameter LIMIT made the server plan it again on every
      // call once the table was large (0.08 ms of planning for 0.05 ms of work at 1M rows).
      plan_cache_mode: "force_generic_plan",
    },
    // The driver prints notices to stdout by default, which would corrupt the stdio protocol.
    onnotice: () => {},
  };
  return settings;
}

/**
 * Open the pool and bring the schema up to date; the pool is closed again if that fails.
 * @throws {StorageError} one line naming the database (never its password) and the fix
 */
export async function connectPool(
  target: DatabaseTarget & { sslmode: string },
  options: PostgresOptions,
): Promise<Pool> {
  const sql = postgres(driverOptions(target, options));
  const timeoutSeconds = options.connectTimeoutSeconds ?? CONNECT_TIMEOUT_SECONDS;
  try {
    // Something that accepts connections but does not speak PostgreSQL (a web server, a proxy, a
    // wrong port) makes the driver connect again and again: its first answer has a deadline, a
    // second after the driver's own connect timeout (which reports a server that never answers).
    const state = await answeredWithin(schemaState(sql), timeoutSeconds + 1);
    await migrate(sql, target, state);
    return sql;
  } catch (error) {
    await sql.end({ timeout: 1 }).catch(() => {});
    // A failed start changes nothing (migrations are one transaction): not "may be committed".
    throw connectError(error, target, timeoutSeconds) ??
      postgresError(error, target, { what: "opening it", writes: false });
  }
}

/**
 * The schema version, and whether any of our tables exists (at version 0: another program's), in
 * the schema our tables go to (`current_schema()`). Read from `pg_class` with the statement's
 * snapshot: `to_regclass` answers from the session's catalog cache, which may still say "no such
 * table" after another server's migration committed while we waited for the lock.
 */
async function schemaState(sql: Queryable): Promise<{ version: number; hasTables: boolean }> {
  const ours = (names: readonly string[]) =>
    `EXISTS (SELECT 1 FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
             WHERE n.nspname = current_schema()
               AND c.relname IN (${names.map((name) => `'${name}'`).join(", ")}))`;
  const [state] = await sql.unsafe(
    `SELECT ${ours(["schema_version"])} AS versioned, ${ours(OUR_TABLES)} AS has_tables`,
  );
  if (state?.versioned !== true) return { version: 0, hasTables: state?.has_tables === true };
  const [row] = await sql.unsafe("SELECT version FROM schema_version");
  return { version: Number(row?.version ?? 0), hasTables: true };
}

/** Refuse databases we must not migrate: a newer schema, or our tables created by someone else. */
function refuseForeignSchema(
  location: string,
  { version, hasTables }: { version: number; hasTables: boolean },
): void {
  if (version === 0 && hasTables) {
    throw new StorageError(
      `The database ${location} already has workflow tables but no schema_version table: they ` +
        `were created by another program. Point WORKFLOW_DB_URL at another database; this one ` +
        `is left unchanged.`,
    );
  }
  if (version > SCHEMA_VERSION) {
    throw new StorageError(
      `The database ${location} has schema version ${version}, but this server only knows ` +
        `versions up to ${SCHEMA_VERSION}: it was migrated by a newer orchestrator-mcp-server. ` +
        `Upgrade this server, or point WORKFLOW_DB_URL at another database.`,
    );
  }
}

/**
 * Bring the schema up to date from `state` (a look without locking: the common case, nothing to do),
 * then, if needed, one transaction that takes the migration lock, looks again (another replica
 * may have just migrated) and applies what is missing. Nothing is changed if any step fails.
 */
async function migrate(
  sql: Pool,
  target: DatabaseTarget,
  state: { version: number; hasTables: boolean },
): Promise<void> {
  refuseForeignSchema(target.location, state);
  if (state.version === SCHEMA_VERSION) return;
  await sql.begin(async (tx) => {
    await tx.unsafe(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    const locked = await schemaState(tx);
    refuseForeignSchema(target.location, locked);
    for (let v = locked.version; v < SCHEMA_VERSION; v++) {
      const migration = MIGRATIONS[v];
      if (migration === undefined) throw new StorageError(`Missing migration ${v + 1}.`);
      try {
        await tx.unsafe(migration.sql);
      } catch (error) {
        const cause = postgresError(error, target, {
          what: `migrating to schema version ${v + 1} (${migration.description})`,
          writes: false,
        });
        throw new StorageError(`${cause.message} The database is unchanged.`, { cause });
      }
    }
    await tx.unsafe(
      `INSERT INTO schema_version (version) VALUES (${SCHEMA_VERSION})
       ON CONFLICT (singleton) DO UPDATE SET version = excluded.version`,
    );
  });
}
