import type { Artifact, Step } from '../agent.js';
import type { Coordination } from '../coordination/types.js';
import type { Store, StepEventRecord } from '../store/types.js';

export type StepEventName =
  | 'step.created'
  | 'step.running'
  | 'output.delta'
  | 'artifact.created'
  | 'step.paused'
  | 'step.completed';

export const TERMINAL_EVENT: StepEventName = 'step.completed';

/** A subscriber: each event, and the end of the feed when the server stops. */
interface Listener {
  onEvent(event: StepEventRecord): void;
  onEnd(): void;
}

/**
 * The event log of steps (PROTOCOL.md section 8) and the live feed of it. An event is appended
 * to the store first and published to subscribers after, in order per step, so a subscriber that
 * reads the log and then follows the feed misses nothing and, comparing ids, sees nothing twice.
 * Events a step running in another process stores reach this process's subscribers through the
 * coordination's wake-up (and, should one be missed, a periodic look at the log).
 */
export class StepEvents {
  private readonly listeners = new Map<string, Set<Listener>>();
  /** Per step: the next id and the tail of its append chain (events stay in order). */
  private readonly writers = new Map<string, { next: number; tail: Promise<void> }>();
  /** Per followed step: the highest id published here, and the read of the log in progress. */
  private readonly cursors = new Map<string, { last: number; reading: Promise<void> }>();
  private readonly poll: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    coordination: Coordination,
    pollMs = 2_000,
  ) {
    coordination.onRemoteEvents((stepId) => this.wake(stepId));
    if (coordination.shared) {
      // A wake-up lost while the store's connection was down would leave a stream waiting.
      this.poll = setInterval(() => {
        for (const stepId of this.listeners.keys())
          if (!this.writers.has(stepId)) this.wake(stepId);
      }, pollMs);
      this.poll.unref();
    }
  }

  /** Stops looking for events written elsewhere. */
  close(): void {
    clearInterval(this.poll);
  }

  /** Reads a followed step's log after what was published here, and publishes what is new. */
  private wake(stepId: string): void {
    const cursor = this.cursors.get(stepId);
    if (!cursor) return;
    cursor.reading = cursor.reading.then(async () => {
      try {
        this.publish(await this.store.stepEvents(stepId, cursor.last));
      } catch {
        // The store is unreachable: the next wake or poll reads again.
      }
    });
  }

  /** Starts numbering a step's events after `lastId` (0 for a new step). */
  open(stepId: string, lastId = 0): void {
    this.writers.set(stepId, { next: lastId + 1, tail: Promise.resolve() });
  }

  /** The records of events not yet appended, numbered in order (for a write that carries them). */
  take(stepId: string, events: [StepEventName, unknown][]): StepEventRecord[] {
    const writer = this.writers.get(stepId);
    if (!writer) throw new Error(`step ${stepId} has no open event log`);
    return events.map(([event, data]) => ({
      step_id: stepId,
      id: writer.next++,
      event,
      data: JSON.stringify(data),
    }));
  }

  /** Appends events on their own and publishes them once stored. */
  emit(stepId: string, events: [StepEventName, unknown][]): Promise<void> {
    const writer = this.writers.get(stepId);
    if (!writer) return Promise.resolve();
    const records = this.take(stepId, events);
    writer.tail = writer.tail.then(async () => {
      await this.store.appendStepEvents(records);
      this.publish(records);
    });
    return writer.tail;
  }

  /**
   * Runs `write` (which stores `records` with other changes) after the step's earlier appends,
   * then publishes them; the log is closed when the terminal event is among them.
   */
  commit(stepId: string, records: StepEventRecord[], write: () => Promise<void>): Promise<void> {
    const writer = this.writers.get(stepId);
    const after = writer?.tail ?? Promise.resolve();
    const done = after.then(async () => {
      await write();
      this.publish(records);
      if (records.some((r) => r.event === TERMINAL_EVENT)) this.writers.delete(stepId);
    });
    if (writer) writer.tail = done.catch(() => undefined);
    return done;
  }

  /** Waits until everything emitted for the step so far is stored. */
  async settled(stepId: string): Promise<void> {
    await this.writers.get(stepId)?.tail;
  }

  publish(records: StepEventRecord[]): void {
    for (const record of records) {
      const cursor = this.cursors.get(record.step_id);
      if (cursor) {
        if (record.id <= cursor.last) continue;
        cursor.last = record.id;
      }
      for (const listener of this.listeners.get(record.step_id) ?? []) {
        // One subscriber's failure is its own: the step and the other subscribers go on.
        try {
          listener.onEvent(record);
        } catch {
          listener.onEnd();
        }
      }
    }
  }

  /**
   * Ends every subscription (the server is stopping): streams of steps that will not run here
   * any more close, and their clients reconnect to whichever process serves them next.
   */
  endAll(): void {
    for (const set of [...this.listeners.values()])
      for (const listener of [...set]) listener.onEnd();
    this.listeners.clear();
  }

  /** Follows a step's live events; returns how to stop. */
  subscribe(stepId: string, listener: Listener): () => void {
    const set = this.listeners.get(stepId) ?? new Set();
    set.add(listener);
    this.listeners.set(stepId, set);
    if (!this.cursors.has(stepId))
      this.cursors.set(stepId, { last: 0, reading: Promise.resolve() });
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(stepId) === set) {
        this.listeners.delete(stepId);
        this.cursors.delete(stepId);
      }
    };
  }
}

/**
 * The events of a step that kept no log (a synchronous step, recorded once, completed): what its
 * stream would have shown, rebuilt from the step itself, with the same ids every time.
 */
export function eventsOfCompletedStep(step: Step, artifacts: Artifact[]): StepEventRecord[] {
  const running: Step = { ...step, status: 'running', output: null, artifacts: [] };
  delete (running as Partial<Step> & { outcome?: unknown }).outcome;
  delete (running as Partial<Step> & { error?: unknown }).error;
  const events: [StepEventName, unknown][] = [
    ['step.created', { ...running, status: 'created' }],
    ['step.running', running],
  ];
  if (step.output) events.push(['output.delta', { text: step.output }]);
  for (const artifact of artifacts) events.push(['artifact.created', artifact]);
  const paused = step as Step & { secret_demands?: unknown[]; function_calls?: unknown[] };
  if (paused.secret_demands?.length || paused.function_calls?.length) {
    events.push(['step.paused', step]);
  }
  events.push([TERMINAL_EVENT, step]);
  return events.map(([event, data], i) => ({
    step_id: step.step_id,
    id: i + 1,
    event,
    data: JSON.stringify(data),
  }));
}
