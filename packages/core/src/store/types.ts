import type { Coordination } from '../coordination/types.js';
import type { PauseState } from '../pause.js';
import type { ArtifactFiles } from './artifact-files.js';

/**
 * The storage boundary. Every method that writes must have made the write durable when its
 * promise resolves: the service answers the client right after.
 */

export type StepStatus = 'created' | 'running' | 'completed';

export interface TaskRecord {
  task_id: string;
  /** The principal that created the task; only it can see the task. */
  owner: string;
  input: string | null;
  additional_input: Record<string, unknown> | undefined;
  /** Names of client-executed functions this task's client opted in to. */
  client_functions: string[] | undefined;
  created_at: string;
}

export interface StepRecord {
  step_id: string;
  task_id: string;
  name: string | null;
  status: StepStatus;
  input: string | null;
  additional_input: Record<string, unknown> | undefined;
  output: string | null;
  additional_output: Record<string, unknown> | null;
  is_last: boolean;
  /** How a completed step ended (PROTOCOL.md section 8); unset while it is created or running. */
  outcome?: 'succeeded' | 'failed' | 'cancelled';
  /** Why a step failed: `step_failed` (its handler) or `interrupted` (its process went away). */
  error?: { code: string; message: string };
  /** Extension fields sent on the wire (secret demands, function calls and results). */
  extensions: Record<string, unknown> | undefined;
  /** Internal: the principal that asked for the step (to run it again after a restart). */
  owner?: string;
  /** Internal: the work a paused step resumes. Never sent to clients. */
  pause?: PauseState;
  /**
   * Internal: every secret key the user declined in this task so far (carried from step to step,
   * so the task does not ask again; another task does). Never sent to clients.
   */
  declined?: string[];
  created_at: string;
}

/** One event of a step's stream, as the event log keeps it (PROTOCOL.md section 8). */
export interface StepEventRecord {
  step_id: string;
  /** Increasing within the step, from 1: the SSE `id`. */
  id: number;
  /** `step.created`, `step.running`, `output.delta`, `artifact.created`, `step.paused`, `step.completed`. */
  event: string;
  /** The event's JSON data, serialised. */
  data: string;
}

export interface ArtifactRecord {
  artifact_id: string;
  task_id: string;
  /** The step that created it; null for uploads. */
  step_id: string | null;
  agent_created: boolean;
  file_name: string;
  relative_path: string | null;
  size: number;
  created_at: string;
}

export interface SecretRecord {
  secret_id: string;
  owner: string;
  secret_key: string;
  /** The value, sealed with AES-256-GCM (see secrets/keyring.ts). Never plaintext. */
  sealed: Buffer;
  created_at: string;
  updated_at: string;
}

/**
 * A sign-in a step asked for that the provider has not sent back yet (PROTOCOL.md section 10):
 * what the callback needs to finish it. Kept until it is used or expires, across restarts.
 */
export interface OAuthLoginRecord {
  /** A hash of the sign-in's `state` (see oauth/logins.ts): the state itself is never stored. */
  login_id: string;
  /** The principal who asked: the tokens are stored as its secret. */
  owner: string;
  task_id: string;
  step_id: string;
  provider: string;
  /** The scopes asked for (what was granted, when the provider does not say). */
  scopes: string[];
  /** The redirect URI of the authorization request, which the code exchange repeats. */
  redirect_uri: string;
  /** The PKCE code verifier, sealed like a secret value (bound to `login_id` and `owner`). */
  sealed_verifier: Buffer;
  created_at: string;
  /** ISO 8601; the callback refuses the sign-in after it. */
  expires_at: string;
}

/** A sealed value to replace during key rotation: the row `id`, what it held, what it gets. */
export interface Reseal {
  id: string;
  from: Buffer;
  to: Buffer;
}

export interface PageRequest {
  /** 1-based. */
  page: number;
  size: number;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface Store {
  /** Records a task and the artifacts its creation produced, in one transaction. */
  insertTask(task: TaskRecord, artifacts?: ArtifactRecord[]): Promise<void>;
  getTask(owner: string, taskId: string): Promise<TaskRecord | undefined>;
  listTasks(owner: string, page: PageRequest): Promise<Page<TaskRecord>>;

  /**
   * Records a step with the artifacts it created, in one transaction. A synchronous step is
   * recorded once, completed: until then nothing of it was acknowledged, so a crash loses nothing.
   */
  insertStep(
    step: StepRecord,
    artifacts?: ArtifactRecord[],
    events?: StepEventRecord[],
  ): Promise<void>;
  /**
   * Rewrites a recorded step (a background step moving on: running, completed), records the
   * artifacts it created and appends events to its log, in one transaction.
   */
  updateStep(
    step: StepRecord,
    artifacts?: ArtifactRecord[],
    events?: StepEventRecord[],
  ): Promise<void>;
  /** Appends events to a step's log (`output.delta` while it runs). */
  appendStepEvents(events: StepEventRecord[]): Promise<void>;
  /** The step's logged events with an id above `after`, in order. */
  stepEvents(stepId: string, after: number): Promise<StepEventRecord[]>;
  /** Steps not completed (`created` or `running`), by task and in order: what a restart resumes. */
  unfinishedSteps(): Promise<StepRecord[]>;
  getStep(taskId: string, stepId: string): Promise<StepRecord | undefined>;
  listSteps(taskId: string, page: PageRequest): Promise<Page<StepRecord>>;
  /**
   * The task's most recent completed step, if any: the one before a step about to run (steps of
   * a task run in order, so every earlier one has completed; later ones wait).
   */
  lastStep(taskId: string): Promise<StepRecord | undefined>;

  insertArtifact(artifact: ArtifactRecord): Promise<void>;
  getArtifact(taskId: string, artifactId: string): Promise<ArtifactRecord | undefined>;
  listArtifacts(taskId: string, page: PageRequest): Promise<Page<ArtifactRecord>>;
  artifactsOfTask(taskId: string): Promise<ArtifactRecord[]>;
  /** The artifacts of many tasks in one read (a page of tasks), by task id. */
  artifactsOfTasks(taskIds: string[]): Promise<Map<string, ArtifactRecord[]>>;
  artifactsOfStep(stepId: string): Promise<ArtifactRecord[]>;
  /** The artifacts of many steps in one read (a page of steps), by step id. */
  artifactsOfSteps(stepIds: string[]): Promise<Map<string, ArtifactRecord[]>>;

  getSecret(owner: string, secretKey: string): Promise<SecretRecord | undefined>;
  /** Inserts the secret, or replaces the row with the same `secret_id`. */
  putSecret(secret: SecretRecord): Promise<void>;
  listSecrets(owner: string, page: PageRequest): Promise<Page<SecretRecord>>;
  /** Deletes the owner's secret; false when there was none. */
  deleteSecret(owner: string, secretId: string): Promise<boolean>;
  /** Every secret of every owner (for key rotation). */
  allSecrets(): Promise<SecretRecord[]>;
  /**
   * Replaces sealed secret values (key rotation), in one transaction, each only where the row
   * still holds `from`: a value a running server wrote meanwhile is newer and stays. Resolves to
   * how many were replaced.
   */
  resealSecrets(changes: Reseal[]): Promise<number>;
  /** Every pending sign-in (key rotation: their code verifiers are sealed with the key too). */
  allOAuthLogins(): Promise<OAuthLoginRecord[]>;
  /** `resealSecrets` for the code verifiers of pending sign-ins (`id` is the `login_id`). */
  resealOAuthLogins(changes: Reseal[]): Promise<number>;

  /** Records a pending sign-in, and drops those that expired (durable when it resolves). */
  putOAuthLogin(login: OAuthLoginRecord): Promise<void>;
  /**
   * Removes the pending sign-in and returns it, in one atomic step: of two calls with one id (a
   * replayed callback), one gets it and the other gets undefined. Expired ones are returned too:
   * the caller says why it refuses them.
   */
  takeOAuthLogin(loginId: string): Promise<OAuthLoginRecord | undefined>;

  /** Resolves when the store answers (a readiness probe); rejects when it does not. */
  ping(): Promise<void>;
  /**
   * How the processes sharing this store coordinate steps (order, limit, events, cancel,
   * leases). Absent for a store only one process opens: the core coordinates in-process.
   */
  coordination?(): Coordination;
  /** Where artifact bytes live when the store keeps them itself. Absent: files in `dataDir`. */
  artifactFiles?(): ArtifactFiles;
  close(): Promise<void>;
}

/** Offsets that cannot hold a row are answered without touching storage. */
export function pageOffset(page: PageRequest): number {
  return (page.page - 1) * page.size;
}
