import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type {
  ArtifactRecord,
  OAuthLoginRecord,
  Page,
  PageRequest,
  Reseal,
  SecretRecord,
  StepEventRecord,
  StepRecord,
  Store,
  TaskRecord,
} from './types.js';
import { pageOffset } from './types.js';
import {
  stepBody,
  stepFromRow,
  taskBody,
  taskFromRow,
  type StepRow,
  type TaskRow,
} from './bodies.js';
import { GroupCommit } from './group-commit.js';

/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many ran. Existing data
 * directories are migrated forward, never rebuilt.
 *
 * Every list is paginated on `ord`, a per-owner (tasks) or per-task (steps, artifacts) ordinal
 * with no gaps, so page N is an index range seek (`ord > offset`), never an OFFSET scan.
 */
const MIGRATIONS = [
  `CREATE TABLE tasks (
     task_id TEXT PRIMARY KEY,
     owner TEXT NOT NULL,
     ord INTEGER NOT NULL,
     body TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE UNIQUE INDEX tasks_owner_ord ON tasks(owner, ord);
   CREATE TABLE steps (
     step_id TEXT PRIMARY KEY,
     task_id TEXT NOT NULL REFERENCES tasks(task_id),
     ord INTEGER NOT NULL,
     status TEXT NOT NULL,
     body TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE UNIQUE INDEX steps_task_ord ON steps(task_id, ord);
   CREATE TABLE artifacts (
     artifact_id TEXT PRIMARY KEY,
     task_id TEXT NOT NULL REFERENCES tasks(task_id),
     step_id TEXT,
     ord INTEGER NOT NULL,
     agent_created INTEGER NOT NULL,
     file_name TEXT NOT NULL,
     relative_path TEXT,
     size INTEGER NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE UNIQUE INDEX artifacts_task_ord ON artifacts(task_id, ord);
   CREATE INDEX artifacts_step ON artifacts(step_id);`,
  `CREATE TABLE secrets (
     secret_id TEXT PRIMARY KEY,
     owner TEXT NOT NULL,
     secret_key TEXT NOT NULL,
     sealed BLOB NOT NULL,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE UNIQUE INDEX secrets_owner_key ON secrets(owner, secret_key);`,
  // The event log of background steps (PROTOCOL.md section 8); a synchronous step keeps none.
  `CREATE TABLE step_events (
     step_id TEXT NOT NULL,
     id INTEGER NOT NULL,
     event TEXT NOT NULL,
     data TEXT NOT NULL,
     PRIMARY KEY (step_id, id)
   ) WITHOUT ROWID;
   CREATE INDEX steps_unfinished ON steps(status) WHERE status != 'completed';`,
  // Sign-ins a step asked for, until the provider sends the browser back (PROTOCOL.md section 10).
  `CREATE TABLE oauth_logins (
     login_id TEXT PRIMARY KEY,
     owner TEXT NOT NULL,
     task_id TEXT NOT NULL,
     step_id TEXT NOT NULL,
     provider TEXT NOT NULL,
     scopes TEXT NOT NULL,
     redirect_uri TEXT NOT NULL,
     sealed_verifier BLOB NOT NULL,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL
   );
   CREATE INDEX oauth_logins_expiry ON oauth_logins(expires_at);`,
];

/**
 * The rows of one page: ordinals have no gaps, so page N is the range of ordinals it holds, an
 * index range seek. The bounds are cast because better-sqlite3 binds JavaScript numbers as REAL,
 * and comparing an INTEGER column with a REAL costs about twice as much per row.
 */
const PAGE_RANGE = 'ord BETWEEN CAST(? AS INTEGER) AND CAST(? AS INTEGER) ORDER BY ord';

type OAuthLoginRow = Omit<OAuthLoginRecord, 'scopes'> & { scopes: string };

const loginFromRow = (row: OAuthLoginRow): OAuthLoginRecord => ({
  ...row,
  scopes: JSON.parse(row.scopes) as string[],
});

interface ArtifactRow {
  /** The artifact's place in its task's list: the store's own, not part of the record. */
  ord?: number;
  artifact_id: string;
  task_id: string;
  step_id: string | null;
  agent_created: number;
  file_name: string;
  relative_path: string | null;
  size: number;
  created_at: string;
}

function artifactFromRow({ ord: _ord, ...row }: ArtifactRow): ArtifactRecord {
  return { ...row, agent_created: row.agent_created === 1 };
}

export interface SqliteStoreOptions {
  /** Directory holding `agent.db`; created if missing. */
  dataDir: string;
}

/**
 * The embedded default store: SQLite through better-sqlite3, in WAL mode with
 * `synchronous = FULL`, so a write is on disk before its promise resolves. Writes made during the
 * same turn of the event loop share one transaction (and one fsync): see `GroupCommit`.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly stmts;
  private readonly commits: GroupCommit;

  constructor(options: SqliteStoreOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    this.db = new Database(join(options.dataDir, 'agent.db'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.migrate();
    this.commits = new GroupCommit(this.db);
    const db = this.db;
    this.stmts = {
      insertTask: db.prepare(
        `INSERT INTO tasks (task_id, owner, ord, body, created_at)
         VALUES (@task_id, @owner, (SELECT COALESCE(MAX(ord), 0) + 1 FROM tasks WHERE owner = @owner), @body, @created_at)`,
      ),
      getTask: db.prepare('SELECT * FROM tasks WHERE task_id = ? AND owner = ?'),
      countTasks: db.prepare('SELECT COALESCE(MAX(ord), 0) AS n FROM tasks WHERE owner = ?'),
      pageTasks: db.prepare(`SELECT * FROM tasks WHERE owner = ? AND ${PAGE_RANGE}`),
      insertStep: db.prepare(
        `INSERT INTO steps (step_id, task_id, ord, status, body, created_at)
         VALUES (@step_id, @task_id, (SELECT COALESCE(MAX(ord), 0) + 1 FROM steps WHERE task_id = @task_id), @status, @body, @created_at)`,
      ),
      deleteStep: db.prepare('DELETE FROM steps WHERE task_id = ? AND step_id = ?'),
      getStep: db.prepare('SELECT * FROM steps WHERE task_id = ? AND step_id = ?'),
      countSteps: db.prepare('SELECT COALESCE(MAX(ord), 0) AS n FROM steps WHERE task_id = ?'),
      pageSteps: db.prepare(`SELECT * FROM steps WHERE task_id = ? AND ${PAGE_RANGE}`),
      lastStep: db.prepare(
        "SELECT * FROM steps WHERE task_id = ? AND status = 'completed' ORDER BY ord DESC LIMIT 1",
      ),
      ping: db.prepare('SELECT 1'),
      unfinishedSteps: db.prepare(
        "SELECT * FROM steps WHERE status != 'completed' ORDER BY task_id, ord",
      ),
      updateStep: db.prepare(
        'UPDATE steps SET status = @status, body = @body WHERE step_id = @step_id',
      ),
      insertEvent: db.prepare(
        'INSERT INTO step_events (step_id, id, event, data) VALUES (@step_id, @id, @event, @data)',
      ),
      stepEvents: db.prepare(
        'SELECT * FROM step_events WHERE step_id = ? AND id > CAST(? AS INTEGER) ORDER BY id',
      ),
      insertArtifact: db.prepare(
        `INSERT INTO artifacts (artifact_id, task_id, step_id, ord, agent_created, file_name, relative_path, size, created_at)
         VALUES (@artifact_id, @task_id, @step_id, (SELECT COALESCE(MAX(ord), 0) + 1 FROM artifacts WHERE task_id = @task_id),
                 @agent_created, @file_name, @relative_path, @size, @created_at)`,
      ),
      getArtifact: db.prepare('SELECT * FROM artifacts WHERE task_id = ? AND artifact_id = ?'),
      countArtifacts: db.prepare(
        'SELECT COALESCE(MAX(ord), 0) AS n FROM artifacts WHERE task_id = ?',
      ),
      pageArtifacts: db.prepare(`SELECT * FROM artifacts WHERE task_id = ? AND ${PAGE_RANGE}`),
      artifactsOfTask: db.prepare('SELECT * FROM artifacts WHERE task_id = ? ORDER BY ord'),
      artifactsOfTasks: db.prepare(
        'SELECT * FROM artifacts WHERE task_id IN (SELECT value FROM json_each(?)) ORDER BY task_id, ord',
      ),
      artifactsOfStep: db.prepare('SELECT * FROM artifacts WHERE step_id = ? ORDER BY ord'),
      artifactsOfSteps: db.prepare(
        'SELECT * FROM artifacts WHERE step_id IN (SELECT value FROM json_each(?)) ORDER BY step_id, ord',
      ),
      getSecret: db.prepare('SELECT * FROM secrets WHERE owner = ? AND secret_key = ?'),
      putSecret: db.prepare(
        `INSERT INTO secrets (secret_id, owner, secret_key, sealed, created_at, updated_at)
         VALUES (@secret_id, @owner, @secret_key, @sealed, @created_at, @updated_at)
         ON CONFLICT(secret_id) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at`,
      ),
      countSecrets: db.prepare('SELECT COUNT(*) AS n FROM secrets WHERE owner = ?'),
      pageSecrets: db.prepare(
        // rowid grows with each insert (an update keeps it): the order secrets were first stored.
        'SELECT * FROM secrets WHERE owner = ? ORDER BY rowid LIMIT ? OFFSET ?',
      ),
      deleteSecret: db.prepare('DELETE FROM secrets WHERE owner = ? AND secret_id = ?'),
      allSecrets: db.prepare('SELECT * FROM secrets'),
      resealSecret: db.prepare(
        'UPDATE secrets SET sealed = @to WHERE secret_id = @id AND sealed = @from',
      ),
      allLogins: db.prepare('SELECT * FROM oauth_logins ORDER BY created_at'),
      resealLogin: db.prepare(
        'UPDATE oauth_logins SET sealed_verifier = @to WHERE login_id = @id AND sealed_verifier = @from',
      ),
      dropExpiredLogins: db.prepare('DELETE FROM oauth_logins WHERE expires_at < ?'),
      putLogin: db.prepare(
        `INSERT INTO oauth_logins (login_id, owner, task_id, step_id, provider, scopes, redirect_uri, sealed_verifier, created_at, expires_at)
         VALUES (@login_id, @owner, @task_id, @step_id, @provider, @scopes, @redirect_uri, @sealed_verifier, @created_at, @expires_at)`,
      ),
      // One statement deletes and returns the row: a replayed state finds nothing.
      takeLogin: db.prepare('DELETE FROM oauth_logins WHERE login_id = ? RETURNING *'),
    };
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    for (let i = version; i < MIGRATIONS.length; i++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[i]!);
        this.db.pragma(`user_version = ${i + 1}`);
      })();
    }
  }

  private page<R, T>(
    count: Database.Statement,
    page: Database.Statement,
    key: string,
    request: PageRequest,
    map: (row: R) => T,
  ): Page<T> {
    const total = (count.get(key) as { n: number }).n;
    const offset = pageOffset(request);
    if (offset >= total) return { items: [], total };
    const rows = page.all(key, offset + 1, offset + request.size) as R[];
    return { items: rows.map(map), total };
  }

  async insertTask(task: TaskRecord, artifacts: ArtifactRecord[] = []): Promise<void> {
    const row = {
      task_id: task.task_id,
      owner: task.owner,
      body: taskBody(task),
      created_at: task.created_at,
    };
    await this.commits.write(() => {
      this.stmts.insertTask.run(row);
      for (const artifact of artifacts) this.runInsertArtifact(artifact);
    });
  }

  async getTask(owner: string, taskId: string): Promise<TaskRecord | undefined> {
    const row = this.stmts.getTask.get(taskId, owner) as TaskRow | undefined;
    return row && taskFromRow(row);
  }

  async listTasks(owner: string, page: PageRequest): Promise<Page<TaskRecord>> {
    return this.page(this.stmts.countTasks, this.stmts.pageTasks, owner, page, taskFromRow);
  }

  async insertStep(
    step: StepRecord,
    artifacts: ArtifactRecord[] = [],
    events: StepEventRecord[] = [],
  ): Promise<void> {
    const row = {
      step_id: step.step_id,
      task_id: step.task_id,
      status: step.status,
      body: stepBody(step),
      created_at: step.created_at,
    };
    await this.commits.write(() => {
      this.stmts.insertStep.run(row);
      for (const artifact of artifacts) this.runInsertArtifact(artifact);
      for (const event of events) this.stmts.insertEvent.run(event);
    });
  }

  async updateStep(
    step: StepRecord,
    artifacts: ArtifactRecord[] = [],
    events: StepEventRecord[] = [],
  ): Promise<void> {
    const row = { step_id: step.step_id, status: step.status, body: stepBody(step) };
    await this.commits.write(() => {
      this.stmts.updateStep.run(row);
      for (const artifact of artifacts) this.runInsertArtifact(artifact);
      for (const event of events) this.stmts.insertEvent.run(event);
    });
  }

  async appendStepEvents(events: StepEventRecord[]): Promise<void> {
    await this.commits.write(() => {
      for (const event of events) this.stmts.insertEvent.run(event);
    });
  }

  async stepEvents(stepId: string, after: number): Promise<StepEventRecord[]> {
    return this.stmts.stepEvents.all(stepId, after) as StepEventRecord[];
  }

  async unfinishedSteps(): Promise<StepRecord[]> {
    return (this.stmts.unfinishedSteps.all() as StepRow[]).map(stepFromRow);
  }

  async getStep(taskId: string, stepId: string): Promise<StepRecord | undefined> {
    const row = this.stmts.getStep.get(taskId, stepId) as StepRow | undefined;
    return row && stepFromRow(row);
  }

  async listSteps(taskId: string, page: PageRequest): Promise<Page<StepRecord>> {
    return this.page(this.stmts.countSteps, this.stmts.pageSteps, taskId, page, stepFromRow);
  }

  async lastStep(taskId: string): Promise<StepRecord | undefined> {
    const row = this.stmts.lastStep.get(taskId) as StepRow | undefined;
    return row && stepFromRow(row);
  }

  private runInsertArtifact(artifact: ArtifactRecord): void {
    this.stmts.insertArtifact.run({ ...artifact, agent_created: artifact.agent_created ? 1 : 0 });
  }

  async insertArtifact(artifact: ArtifactRecord): Promise<void> {
    await this.commits.write(() => this.runInsertArtifact(artifact));
  }

  async getArtifact(taskId: string, artifactId: string): Promise<ArtifactRecord | undefined> {
    const row = this.stmts.getArtifact.get(taskId, artifactId) as ArtifactRow | undefined;
    return row && artifactFromRow(row);
  }

  async listArtifacts(taskId: string, page: PageRequest): Promise<Page<ArtifactRecord>> {
    return this.page(
      this.stmts.countArtifacts,
      this.stmts.pageArtifacts,
      taskId,
      page,
      artifactFromRow,
    );
  }

  async artifactsOfTask(taskId: string): Promise<ArtifactRecord[]> {
    return (this.stmts.artifactsOfTask.all(taskId) as ArtifactRow[]).map(artifactFromRow);
  }

  async artifactsOfTasks(taskIds: string[]): Promise<Map<string, ArtifactRecord[]>> {
    const byTask = new Map<string, ArtifactRecord[]>(taskIds.map((id) => [id, []]));
    for (const row of this.stmts.artifactsOfTasks.all(JSON.stringify(taskIds)) as ArtifactRow[]) {
      byTask.get(row.task_id)?.push(artifactFromRow(row));
    }
    return byTask;
  }

  async artifactsOfStep(stepId: string): Promise<ArtifactRecord[]> {
    return (this.stmts.artifactsOfStep.all(stepId) as ArtifactRow[]).map(artifactFromRow);
  }

  async artifactsOfSteps(stepIds: string[]): Promise<Map<string, ArtifactRecord[]>> {
    const byStep = new Map<string, ArtifactRecord[]>(stepIds.map((id) => [id, []]));
    for (const row of this.stmts.artifactsOfSteps.all(JSON.stringify(stepIds)) as ArtifactRow[]) {
      byStep.get(row.step_id!)?.push(artifactFromRow(row));
    }
    return byStep;
  }

  async getSecret(owner: string, secretKey: string): Promise<SecretRecord | undefined> {
    return this.stmts.getSecret.get(owner, secretKey) as SecretRecord | undefined;
  }

  async putSecret(secret: SecretRecord): Promise<void> {
    await this.commits.write(() => this.stmts.putSecret.run(secret));
  }

  async listSecrets(owner: string, page: PageRequest): Promise<Page<SecretRecord>> {
    // Secrets are few per principal: an OFFSET over them is cheap.
    const total = (this.stmts.countSecrets.get(owner) as { n: number }).n;
    const offset = pageOffset(page);
    if (offset >= total) return { items: [], total };
    return { items: this.stmts.pageSecrets.all(owner, page.size, offset) as SecretRecord[], total };
  }

  async deleteSecret(owner: string, secretId: string): Promise<boolean> {
    return this.commits.write(() => this.stmts.deleteSecret.run(owner, secretId).changes > 0);
  }

  async allSecrets(): Promise<SecretRecord[]> {
    return this.stmts.allSecrets.all() as SecretRecord[];
  }

  async resealSecrets(changes: Reseal[]): Promise<number> {
    return this.reseal(this.stmts.resealSecret, changes);
  }

  async allOAuthLogins(): Promise<OAuthLoginRecord[]> {
    return (this.stmts.allLogins.all() as OAuthLoginRow[]).map(loginFromRow);
  }

  async resealOAuthLogins(changes: Reseal[]): Promise<number> {
    return this.reseal(this.stmts.resealLogin, changes);
  }

  private reseal(statement: Database.Statement, changes: Reseal[]): Promise<number> {
    return this.commits.write(() => {
      let replaced = 0;
      for (const { id, from, to } of changes) replaced += statement.run({ id, from, to }).changes;
      return replaced;
    });
  }

  async putOAuthLogin(login: OAuthLoginRecord): Promise<void> {
    const row = { ...login, scopes: JSON.stringify(login.scopes) };
    await this.commits.write(() => {
      this.stmts.dropExpiredLogins.run(new Date().toISOString());
      this.stmts.putLogin.run(row);
    });
  }

  async takeOAuthLogin(loginId: string): Promise<OAuthLoginRecord | undefined> {
    const row = await this.commits.write(
      () => this.stmts.takeLogin.get(loginId) as OAuthLoginRow | undefined,
    );
    return row && loginFromRow(row);
  }

  async ping(): Promise<void> {
    this.stmts.ping.get();
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.commits.flush();
    this.db.close();
  }
}
