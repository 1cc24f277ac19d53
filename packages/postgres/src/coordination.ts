import {
  KeyedQueue,
  stepLimitError,
  type Coordination,
  type Logger,
  type Orphan,
  type StepRecord,
  type Turn,
  type TurnRequest,
} from '@agent-protocol/core';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { prepared } from './database.js';
import { Listener } from './listener.js';

/** The statements of every step, prepared once per connection. */
const TAKE_TURN = `
  WITH counted AS (
    UPDATE ap_tasks SET turn_count = turn_count + 1 WHERE task_id = $1 RETURNING turn_count
  )
  INSERT INTO ap_turns (task_id, seq, step_id, principal, replica, lease_until)
  SELECT $1, turn_count, $2, $3, $4, now() + $5::interval FROM counted
  RETURNING seq`;
const TURN_AHEAD =
  'SELECT EXISTS (SELECT 1 FROM ap_turns WHERE task_id = $1 AND seq < $2) AS ahead';
const RELEASE_TURN = `
  WITH gone AS (DELETE FROM ap_turns WHERE step_id = $1 RETURNING task_id)
  SELECT pg_notify('ap_turns', task_id) FROM gone`;

/** What the coordination needs of the store it belongs to. */
export interface CoordinatedStore {
  readonly pool: pg.Pool;
  readonly replicaId: string;
  /** The schema holding the tables: agents in other schemas of the database lock other keys. */
  readonly schema: string;
  connectionConfig(): pg.ClientConfig;
  getStep(taskId: string, stepId: string): Promise<StepRecord | undefined>;
  /** Maps a driver error to the core's error (503 when the database is away). */
  mapError(error: unknown): unknown;
}

/**
 * How long `exclusive` waits for another process to free a key before giving up as unavailable:
 * above what the work it guards takes (a token refresh: two requests to the provider, 10 s at
 * most each, and the store's writes), so that a slow holder delays a waiter without failing it.
 */
const EXCLUSIVE_WAIT_MILLIS = 60_000;

/** The 32-bit integer `text` hashes to (SHA-256: the same in every process and version). */
const int32Of = (text: string) => createHash('sha256').update(text).digest().readInt32BE(0);

export interface LeaseOptions {
  /**
   * How long a process's claim on its steps lasts without renewal. When a process dies, its
   * running steps are completed `failed` / `interrupted` and its waiting steps taken over by
   * another process this long after its last renewal (plus up to half of it for the sweep).
   * @default 15000
   */
  leaseMs?: number;
  /**
   * How often a process renews the leases of the steps it holds.
   * @default leaseMs / 3
   */
  renewMs?: number;
  /**
   * How often a process looks for steps whose lease ran out.
   * @default leaseMs / 2
   */
  sweepMs?: number;
}

/**
 * Coordination of several processes on one PostgreSQL database (PROTOCOL.md section 9):
 * - Order: each step takes a turn (`ap_turns`) numbered by a counter on its task row, so the row
 *   lock is held only for that insert; a step runs once no turn of its task is ahead of it.
 *   A released turn is announced (NOTIFY `ap_turns`) so the next step starts at once; a slow poll
 *   covers a lost notification.
 * - Step limit: places are the principal's turns, counted under a transaction-scoped advisory
 *   lock on the principal, so two processes cannot both take the last place.
 * - Leases: a process renews the turns it holds; a turn whose lease ran out is claimed (one
 *   UPDATE: exactly one process wins it) and its step handed to the runner as an orphan.
 * - Events and cancels: the store NOTIFYs `ap_events` with each commit of events; a cancel is a
 *   flag on the turn (durable) and a NOTIFY `ap_cancel` (prompt).
 * - Exclusive work: a session advisory lock on a connection of its own (see `exclusive`).
 */
export class PostgresCoordination implements Coordination {
  readonly shared = true;
  private readonly leaseMs: number;
  private readonly renewMs: number;
  private readonly sweepMs: number;
  /** Step ids of the turns this process holds (their leases are renewed). */
  private readonly held = new Set<string>();
  /** Per task: steps here waiting for their turn, woken when a turn of the task is released. */
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly eventListeners: ((stepId: string) => void)[] = [];
  private readonly cancelListeners: ((stepId: string) => void)[] = [];
  /** `exclusive` calls of this process, in turn per key. */
  private readonly exclusives = new KeyedQueue();
  private readonly listener: Listener;
  private renewTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly store: CoordinatedStore,
    private readonly logger: Logger,
    options: LeaseOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 15_000;
    this.renewMs = options.renewMs ?? Math.max(1, Math.floor(this.leaseMs / 3));
    this.sweepMs = options.sweepMs ?? Math.max(1, Math.floor(this.leaseMs / 2));
    this.listener = new Listener(
      () => store.connectionConfig(),
      ['ap_events', 'ap_cancel', 'ap_turns'],
      (channel, payload) => this.notified(channel, payload),
      () => this.wakeAll(),
      logger,
    );
    this.renewTimer = setInterval(() => void this.renew(), this.renewMs);
    this.renewTimer.unref();
  }

  /** Starts listening; resolves once LISTEN is in place (or the first attempt failed). */
  start(): Promise<void> {
    return this.listener.start();
  }

  private notified(channel: string, payload: string): void {
    if (channel === 'ap_events') {
      const at = payload.indexOf(':');
      if (payload.slice(0, at) === this.store.replicaId) return;
      const stepId = payload.slice(at + 1);
      for (const listener of this.eventListeners) listener(stepId);
    } else if (channel === 'ap_cancel') {
      for (const listener of this.cancelListeners) listener(payload);
    } else if (channel === 'ap_turns') {
      this.wake(payload);
    }
  }

  private wake(taskId: string): void {
    const set = this.waiters.get(taskId);
    if (!set) return;
    this.waiters.delete(taskId);
    for (const resolve of set) resolve();
  }

  /** After the LISTEN connection came back: notifications may have been missed. */
  private wakeAll(): void {
    for (const taskId of [...this.waiters.keys()]) this.wake(taskId);
  }

  private interval(): string {
    return `${this.leaseMs} milliseconds`;
  }

  async reserve(step: TurnRequest, maxPerPrincipal: number | undefined): Promise<Turn> {
    const values = [step.task_id, step.step_id, step.owner, this.store.replicaId, this.interval()];
    let seq: number;
    try {
      seq =
        maxPerPrincipal === undefined
          ? await this.takeTurn(this.store.pool, values)
          : await this.takeLimitedTurn(values, step.owner, maxPerPrincipal);
    } catch (error) {
      throw this.store.mapError(error);
    }
    this.held.add(step.step_id);
    // Read after the commit: every lower number was handed out by a transaction that committed
    // before this one took the task row's lock, so no turn can appear ahead of this one later.
    let first = false;
    try {
      first = !(await this.ahead(step.task_id, seq));
    } catch {
      // Unknown: the step shows as created and `ready` finds out.
    }
    return this.turn(step.task_id, step.step_id, seq, first);
  }

  /**
   * One statement: the counter on the task row numbers the turn (its row lock orders the turns of
   * one task for the length of this statement's transaction).
   */
  private async takeTurn(client: pg.Pool | pg.PoolClient, values: unknown[]): Promise<number> {
    const { rows } = await client.query<{ seq: string }>(prepared(TAKE_TURN, values));
    if (rows.length !== 1) throw new Error(`task ${String(values[0])} is not in the database`);
    return Number(rows[0]!.seq);
  }

  /** A turn within the principal's limit, counted under a lock on the principal. */
  private async takeLimitedTurn(values: unknown[], owner: string, max: number): Promise<number> {
    const client = await this.store.pool.connect();
    // A connection dropping between statements must not be an unhandled 'error' event.
    const ignore = () => undefined;
    client.on('error', ignore);
    try {
      await client.query('BEGIN');
      await client.query(
        `SELECT pg_advisory_xact_lock(hashtext('agent-protocol:principal:' || $1))`,
        [owner],
      );
      const { rows } = await client.query<{ n: string }>(
        'SELECT count(*) AS n FROM ap_turns WHERE principal = $1',
        [owner],
      );
      if (Number(rows[0]!.n) >= max) throw stepLimitError(max);
      const seq = await this.takeTurn(client, values);
      await client.query('COMMIT');
      client.off('error', ignore);
      client.release();
      return seq;
    } catch (error) {
      const rolledBack = await client.query('ROLLBACK').then(
        () => true,
        () => false,
      );
      client.off('error', ignore);
      // A connection that could not roll back is destroyed, not handed to the next caller.
      client.release(rolledBack ? undefined : (error as Error));
      throw error;
    }
  }

  private async ahead(taskId: string, seq: number): Promise<boolean> {
    const { rows } = await this.store.pool.query<{ ahead: boolean }>(
      prepared(TURN_AHEAD, [taskId, seq]),
    );
    return rows[0]!.ahead;
  }

  private turn(taskId: string, stepId: string, seq: number, first: boolean): Turn {
    let released = false;
    return {
      first,
      ready: () => (first ? Promise.resolve() : this.waitForTurn(taskId, seq)),
      cancelRequested: async () => {
        try {
          const { rows } = await this.store.pool.query<{ cancel_requested: boolean }>(
            'SELECT cancel_requested FROM ap_turns WHERE step_id = $1',
            [stepId],
          );
          return rows[0]?.cancel_requested ?? false;
        } catch {
          return false;
        }
      },
      release: async () => {
        if (released) return;
        released = true;
        this.held.delete(stepId);
        try {
          await this.store.pool.query(prepared(RELEASE_TURN, [stepId]));
        } catch (error) {
          // No longer renewed: once its lease runs out a sweep finds the step completed and
          // removes the turn, and the task goes on.
          this.logger.error(`step ${stepId}: releasing its turn failed`, error);
        }
        this.wake(taskId);
      },
      // Kept held: `close` ends its lease at once, and a sweep elsewhere claims it in its turn.
      handOver: () => Promise.resolve(),
    };
  }

  /**
   * Resolves once no turn of the task is ahead of `seq`; rides out a database restart. Also
   * resolves when this process closes: the runner then leaves the step for the next process.
   */
  private async waitForTurn(taskId: string, seq: number): Promise<void> {
    while (!this.closed) {
      // Registered before the query, so a release between the two is not missed.
      let wakeUp!: () => void;
      const woken = new Promise<void>((resolve) => (wakeUp = resolve));
      const set = this.waiters.get(taskId) ?? new Set();
      set.add(wakeUp);
      this.waiters.set(taskId, set);
      try {
        if (!(await this.ahead(taskId, seq))) {
          set.delete(wakeUp);
          return;
        }
      } catch {
        // The database is away: look again shortly.
      }
      const timer = setTimeout(wakeUp, 1_000);
      await woken;
      clearTimeout(timer);
      set.delete(wakeUp);
    }
  }

  async watchOrphans(adopt: (orphans: Orphan[]) => Promise<void>): Promise<void> {
    const sweep = () => {
      if (this.closed || this.sweeping) return this.sweeping;
      this.sweeping = this.claimExpired()
        .then(adopt)
        .catch((error: unknown) => {
          this.logger.error('looking for steps of stopped processes failed', error);
        })
        .finally(() => (this.sweeping = undefined));
      return this.sweeping;
    };
    this.sweepTimer = setInterval(() => void sweep(), this.sweepMs);
    this.sweepTimer.unref();
    await sweep();
  }

  /** Claims the turns whose lease ran out, in task order, with their steps. */
  private async claimExpired(): Promise<Orphan[]> {
    const { rows } = await this.store.pool.query<{ task_id: string; step_id: string; seq: string }>(
      `UPDATE ap_turns SET replica = $1, lease_until = now() + $2::interval
       WHERE lease_until < now()
       RETURNING task_id, step_id, seq`,
      [this.store.replicaId, this.interval()],
    );
    rows.sort((a, b) =>
      a.task_id === b.task_id ? Number(a.seq) - Number(b.seq) : a.task_id < b.task_id ? -1 : 1,
    );
    const orphans: Orphan[] = [];
    for (const row of rows) {
      this.held.add(row.step_id);
      const turn = this.turn(row.task_id, row.step_id, Number(row.seq), false);
      const step = await this.store.getStep(row.task_id, row.step_id);
      // A synchronous step whose process died before it was written: nothing was acknowledged.
      if (!step) await turn.release();
      else orphans.push({ step, turn });
    }
    return orphans;
  }

  /** Keeps the turns held here from being taken over. */
  private async renew(): Promise<void> {
    if (this.held.size === 0) return;
    try {
      await this.store.pool.query(
        'UPDATE ap_turns SET lease_until = now() + $2::interval WHERE step_id = ANY($1)',
        [[...this.held], this.interval()],
      );
    } catch (error) {
      this.logger.error('renewing step leases failed', error);
    }
  }

  /**
   * Calls of this process queue here first, so that each key holds one connection at most; the
   * lock orders them with the other processes.
   */
  exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.exclusives.run(key, () => this.locked(key, work));
  }

  /**
   * `work` under a session advisory lock taken on a connection opened for it, not one of the pool:
   * waiters holding pool connections could leave none for the holder's own work. The two-key form
   * keeps these locks apart from the single-key ones (a principal's step limit, the migrations),
   * and the schema from the agents of other schemas. Ending the connection (or losing it) frees
   * the lock; a lost one does not stop `work`, which runs on unguarded from then on.
   */
  private async locked<T>(key: string, work: () => Promise<T>): Promise<T> {
    const lock = [int32Of(`agent-protocol:exclusive:${this.store.schema}`), int32Of(key)];
    const client = new pg.Client({
      ...this.store.connectionConfig(),
      statement_timeout: EXCLUSIVE_WAIT_MILLIS,
      query_timeout: EXCLUSIVE_WAIT_MILLIS + 2_000,
    });
    // A connection dropping while `work` runs must not be an unhandled 'error' event.
    let lost = false;
    client.on('error', () => (lost = true));
    try {
      await client.connect();
      await client.query('SELECT pg_advisory_lock($1, $2)', lock);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw this.store.mapError(error);
    }
    try {
      return await work();
    } finally {
      // Unlocked before the connection ends, so the next holder need not wait for the server to
      // notice the end.
      if (!lost) {
        await client.query('SELECT pg_advisory_unlock($1, $2)', lock).catch(() => undefined);
      }
      await client.end().catch(() => undefined);
    }
  }

  onRemoteEvents(listener: (stepId: string) => void): void {
    this.eventListeners.push(listener);
  }

  onCancelRequest(listener: (stepId: string) => void): void {
    this.cancelListeners.push(listener);
  }

  /** The flag is durable: whichever process holds the step's turn, now or later, sees it. */
  async requestCancel(stepId: string): Promise<boolean> {
    try {
      await this.store.pool.query(
        `WITH asked AS (UPDATE ap_turns SET cancel_requested = true WHERE step_id = $1 RETURNING step_id)
         SELECT pg_notify('ap_cancel', step_id) FROM asked`,
        [stepId],
      );
      return true;
    } catch (error) {
      throw this.store.mapError(error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.renewTimer);
    clearInterval(this.sweepTimer);
    this.wakeAll();
    await this.sweeping;
    // Steps that did not run here are handed over at once, not after their lease.
    if (this.held.size > 0) {
      await this.store.pool
        .query(
          `UPDATE ap_turns SET lease_until = now() - interval '1 second' WHERE step_id = ANY($1)`,
          [[...this.held]],
        )
        .catch((error: unknown) => this.logger.error('handing over waiting steps failed', error));
      this.held.clear();
    }
    await this.listener.close();
  }
}
