import type Database from 'better-sqlite3';

interface PendingWrite {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Group commit: the writes queued during one turn of the event loop are committed in one
 * transaction, so concurrent requests share one fsync instead of paying one each. Every write
 * still runs in a savepoint of its own (a failing write rolls back alone and only its caller sees
 * the error), and no promise resolves before the transaction holding its write is on disk.
 */
export class GroupCommit {
  private pending: PendingWrite[] = [];
  private scheduled = false;
  private readonly commitOne: (run: () => unknown) => unknown;
  private readonly commitAll: (batch: PendingWrite[]) => Map<PendingWrite, Outcome>;

  constructor(db: Database.Database) {
    this.commitOne = db.transaction((run: () => unknown) => run());
    // Inside a transaction, better-sqlite3 runs a transaction function as a SAVEPOINT.
    const savepoint = this.commitOne;
    this.commitAll = db.transaction((batch: PendingWrite[]) => {
      const outcomes = new Map<PendingWrite, Outcome>();
      for (const write of batch) {
        try {
          outcomes.set(write, { ok: true, value: savepoint(write.run) });
        } catch (error) {
          outcomes.set(write, { ok: false, error });
        }
      }
      return outcomes;
    });
  }

  /** Queues `run` (synchronous statements); resolves with its result once committed. */
  write<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ run, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything queued now (also called before the database closes). */
  flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    if (batch.length === 1) {
      const [write] = batch as [PendingWrite];
      let value: unknown;
      try {
        value = this.commitOne(write.run);
      } catch (error) {
        write.reject(error);
        return;
      }
      write.resolve(value);
      return;
    }
    let outcomes: Map<PendingWrite, Outcome>;
    try {
      outcomes = this.commitAll(batch);
    } catch (error) {
      for (const write of batch) write.reject(error);
      return;
    }
    for (const write of batch) {
      const outcome = outcomes.get(write)!;
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(outcome.error);
    }
  }
}
