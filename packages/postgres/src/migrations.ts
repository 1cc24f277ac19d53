import type pg from 'pg';

/**
 * Schema migrations, applied in order, each once: `ap_schema_migrations` records the versions a
 * database has (version N is `MIGRATIONS[N - 1]`). Existing databases are migrated forward, never
 * rebuilt; a published migration is never edited, a change is a new one.
 *
 * Lists are paginated on `ord`, a per-owner (tasks) or per-task (steps, artifacts) ordinal with no
 * gaps, handed out by counters (`ap_owners.task_count`, `ap_tasks.step_count` and
 * `artifact_count`) in the transaction of the insert: page N is an index range seek on
 * `(owner, ord)` or `(task_id, ord)`, and its total is the counter, never a count(*).
 *
 * Timestamps of records are kept as the text the core wrote, so they round-trip exactly. Step and
 * task bodies are JSON text (not jsonb): jsonb refuses `\u0000` in strings, which a step output
 * may hold.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: tasks, owners, steps, artifacts, secrets, step events.
  `CREATE TABLE ap_owners (
     owner text PRIMARY KEY,
     task_count bigint NOT NULL
   );
   CREATE TABLE ap_tasks (
     task_id text PRIMARY KEY,
     owner text NOT NULL,
     ord bigint NOT NULL,
     body text NOT NULL,
     created_at text NOT NULL,
     step_count bigint NOT NULL DEFAULT 0,
     artifact_count bigint NOT NULL DEFAULT 0
   );
   CREATE UNIQUE INDEX ap_tasks_owner_ord ON ap_tasks (owner, ord);
   CREATE TABLE ap_steps (
     step_id text PRIMARY KEY,
     task_id text NOT NULL REFERENCES ap_tasks (task_id),
     ord bigint NOT NULL,
     status text NOT NULL,
     body text NOT NULL,
     created_at text NOT NULL
   );
   CREATE UNIQUE INDEX ap_steps_task_ord ON ap_steps (task_id, ord);
   -- What a restart resumes: small (only steps not completed), already in the order it is read.
   CREATE INDEX ap_steps_unfinished ON ap_steps (task_id, ord) WHERE status <> 'completed';
   CREATE TABLE ap_artifacts (
     artifact_id text PRIMARY KEY,
     task_id text NOT NULL REFERENCES ap_tasks (task_id),
     step_id text,
     ord bigint NOT NULL,
     agent_created boolean NOT NULL,
     file_name text NOT NULL,
     relative_path text,
     size bigint NOT NULL,
     created_at text NOT NULL
   );
   CREATE UNIQUE INDEX ap_artifacts_task_ord ON ap_artifacts (task_id, ord);
   CREATE INDEX ap_artifacts_step ON ap_artifacts (step_id, ord);
   CREATE TABLE ap_secrets (
     secret_id text PRIMARY KEY,
     owner text NOT NULL,
     secret_key text NOT NULL,
     sealed bytea NOT NULL,
     created_at text NOT NULL,
     updated_at text NOT NULL,
     -- The order secrets were first stored (a replacement keeps it): the order they are listed in.
     seq bigint GENERATED ALWAYS AS IDENTITY
   );
   CREATE UNIQUE INDEX ap_secrets_owner_key ON ap_secrets (owner, secret_key);
   CREATE INDEX ap_secrets_owner_seq ON ap_secrets (owner, seq);
   CREATE TABLE ap_step_events (
     step_id text NOT NULL,
     id integer NOT NULL,
     event text NOT NULL,
     data text NOT NULL,
     PRIMARY KEY (step_id, id)
   );`,
  // 2: artifact content kept in the database (replicas share no disk), and the coordination of
  // steps between processes (their order, leases and cancel requests).
  `CREATE TABLE ap_artifact_chunks (
     artifact_id text NOT NULL,
     n integer NOT NULL,
     data bytea NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (artifact_id, n)
   );
   -- Uncompressed out of line: a download reads a chunk in slices, and a slice of an uncompressed
   -- value is read without detoasting the whole chunk.
   ALTER TABLE ap_artifact_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
   CREATE TABLE ap_turns (
     task_id text NOT NULL,
     seq bigint NOT NULL,
     step_id text NOT NULL UNIQUE,
     principal text NOT NULL,
     replica text NOT NULL,
     lease_until timestamptz NOT NULL,
     cancel_requested boolean NOT NULL DEFAULT false,
     PRIMARY KEY (task_id, seq)
   );
   CREATE INDEX ap_turns_principal ON ap_turns (principal);
   CREATE INDEX ap_turns_lease ON ap_turns (lease_until);
   ALTER TABLE ap_tasks ADD COLUMN turn_count bigint NOT NULL DEFAULT 0;`,
  // 3: sign-ins a step asked for (delegated login), until the provider sends the browser back to
  // any replica. Timestamps as text like the others: ISO 8601 compares as text.
  `CREATE TABLE ap_oauth_logins (
     login_id text PRIMARY KEY,
     owner text NOT NULL,
     task_id text NOT NULL,
     step_id text NOT NULL,
     provider text NOT NULL,
     scopes text NOT NULL,
     redirect_uri text NOT NULL,
     sealed_verifier bytea NOT NULL,
     created_at text NOT NULL,
     expires_at text NOT NULL
   );
   CREATE INDEX ap_oauth_logins_expiry ON ap_oauth_logins (expires_at);`,
];

/** A schema name the store accepts: a plain lower-case identifier, safe to quote and to log. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new TypeError(
      `Invalid PostgreSQL schema name '${schema}': expected ${SCHEMA_NAME.source}.`,
    );
  }
}

/**
 * Migrations may take longer than the store's statement timeout (an index on a large table), and
 * waiting for another process's migrations must not time out either: both run with this one.
 */
const MIGRATION_TIMEOUT_MILLIS = 10 * 60_000;

export interface MigrateOptions {
  /** Stop after this version (tests build a database of an older version); default: the latest. */
  upTo?: number;
}

/**
 * Creates `schema` if missing and applies the migrations it lacks, each in its own transaction,
 * while holding an advisory lock derived from the schema name: processes starting at the same
 * instant migrate one after the other, and each later one finds nothing left to do.
 * Returns the versions it applied.
 */
export async function migrate(
  pool: pg.Pool,
  schema: string,
  options: MigrateOptions = {},
): Promise<number[]> {
  assertSchemaName(schema);
  const upTo = Math.min(options.upTo ?? MIGRATIONS.length, MIGRATIONS.length);
  const quoted = `"${schema}"`;
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  // Every statement here may wait (for the lock) or work (DDL) longer than the store's timeouts.
  // (node-postgres reads `query_timeout` from a query's config too; its types omit it.)
  const run = (text: string, values?: unknown[]) =>
    client.query<{ version: number }>({
      text,
      values,
      query_timeout: MIGRATION_TIMEOUT_MILLIS,
    } as pg.QueryConfig);
  const inTransaction = async <T>(work: () => Promise<T>): Promise<T> => {
    await run('BEGIN');
    try {
      await run(`SET LOCAL statement_timeout = ${MIGRATION_TIMEOUT_MILLIS}`);
      await run(`SET LOCAL search_path TO ${quoted}`);
      const result = await work();
      await run('COMMIT');
      return result;
    } catch (error) {
      await run('ROLLBACK').catch((e: Error) => (broken = e));
      throw error;
    }
  };
  const lockKey = `agent-protocol:${schema}`;
  let locked = false;
  try {
    // A session lock taken inside a transaction outlives it: the transaction only lifts the
    // statement timeout for the wait.
    await inTransaction(() => run('SELECT pg_advisory_lock(hashtext($1))', [lockKey]));
    locked = true;
    // Looked up first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when the schema
    // is there, which a role given only its schema does not have.
    const exists = await run('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (exists.rowCount === 0) await run(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
    const applied = await inTransaction(async () => {
      await run(
        `CREATE TABLE IF NOT EXISTS ap_schema_migrations (
           version integer PRIMARY KEY,
           applied_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
      const rows = await run('SELECT version FROM ap_schema_migrations');
      return new Set(rows.rows.map((r) => r.version));
    });
    const done: number[] = [];
    for (let version = 1; version <= upTo; version++) {
      if (applied.has(version)) continue;
      await inTransaction(async () => {
        await run(MIGRATIONS[version - 1]!);
        await run('INSERT INTO ap_schema_migrations (version, applied_at) VALUES ($1, now())', [
          version,
        ]);
      });
      done.push(version);
    }
    return done;
  } catch (error) {
    broken ??= error as Error;
    throw error;
  } finally {
    if (locked && !broken) {
      await run('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]).catch(
        (e: Error) => (broken = e),
      );
    }
    client.off('error', onError);
    // A failed connection is destroyed (which also drops a session lock it still held).
    client.release(broken);
  }
}
