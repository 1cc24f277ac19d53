import type { StepRecord } from '../store/types.js';

/**
 * A step's place in its task's order, and one of its principal's places under the step limit.
 * Steps of one task run one at a time, in the order their places were taken.
 */
export interface Turn {
  /** Whether nothing of the task was ahead when the place was taken (the step can run at once). */
  readonly first: boolean;
  /** Resolves once every step of the task that was ahead of this one has finished. */
  ready(): Promise<void>;
  /** Whether a client asked, through any process, to cancel the step while it waited. */
  cancelRequested(): Promise<boolean>;
  /** Gives the place back (idempotent): the step has finished, or was never recorded. */
  release(): Promise<void>;
  /**
   * Leaves the place of a step that did not run because this process is stopping: whoever looks
   * after orphans next (another process, or this one after its restart) runs it in its turn.
   */
  handOver(): Promise<void>;
}

/** The step a place is taken for. */
export interface TurnRequest {
  task_id: string;
  step_id: string;
  /** The principal that asked for the step (the step limit counts its places). */
  owner: string;
}

/**
 * A step no process looks after any more: its process stopped or died (its lease ran out). It was
 * `running` (it completes `failed` / `interrupted`) or `created` (it runs here, in its turn).
 */
export interface Orphan {
  step: StepRecord;
  turn: Turn;
}

/**
 * How the processes serving one store share the work of steps: the order of a task's steps, the
 * per-principal step limit, events written elsewhere, cancellation, the steps of a process that
 * went away, and work only one process may do at a time. The embedded stores use the in-process
 * `LocalCoordination`; a store shared by several processes (PostgreSQL) provides its own.
 */
export interface Coordination {
  /**
   * True when other processes serve the same store: then the secrets key must be configured (not
   * generated per process), and subscribers also look for events written elsewhere.
   */
  readonly shared: boolean;
  /**
   * Takes the step's place now, behind every unfinished step of its task, in the order of the
   * calls. With `maxPerPrincipal`, a principal already holding that many places is refused with
   * a 429 (`too_many_requests`, `Retry-After`) and nothing is taken.
   */
  reserve(step: TurnRequest, maxPerPrincipal: number | undefined): Promise<Turn>;
  /**
   * Hands `adopt` the steps no process looks after: at once (those an earlier process left), and,
   * for a shared store, whenever another process stops renewing its leases. Resolves after the
   * first hand-over.
   */
  watchOrphans(adopt: (orphans: Orphan[]) => Promise<void>): Promise<void>;
  /** Calls `listener` with a step's id whenever another process has stored events of that step. */
  onRemoteEvents(listener: (stepId: string) => void): void;
  /**
   * Asks the process that runs or holds the step to cancel it (it may be this one). Resolves
   * false when no other process could hold it (a store only this process serves): the caller
   * completes the step itself.
   */
  requestCancel(stepId: string): Promise<boolean>;
  /** Calls `listener` with a step's id when a cancel was requested through another process. */
  onCancelRequest(listener: (stepId: string) => void): void;
  /**
   * Runs `work` while no other call with the same key runs in any process serving the store, and
   * resolves (or rejects) as it does. For work that two processes must not do at once even when
   * each checks first: refreshing an OAuth token whose provider rotates refresh tokens, where the
   * second refresh would spend a refresh token the first one used up and sign the user out.
   * Calls with one key run in turn; a `work` that throws frees the key like one that returns.
   */
  exclusive<T>(key: string, work: () => Promise<T>): Promise<T>;
  /**
   * Stops renewing leases and gives back the places of steps that did not run, so that another
   * process takes them at once. Called after running steps have finished or been interrupted.
   */
  close(): Promise<void>;
}
