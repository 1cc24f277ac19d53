import { stepLimitError } from '../auth/step-limit.js';
import type { Store } from '../store/types.js';
import { KeyedQueue } from '../task-queue.js';
import type { Coordination, Orphan, Turn, TurnRequest } from './types.js';

/**
 * Coordination within one process (the embedded stores): a chain of promises per task keeps its
 * steps in order, a count per principal keeps the step limit, and at start every unfinished step
 * is an orphan (the process that ran it is gone). Tasks with nothing queued hold no memory.
 */
export class LocalCoordination implements Coordination {
  readonly shared = false;
  private readonly tails = new Map<string, Promise<void>>();
  private readonly places = new Map<string, number>();
  private readonly exclusives = new KeyedQueue();

  constructor(private readonly store: Store) {}

  reserve(step: TurnRequest, maxPerPrincipal: number | undefined): Promise<Turn> {
    try {
      return Promise.resolve(this.take(step, maxPerPrincipal));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** Takes the place synchronously: places are in the order of the calls. */
  private take(step: TurnRequest, max: number | undefined): Turn {
    const held = this.places.get(step.owner) ?? 0;
    if (max !== undefined && held >= max) throw stepLimitError(max);
    this.places.set(step.owner, held + 1);
    const key = step.task_id;
    const previous = this.tails.get(key);
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const tail = previous ? previous.then(() => finished) : finished;
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    let released = false;
    const release = () => {
      if (!released) {
        released = true;
        const left = (this.places.get(step.owner) ?? 1) - 1;
        if (left === 0) this.places.delete(step.owner);
        else this.places.set(step.owner, left);
        done();
      }
      return Promise.resolve();
    };
    return {
      first: previous === undefined,
      ready: () => previous ?? Promise.resolve(),
      cancelRequested: () => Promise.resolve(false),
      release,
      // The restart finds the step unfinished in the store; the steps queued behind it here
      // must not wait for it meanwhile.
      handOver: release,
    };
  }

  async watchOrphans(adopt: (orphans: Orphan[]) => Promise<void>): Promise<void> {
    const steps = await this.store.unfinishedSteps();
    const orphans = steps.map((step) => ({
      step,
      turn: this.take({ ...step, owner: step.owner ?? 'anonymous' }, undefined),
    }));
    await adopt(orphans);
  }

  /** One process is every process: a queue per key is enough. */
  exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.exclusives.run(key, work);
  }

  onRemoteEvents(): void {}
  onCancelRequest(): void {}
  /** Nothing to ask: in one process, the runner cancels what it holds itself. */
  async requestCancel(): Promise<boolean> {
    return false;
  }
  async close(): Promise<void> {}
}
