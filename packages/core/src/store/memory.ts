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

function slice<T>(items: T[], page: PageRequest): Page<T> {
  const offset = pageOffset(page);
  return { items: items.slice(offset, offset + page.size), total: items.length };
}

/** An in-memory store: for tests and throwaway agents. Nothing survives a restart. */
export class MemoryStore implements Store {
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly tasksByOwner = new Map<string, TaskRecord[]>();
  private readonly steps = new Map<string, StepRecord[]>();
  private readonly artifacts = new Map<string, ArtifactRecord[]>();
  private readonly artifactsByStep = new Map<string, ArtifactRecord[]>();
  private readonly secrets = new Map<string, SecretRecord>();
  private readonly events = new Map<string, StepEventRecord[]>();
  /** Per step, the ids of its events: a write of one again is refused without a scan. */
  private readonly eventIds = new Map<string, Set<number>>();
  private readonly logins = new Map<string, OAuthLoginRecord>();

  // Checks come before any change: a refused write leaves nothing behind, as a transaction would.
  async insertTask(task: TaskRecord, artifacts: ArtifactRecord[] = []): Promise<void> {
    if (this.tasks.has(task.task_id)) throw new Error(`Task ${task.task_id} is already stored.`);
    this.tasks.set(task.task_id, task);
    const list = this.tasksByOwner.get(task.owner) ?? [];
    list.push(task);
    this.tasksByOwner.set(task.owner, list);
    for (const artifact of artifacts) await this.insertArtifact(artifact);
  }

  async getTask(owner: string, taskId: string): Promise<TaskRecord | undefined> {
    const task = this.tasks.get(taskId);
    return task?.owner === owner ? task : undefined;
  }

  async listTasks(owner: string, page: PageRequest): Promise<Page<TaskRecord>> {
    return slice(this.tasksByOwner.get(owner) ?? [], page);
  }

  async insertStep(
    step: StepRecord,
    artifacts: ArtifactRecord[] = [],
    events: StepEventRecord[] = [],
  ): Promise<void> {
    if (!this.tasks.has(step.task_id)) throw new Error(`Task ${step.task_id} is not stored.`);
    const list = this.steps.get(step.task_id) ?? [];
    if (list.some((s) => s.step_id === step.step_id)) {
      throw new Error(`Step ${step.step_id} is already stored.`);
    }
    this.assertNewEvents(events);
    list.push({ ...step });
    this.steps.set(step.task_id, list);
    for (const artifact of artifacts) await this.insertArtifact(artifact);
    this.pushEvents(events);
  }

  async updateStep(
    step: StepRecord,
    artifacts: ArtifactRecord[] = [],
    events: StepEventRecord[] = [],
  ): Promise<void> {
    const list = this.steps.get(step.task_id) ?? [];
    const i = list.findIndex((s) => s.step_id === step.step_id);
    this.assertNewEvents(events);
    if (i >= 0) list[i] = { ...step };
    for (const artifact of artifacts) await this.insertArtifact(artifact);
    this.pushEvents(events);
  }

  async appendStepEvents(events: StepEventRecord[]): Promise<void> {
    this.assertNewEvents(events);
    this.pushEvents(events);
  }

  private pushEvents(events: StepEventRecord[]): void {
    for (const event of events) {
      const log = this.events.get(event.step_id) ?? [];
      log.push(event);
      this.events.set(event.step_id, log);
      const ids = this.eventIds.get(event.step_id) ?? new Set<number>();
      ids.add(event.id);
      this.eventIds.set(event.step_id, ids);
    }
  }

  /** An event id is written once per step. */
  private assertNewEvents(events: StepEventRecord[]): void {
    const seen = new Set<string>();
    for (const { step_id, id } of events) {
      const key = `${step_id} ${id}`;
      if (seen.has(key) || this.eventIds.get(step_id)?.has(id)) {
        throw new Error(`Event ${id} of step ${step_id} is already stored.`);
      }
      seen.add(key);
    }
  }

  async stepEvents(stepId: string, after: number): Promise<StepEventRecord[]> {
    return (this.events.get(stepId) ?? []).filter((e) => e.id > after);
  }

  async unfinishedSteps(): Promise<StepRecord[]> {
    return [...this.steps.values()].flat().filter((s) => s.status !== 'completed');
  }

  async getStep(taskId: string, stepId: string): Promise<StepRecord | undefined> {
    return this.steps.get(taskId)?.find((s) => s.step_id === stepId);
  }

  async listSteps(taskId: string, page: PageRequest): Promise<Page<StepRecord>> {
    return slice(this.steps.get(taskId) ?? [], page);
  }

  async lastStep(taskId: string): Promise<StepRecord | undefined> {
    return this.steps.get(taskId)?.findLast((s) => s.status === 'completed');
  }

  async insertArtifact(artifact: ArtifactRecord): Promise<void> {
    const list = this.artifacts.get(artifact.task_id) ?? [];
    list.push(artifact);
    this.artifacts.set(artifact.task_id, list);
    if (artifact.step_id) {
      const byStep = this.artifactsByStep.get(artifact.step_id) ?? [];
      byStep.push(artifact);
      this.artifactsByStep.set(artifact.step_id, byStep);
    }
  }

  async getArtifact(taskId: string, artifactId: string): Promise<ArtifactRecord | undefined> {
    return this.artifacts.get(taskId)?.find((a) => a.artifact_id === artifactId);
  }

  async listArtifacts(taskId: string, page: PageRequest): Promise<Page<ArtifactRecord>> {
    return slice(this.artifacts.get(taskId) ?? [], page);
  }

  async artifactsOfTask(taskId: string): Promise<ArtifactRecord[]> {
    return [...(this.artifacts.get(taskId) ?? [])];
  }

  async artifactsOfTasks(taskIds: string[]): Promise<Map<string, ArtifactRecord[]>> {
    return new Map(taskIds.map((id) => [id, [...(this.artifacts.get(id) ?? [])]]));
  }

  async artifactsOfStep(stepId: string): Promise<ArtifactRecord[]> {
    return [...(this.artifactsByStep.get(stepId) ?? [])];
  }

  async artifactsOfSteps(stepIds: string[]): Promise<Map<string, ArtifactRecord[]>> {
    return new Map(stepIds.map((id) => [id, [...(this.artifactsByStep.get(id) ?? [])]]));
  }

  async getSecret(owner: string, secretKey: string): Promise<SecretRecord | undefined> {
    for (const s of this.secrets.values())
      if (s.owner === owner && s.secret_key === secretKey) return s;
    return undefined;
  }

  async putSecret(secret: SecretRecord): Promise<void> {
    this.secrets.set(secret.secret_id, { ...secret });
  }

  async listSecrets(owner: string, page: PageRequest): Promise<Page<SecretRecord>> {
    return slice(
      [...this.secrets.values()].filter((s) => s.owner === owner),
      page,
    );
  }

  async deleteSecret(owner: string, secretId: string): Promise<boolean> {
    const secret = this.secrets.get(secretId);
    if (secret?.owner !== owner) return false;
    return this.secrets.delete(secretId);
  }

  async allSecrets(): Promise<SecretRecord[]> {
    return [...this.secrets.values()];
  }

  async resealSecrets(changes: Reseal[]): Promise<number> {
    let replaced = 0;
    for (const { id, from, to } of changes) {
      const secret = this.secrets.get(id);
      if (!secret?.sealed.equals(from)) continue;
      this.secrets.set(id, { ...secret, sealed: to });
      replaced++;
    }
    return replaced;
  }

  async allOAuthLogins(): Promise<OAuthLoginRecord[]> {
    return [...this.logins.values()].map((l) => ({ ...l }));
  }

  async resealOAuthLogins(changes: Reseal[]): Promise<number> {
    let replaced = 0;
    for (const { id, from, to } of changes) {
      const login = this.logins.get(id);
      if (!login?.sealed_verifier.equals(from)) continue;
      this.logins.set(id, { ...login, sealed_verifier: to });
      replaced++;
    }
    return replaced;
  }

  async putOAuthLogin(login: OAuthLoginRecord): Promise<void> {
    const now = new Date().toISOString();
    for (const [id, l] of this.logins) if (l.expires_at < now) this.logins.delete(id);
    this.logins.set(login.login_id, { ...login });
  }

  async takeOAuthLogin(loginId: string): Promise<OAuthLoginRecord | undefined> {
    const login = this.logins.get(loginId);
    this.logins.delete(loginId);
    return login;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}
