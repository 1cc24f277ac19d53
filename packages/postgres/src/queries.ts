/**
 * The store's SQL, in one place (the tests EXPLAIN these very strings). Tables are unqualified:
 * the connection's `search_path` names the schema.
 */

const TASK_COLUMNS = 'task_id, owner, body, created_at';
const STEP_COLUMNS = 'step_id, task_id, status, body, created_at';
const ARTIFACT_COLUMNS =
  'artifact_id, task_id, step_id, agent_created, file_name, relative_path, size, created_at';
const SECRET_COLUMNS = 'secret_id, owner, secret_key, sealed, created_at, updated_at';

/**
 * The rows of one page: ordinals have no gaps, so page N is the range of ordinals it holds, an
 * index range seek on `(key, ord)` that reads only the page's rows, however deep the page.
 */
const PAGE_RANGE = 'ord BETWEEN $2 AND $3 ORDER BY ord';

/**
 * The task's ordinal comes from its owner's counter, taken in the insert's statement: the
 * counter row's lock orders concurrent creators, and a rollback takes the number back (no gap).
 */
export const INSERT_TASK = `
  WITH counter AS (
    INSERT INTO ap_owners (owner, task_count) VALUES ($2, 1)
    ON CONFLICT (owner) DO UPDATE SET task_count = ap_owners.task_count + 1
    RETURNING task_count
  )
  INSERT INTO ap_tasks (task_id, owner, ord, body, created_at)
  SELECT $1, $2, task_count, $3, $4 FROM counter`;
export const GET_TASK = `SELECT ${TASK_COLUMNS} FROM ap_tasks WHERE task_id = $1 AND owner = $2`;
export const COUNT_TASKS = 'SELECT task_count AS total FROM ap_owners WHERE owner = $1';
export const PAGE_TASKS = `SELECT ${TASK_COLUMNS} FROM ap_tasks WHERE owner = $1 AND ${PAGE_RANGE}`;

/** As for tasks, with the task row's `step_count` as the counter. */
export const INSERT_STEP = `
  WITH counter AS (
    UPDATE ap_tasks SET step_count = step_count + 1 WHERE task_id = $2 RETURNING step_count
  )
  INSERT INTO ap_steps (step_id, task_id, ord, status, body, created_at)
  SELECT $1, $2, step_count, $3, $4, $5 FROM counter`;
export const UPDATE_STEP = 'UPDATE ap_steps SET status = $2, body = $3 WHERE step_id = $1';
export const GET_STEP = `SELECT ${STEP_COLUMNS} FROM ap_steps WHERE task_id = $1 AND step_id = $2`;
export const COUNT_STEPS = 'SELECT step_count AS total FROM ap_tasks WHERE task_id = $1';
export const PAGE_STEPS = `SELECT ${STEP_COLUMNS} FROM ap_steps WHERE task_id = $1 AND ${PAGE_RANGE}`;
export const LAST_STEP = `
  SELECT ${STEP_COLUMNS} FROM ap_steps WHERE task_id = $1 AND status = 'completed'
  ORDER BY ord DESC LIMIT 1`;
/** Served by the partial index `ap_steps_unfinished`, already in this order. */
export const UNFINISHED_STEPS = `
  SELECT ${STEP_COLUMNS} FROM ap_steps WHERE status <> 'completed' ORDER BY task_id, ord`;

/**
 * Appends events and, in the same statement (so the same transaction), wakes the other processes
 * once per step: `pg_notify` is delivered when the transaction commits, never before, so a
 * listener that reads the log on the notification finds the events there.
 */
export const INSERT_EVENTS = `
  WITH inserted AS (
    INSERT INTO ap_step_events (step_id, id, event, data)
    SELECT * FROM unnest($1::text[], $2::integer[], $3::text[], $4::text[])
    RETURNING step_id
  )
  SELECT pg_notify('ap_events', $5::text || ':' || step_id)
  FROM (SELECT DISTINCT step_id FROM inserted) AS written`;
/** The channel event writes notify, with payload `<replicaId>:<step_id>`. */
export const EVENTS_CHANNEL = 'ap_events';
export const STEP_EVENTS = `
  SELECT step_id, id, event, data FROM ap_step_events WHERE step_id = $1 AND id > $2 ORDER BY id`;

/**
 * Artifacts of one task, in one statement: the task's counter moves by their number and they
 * take the ordinals below it, in the order given.
 */
export const INSERT_ARTIFACTS = `
  WITH counter AS (
    UPDATE ap_tasks SET artifact_count = artifact_count + cardinality($2::text[])
    WHERE task_id = $1 RETURNING artifact_count
  )
  INSERT INTO ap_artifacts (artifact_id, task_id, step_id, ord, agent_created, file_name,
                            relative_path, size, created_at)
  SELECT a.artifact_id, $1, a.step_id, counter.artifact_count - cardinality($2::text[]) + a.n,
         a.agent_created, a.file_name, a.relative_path, a.size, a.created_at
  FROM counter,
       unnest($2::text[], $3::text[], $4::boolean[], $5::text[], $6::text[], $7::bigint[], $8::text[])
         WITH ORDINALITY AS a (artifact_id, step_id, agent_created, file_name, relative_path, size, created_at, n)`;
export const GET_ARTIFACT = `
  SELECT ${ARTIFACT_COLUMNS} FROM ap_artifacts WHERE task_id = $1 AND artifact_id = $2`;
export const COUNT_ARTIFACTS = 'SELECT artifact_count AS total FROM ap_tasks WHERE task_id = $1';
export const PAGE_ARTIFACTS = `
  SELECT ${ARTIFACT_COLUMNS} FROM ap_artifacts WHERE task_id = $1 AND ${PAGE_RANGE}`;
export const ARTIFACTS_OF_TASKS = `
  SELECT ${ARTIFACT_COLUMNS} FROM ap_artifacts WHERE task_id = ANY($1::text[]) ORDER BY task_id, ord`;
export const ARTIFACTS_OF_STEPS = `
  SELECT ${ARTIFACT_COLUMNS} FROM ap_artifacts WHERE step_id = ANY($1::text[]) ORDER BY step_id, ord`;

export const GET_SECRET = `
  SELECT ${SECRET_COLUMNS} FROM ap_secrets WHERE owner = $1 AND secret_key = $2`;
export const PUT_SECRET = `
  INSERT INTO ap_secrets (${SECRET_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (secret_id) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at`;
// Secrets are few per principal: a count and an OFFSET over them are cheap.
export const COUNT_SECRETS = 'SELECT count(*)::integer AS total FROM ap_secrets WHERE owner = $1';
export const PAGE_SECRETS = `
  SELECT ${SECRET_COLUMNS} FROM ap_secrets WHERE owner = $1 ORDER BY seq LIMIT $2 OFFSET $3`;
export const DELETE_SECRET = 'DELETE FROM ap_secrets WHERE owner = $1 AND secret_id = $2';
export const ALL_SECRETS = `SELECT ${SECRET_COLUMNS} FROM ap_secrets ORDER BY seq`;
/** Each row only where it still holds the value read: one a replica rewrote meanwhile stays. */
export const RESEAL_SECRETS = `
  UPDATE ap_secrets AS s SET sealed = r.sealed
  FROM unnest($1::text[], $2::bytea[], $3::bytea[]) AS r (secret_id, was, sealed)
  WHERE s.secret_id = r.secret_id AND s.sealed = r.was`;

const LOGIN_COLUMNS =
  'login_id, owner, task_id, step_id, provider, scopes, redirect_uri, sealed_verifier, created_at, expires_at';
/** A new pending sign-in, and the expired ones dropped in the same statement. */
export const PUT_OAUTH_LOGIN = `
  WITH expired AS (DELETE FROM ap_oauth_logins WHERE expires_at < $11)
  INSERT INTO ap_oauth_logins (${LOGIN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;
export const ALL_OAUTH_LOGINS = `SELECT ${LOGIN_COLUMNS} FROM ap_oauth_logins ORDER BY created_at`;
export const RESEAL_OAUTH_LOGINS = `
  UPDATE ap_oauth_logins AS l SET sealed_verifier = r.sealed
  FROM unnest($1::text[], $2::bytea[], $3::bytea[]) AS r (login_id, was, sealed)
  WHERE l.login_id = r.login_id AND l.sealed_verifier = r.was`;
/** Deletes and returns the row in one statement: of two replicas given one state, one gets it. */
export const TAKE_OAUTH_LOGIN = `
  DELETE FROM ap_oauth_logins WHERE login_id = $1 RETURNING ${LOGIN_COLUMNS}`;

export const INSERT_CHUNK =
  'INSERT INTO ap_artifact_chunks (artifact_id, n, data) VALUES ($1, $2, $3)';
/** A slice of one chunk (1-based offset), with the chunk's whole length. */
export const READ_SLICE = `
  SELECT substring(data FROM $3 FOR $4) AS data, length(data) AS size
  FROM ap_artifact_chunks WHERE artifact_id = $1 AND n = $2`;
export const DELETE_CHUNKS = 'DELETE FROM ap_artifact_chunks WHERE artifact_id = $1';
/**
 * Content whose artifact was never recorded, left by a process that died between writing the
 * bytes and the record. A day old, so no write still in flight is touched.
 */
export const DELETE_ORPHAN_CHUNKS = `
  DELETE FROM ap_artifact_chunks AS c
  WHERE c.created_at < now() - interval '1 day'
    AND NOT EXISTS (SELECT 1 FROM ap_artifacts AS a WHERE a.artifact_id = c.artifact_id)`;
