import { randomUUID } from 'node:crypto';
import {
  silentLogger,
  stepBody,
  stepFromRow,
  taskBody,
  taskFromRow,
  type StepRow,
  type TaskRow,
  type ArtifactFiles,
  type ArtifactRecord,
  type Logger,
  type OAuthLoginRecord,
  type Page,
  type PageRequest,
  type Reseal,
  type SecretRecord,
  type StepEventRecord,
  type StepRecord,
  type Store,
  type TaskRecord,
} from '@agent-protocol/core';
import pg from 'pg';
import { PostgresCoordination, type LeaseOptions } from './coordination.js';
import { Database } from './database.js';
import { passwordsOf, redactConnectionString, scrubError } from './errors.js';
import { PostgresArtifactFiles } from './files.js';
import { assertSchemaName, migrate } from './migrations.js';
import * as sql from './queries.js';
import { artifactFromRow, loginFromRow, type ArtifactRow, type LoginRow } from './rows.js';

export interface PostgresStoreOptions {
  /**
   * Where the database is: `postgres://user:password@host:5432/database` (node-postgres' URL
   * form, `?sslmode=...` included). Its password never appears in an error or a log line.
   */
  connectionString: string;
  /**
   * The schema holding the store's tables (created if missing), set as the connections'
   * `search_path`. A lower-case identifier (`^[a-z_][a-z0-9_]{0,62}$`). Default `public`.
   */
  schema?: string;
  /** Connections the pool opens at most. Default 10. */
  poolSize?: number;
  /**
   * How long to wait for a connection (opening one, or a free one from a busy pool) before the
   * call fails as `unavailable`. Default 3000.
   */
  connectionTimeoutMillis?: number;
  /**
   * How long one statement may run before the call fails as `unavailable` (the server cancels it
   * through `statement_timeout`; a server or network that stopped answering is given up on
   * shortly after). Default 10000.
   */
  queryTimeoutMillis?: number;
  /**
   * This process's name among the replicas sharing the database: event notifications carry it,
   * so a process can tell its own writes from others'. Default: a random UUID.
   */
  replicaId?: string;
  /** Where failures of idle connections are logged (never with the password). Default: silent. */
  logger?: Logger;
  /**
   * How long this process's claim on the steps it runs or holds lasts without renewal (renewed
   * every third of it). When a process dies, its running steps complete `failed` /
   * `interrupted` and its waiting steps move to another process about this long after its last
   * renewal (plus up to half of it, the sweep). Shorter: faster takeover, more renewal writes.
   * Default 15000.
   */
  leaseMs?: number;
}

const DEFAULTS = {
  schema: 'public',
  poolSize: 10,
  connectionTimeoutMillis: 3000,
  queryTimeoutMillis: 10_000,
  leaseMs: 15_000,
};

/**
 * The client-side query timeout trails the server's `statement_timeout` by this much: the server
 * cancels a slow statement cleanly (the connection stays usable), and the client gives up on
 * its own only when the server or the network does not answer at all.
 */
const CLIENT_TIMEOUT_MARGIN_MILLIS = 2000;

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new TypeError(`PostgresStore: ${name} must be a positive integer, got ${value}.`);
  }
  return value;
}

/**
 * A store in PostgreSQL, which several processes (replicas of one agent) can share: tasks,
 * steps, artifacts (records and content), secrets and the steps' event logs. Every write is one
 * transaction, committed (durable) when its promise resolves. While the database cannot be
 * reached, every method rejects with a 503 `unavailable` (Retry-After: 5).
 *
 * Open it with `PostgresStore.connect`, which creates the schema and migrates it forward.
 */
export class PostgresStore implements Store {
  /** The connections of this store; the coordination module shares it. */
  readonly pool: pg.Pool;
  /** This process's name in event notifications (`<replicaId>:<step_id>`). */
  readonly replicaId: string;
  /** The schema holding the tables. */
  readonly schema: string;
  private readonly db: Database;
  private readonly config: pg.ClientConfig;
  private readonly files: PostgresArtifactFiles;
  private closing: Promise<void> | undefined;
  private shared: PostgresCoordination | undefined;

  private constructor(
    pool: pg.Pool,
    config: pg.ClientConfig,
    schema: string,
    replicaId: string,
    passwords: string[],
    private readonly logger: Logger,
    private readonly lease: LeaseOptions,
  ) {
    this.pool = pool;
    this.config = config;
    this.schema = schema;
    this.replicaId = replicaId;
    this.db = new Database(pool, passwords);
    this.files = new PostgresArtifactFiles(pool, passwords);
  }

  /**
   * Opens the pool, creates the schema if missing, applies the migrations it lacks (processes
   * starting together take turns), deletes artifact content orphaned more than a day ago, and
   * returns the store. Rejects as `unavailable` when the database cannot be reached.
   */
  static async connect(options: PostgresStoreOptions): Promise<PostgresStore> {
    const schema = options.schema ?? DEFAULTS.schema;
    assertSchemaName(schema);
    const poolSize = positiveInteger('poolSize', options.poolSize ?? DEFAULTS.poolSize);
    const connectionTimeoutMillis = positiveInteger(
      'connectionTimeoutMillis',
      options.connectionTimeoutMillis ?? DEFAULTS.connectionTimeoutMillis,
    );
    const queryTimeoutMillis = positiveInteger(
      'queryTimeoutMillis',
      options.queryTimeoutMillis ?? DEFAULTS.queryTimeoutMillis,
    );
    const leaseMs = positiveInteger('leaseMs', options.leaseMs ?? DEFAULTS.leaseMs);
    const logger = options.logger ?? silentLogger;
    const passwords = passwordsOf(options.connectionString);
    const config: pg.ClientConfig = {
      connectionString: options.connectionString,
      // Safe to quote as is: the name was validated as a plain identifier.
      options: `-c search_path="${schema}"`,
      connectionTimeoutMillis,
      statement_timeout: queryTimeoutMillis,
      query_timeout: queryTimeoutMillis + CLIENT_TIMEOUT_MARGIN_MILLIS,
      application_name: 'agent-protocol',
      // Notices a peer that vanished without closing the connection (a dead host, a dropped NAT).
      keepAlive: true,
    };
    const pool = new pg.Pool({ ...config, max: poolSize });
    const target = redactConnectionString(options.connectionString);
    // An idle connection that fails (the server restarted) is dropped and replaced by the pool;
    // without a listener its 'error' event would end the process.
    pool.on('error', (error) => {
      logger.error(
        `PostgreSQL (${target}): an idle connection failed; the pool opens a new one when needed.`,
        scrubError(error, passwords),
      );
    });
    const db = new Database(pool, passwords);
    const store = await db
      .run(async () => {
        const applied = await migrate(pool, schema);
        if (applied.length > 0) {
          logger.info(
            `PostgreSQL (${target}): schema ${schema} migrated to version ${applied.at(-1)}.`,
          );
        }
        return new PostgresStore(
          pool,
          config,
          schema,
          options.replicaId ?? randomUUID(),
          passwords,
          logger,
          { leaseMs },
        );
      })
      .catch(async (error: unknown) => {
        await pool.end().catch(() => {});
        throw error;
      });
    try {
      await store.files.removeOrphans();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /**
   * The configuration of this store's connections (schema and timeouts included), for a client
   * of its own, such as the dedicated connection that LISTENs for other processes' events.
   */
  connectionConfig(): pg.ClientConfig {
    return { ...this.config };
  }

  /** Artifact content lives in the database too, so replicas share no disk. */
  artifactFiles(): ArtifactFiles {
    return this.files;
  }

  /**
   * The error a failed database call should reject with: a 503 `unavailable` when the database
   * cannot be reached, otherwise the error itself; never with the password in it. For queries made
   * on `pool` outside the store's methods (the coordination module).
   */
  mapError(error: unknown): unknown {
    return this.db.mapError(error);
  }

  /**
   * How the processes sharing the database take turns on steps (see `PostgresCoordination`).
   * Made once, on first use (the core asks when the protocol is created); it starts listening
   * for other processes at once.
   */
  coordination(): PostgresCoordination {
    if (!this.shared) {
      this.shared = new PostgresCoordination(this, this.logger, this.lease);
      void this.shared.start();
    }
    return this.shared;
  }

  async insertTask(task: TaskRecord, artifacts: ArtifactRecord[] = []): Promise<void> {
    const values = [task.task_id, task.owner, taskBody(task), task.created_at];
    if (artifacts.length === 0) {
      await this.db.query(sql.INSERT_TASK, values);
      return;
    }
    await this.db.transaction(async (client) => {
      await client.query(sql.INSERT_TASK, values);
      await insertArtifacts(client, artifacts);
    });
  }

  async getTask(owner: string, taskId: string): Promise<TaskRecord | undefined> {
    const { rows } = await this.db.query<TaskRow>(sql.GET_TASK, [taskId, owner]);
    return rows[0] && taskFromRow(rows[0]);
  }

  async listTasks(owner: string, page: PageRequest): Promise<Page<TaskRecord>> {
    return this.page(sql.COUNT_TASKS, sql.PAGE_TASKS, owner, page, taskFromRow);
  }

  async insertStep(
    step: StepRecord,
    artifacts: ArtifactRecord[] = [],
    events: StepEventRecord[] = [],
  ): Promise<void> {
    const values = [step.step_id, step.task_id, step.status, stepBody(step), step.created_at];
    const missingTask = () => new Error(`Task '${step.task_id}' is not stored.`);
    if (artifacts.length === 0 && events.length === 0) {
      // One statement is its own transaction: a synchronous step without files, one round trip.
      const inserted = await this.db.query(sql.INSERT_STEP, values);
      if (inserted.rowCount !== 1) throw this.db.mapError(missingTask());
      return;
    }
    await this.db.transaction(async (client) => {
      // Events first: the task row's lock (taken by the ordinal) is held as briefly as possible.
      await this.insertEvents(client, events);
      const inserted = await client.query(sql.INSERT_STEP, values);
      if (inserted.rowCount !== 1) throw missingTask();
      await insertArtifacts(client, artifacts);
    });
  }

  async updateStep(
    step: StepRecord,
    artifacts: ArtifactRecord[] = [],
    events: StepEventRecord[] = [],
  ): Promise<void> {
    const values = [step.step_id, step.status, stepBody(step)];
    if (artifacts.length === 0 && events.length === 0) {
      await this.db.query(sql.UPDATE_STEP, values);
      return;
    }
    await this.db.transaction(async (client) => {
      await this.insertEvents(client, events);
      await client.query(sql.UPDATE_STEP, values);
      await insertArtifacts(client, artifacts);
    });
  }

  async appendStepEvents(events: StepEventRecord[]): Promise<void> {
    if (events.length === 0) return;
    // One statement: the events and their notifications commit together.
    await this.db.run(() => this.insertEvents(this.pool, events));
  }

  /** Inserts events and notifies `ap_events` once per step (see `INSERT_EVENTS`). */
  private async insertEvents(
    client: pg.Pool | pg.PoolClient,
    events: StepEventRecord[],
  ): Promise<void> {
    if (events.length === 0) return;
    await client.query(sql.INSERT_EVENTS, [
      events.map((e) => e.step_id),
      events.map((e) => e.id),
      events.map((e) => e.event),
      events.map((e) => e.data),
      this.replicaId,
    ]);
  }

  async stepEvents(stepId: string, after: number): Promise<StepEventRecord[]> {
    const { rows } = await this.db.query<StepEventRecord>(sql.STEP_EVENTS, [stepId, after]);
    return rows;
  }

  async unfinishedSteps(): Promise<StepRecord[]> {
    const { rows } = await this.db.query<StepRow>(sql.UNFINISHED_STEPS);
    return rows.map(stepFromRow);
  }

  async getStep(taskId: string, stepId: string): Promise<StepRecord | undefined> {
    const { rows } = await this.db.query<StepRow>(sql.GET_STEP, [taskId, stepId]);
    return rows[0] && stepFromRow(rows[0]);
  }

  async listSteps(taskId: string, page: PageRequest): Promise<Page<StepRecord>> {
    return this.page(sql.COUNT_STEPS, sql.PAGE_STEPS, taskId, page, stepFromRow);
  }

  async lastStep(taskId: string): Promise<StepRecord | undefined> {
    const { rows } = await this.db.query<StepRow>(sql.LAST_STEP, [taskId]);
    return rows[0] && stepFromRow(rows[0]);
  }

  async insertArtifact(artifact: ArtifactRecord): Promise<void> {
    await this.db.run(() => insertArtifacts(this.pool, [artifact]));
  }

  async getArtifact(taskId: string, artifactId: string): Promise<ArtifactRecord | undefined> {
    const { rows } = await this.db.query<ArtifactRow>(sql.GET_ARTIFACT, [taskId, artifactId]);
    return rows[0] && artifactFromRow(rows[0]);
  }

  async listArtifacts(taskId: string, page: PageRequest): Promise<Page<ArtifactRecord>> {
    return this.page(sql.COUNT_ARTIFACTS, sql.PAGE_ARTIFACTS, taskId, page, artifactFromRow);
  }

  async artifactsOfTask(taskId: string): Promise<ArtifactRecord[]> {
    return (await this.artifactsOfTasks([taskId])).get(taskId) ?? [];
  }

  async artifactsOfTasks(taskIds: string[]): Promise<Map<string, ArtifactRecord[]>> {
    return this.artifactsBy(sql.ARTIFACTS_OF_TASKS, taskIds, (a) => a.task_id);
  }

  async artifactsOfStep(stepId: string): Promise<ArtifactRecord[]> {
    return (await this.artifactsOfSteps([stepId])).get(stepId) ?? [];
  }

  async artifactsOfSteps(stepIds: string[]): Promise<Map<string, ArtifactRecord[]>> {
    return this.artifactsBy(sql.ARTIFACTS_OF_STEPS, stepIds, (a) => a.step_id);
  }

  /** The artifacts of many tasks or steps in one query, grouped under each id asked for. */
  private async artifactsBy(
    query: string,
    ids: string[],
    keyOf: (artifact: ArtifactRecord) => string | null,
  ): Promise<Map<string, ArtifactRecord[]>> {
    const byId = new Map<string, ArtifactRecord[]>(ids.map((id) => [id, []]));
    if (ids.length === 0) return byId;
    const { rows } = await this.db.query<ArtifactRow>(query, [ids]);
    for (const row of rows) {
      const artifact = artifactFromRow(row);
      byId.get(keyOf(artifact) ?? '')?.push(artifact);
    }
    return byId;
  }

  async getSecret(owner: string, secretKey: string): Promise<SecretRecord | undefined> {
    const { rows } = await this.db.query<SecretRecord>(sql.GET_SECRET, [owner, secretKey]);
    return rows[0];
  }

  async putSecret(secret: SecretRecord): Promise<void> {
    await this.db.query(sql.PUT_SECRET, [
      secret.secret_id,
      secret.owner,
      secret.secret_key,
      secret.sealed,
      secret.created_at,
      secret.updated_at,
    ]);
  }

  async listSecrets(owner: string, page: PageRequest): Promise<Page<SecretRecord>> {
    const count = await this.db.query<{ total: number }>(sql.COUNT_SECRETS, [owner]);
    const total = count.rows[0]?.total ?? 0;
    const offset = (page.page - 1) * page.size;
    if (offset >= total) return { items: [], total };
    const { rows } = await this.db.query<SecretRecord>(sql.PAGE_SECRETS, [
      owner,
      page.size,
      offset,
    ]);
    return { items: rows, total };
  }

  async deleteSecret(owner: string, secretId: string): Promise<boolean> {
    const { rowCount } = await this.db.query(sql.DELETE_SECRET, [owner, secretId]);
    return (rowCount ?? 0) > 0;
  }

  async allSecrets(): Promise<SecretRecord[]> {
    return (await this.db.query<SecretRecord>(sql.ALL_SECRETS)).rows;
  }

  async resealSecrets(changes: Reseal[]): Promise<number> {
    return this.reseal(sql.RESEAL_SECRETS, changes);
  }

  async allOAuthLogins(): Promise<OAuthLoginRecord[]> {
    const { rows } = await this.db.query<LoginRow>(sql.ALL_OAUTH_LOGINS);
    return rows.map(loginFromRow);
  }

  async resealOAuthLogins(changes: Reseal[]): Promise<number> {
    return this.reseal(sql.RESEAL_OAUTH_LOGINS, changes);
  }

  /** One statement: every value is replaced, or none. */
  private async reseal(statement: string, changes: Reseal[]): Promise<number> {
    if (changes.length === 0) return 0;
    const { rowCount } = await this.db.query(statement, [
      changes.map((c) => c.id),
      changes.map((c) => c.from),
      changes.map((c) => c.to),
    ]);
    return rowCount ?? 0;
  }

  async putOAuthLogin(login: OAuthLoginRecord): Promise<void> {
    await this.db.query(sql.PUT_OAUTH_LOGIN, [
      login.login_id,
      login.owner,
      login.task_id,
      login.step_id,
      login.provider,
      JSON.stringify(login.scopes),
      login.redirect_uri,
      login.sealed_verifier,
      login.created_at,
      login.expires_at,
      new Date().toISOString(),
    ]);
  }

  async takeOAuthLogin(loginId: string): Promise<OAuthLoginRecord | undefined> {
    const { rows } = await this.db.query<LoginRow>(sql.TAKE_OAUTH_LOGIN, [loginId]);
    const row = rows[0];
    return row && loginFromRow(row);
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  /** Ends the pool and removes the upload directory; later calls resolve at once. */
  async close(): Promise<void> {
    this.closing ??= (async () => {
      await this.shared?.close();
      await this.pool.end();
      await this.files.dispose();
    })();
    await this.closing;
  }

  /**
   * One page: the total is the counter (a primary-key read), and the rows are the ordinal range
   * of the page, read only when the page is not past the end.
   */
  private async page<R extends pg.QueryResultRow, T>(
    countQuery: string,
    pageQuery: string,
    key: string,
    request: PageRequest,
    map: (row: R) => T,
  ): Promise<Page<T>> {
    const count = await this.db.query<{ total: string }>(countQuery, [key]);
    const total = Number(count.rows[0]?.total ?? 0);
    const offset = (request.page - 1) * request.size;
    if (offset >= total) return { items: [], total };
    const { rows } = await this.db.query<R>(pageQuery, [key, offset + 1, offset + request.size]);
    return { items: rows.map(map), total };
  }
}

/**
 * Records artifacts, one statement per task (see `INSERT_ARTIFACTS`), tasks in a fixed order so
 * that two writers locking the same task rows cannot deadlock.
 */
async function insertArtifacts(
  client: pg.Pool | pg.PoolClient,
  artifacts: ArtifactRecord[],
): Promise<void> {
  const byTask = new Map<string, ArtifactRecord[]>();
  for (const artifact of artifacts) {
    const list = byTask.get(artifact.task_id) ?? [];
    list.push(artifact);
    byTask.set(artifact.task_id, list);
  }
  for (const [taskId, list] of [...byTask].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const inserted = await client.query(sql.INSERT_ARTIFACTS, [
      taskId,
      list.map((a) => a.artifact_id),
      list.map((a) => a.step_id),
      list.map((a) => a.agent_created),
      list.map((a) => a.file_name),
      list.map((a) => a.relative_path),
      list.map((a) => a.size),
      list.map((a) => a.created_at),
    ]);
    if (inserted.rowCount !== list.length) throw new Error(`Task '${taskId}' is not stored.`);
  }
}
