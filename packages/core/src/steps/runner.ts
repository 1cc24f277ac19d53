import { setTimeout as sleep } from 'node:timers/promises';
import type { Step } from '../agent.js';
import { AgentProtocolError } from '../errors.js';
import type { Logger } from '../logger.js';
import { toArtifact, toStep } from '../records.js';
import type { ArtifactRecord, StepRecord, StepStatus, Store } from '../store/types.js';
import type { Coordination, Orphan, Turn } from '../coordination/types.js';
import { StepEvents, type StepEventName } from './events.js';
import { completeStep, failureOf, INTERRUPTED, moveStep } from './state.js';

/** A step while its handler runs: how to stop it, and its output so far. */
export interface LiveStep {
  readonly controller: AbortController;
  /** Set when the server, not the client, stopped it (shutdown): it ends `interrupted`. */
  interrupted: boolean;
  /** Everything written with `ctx.output.write` so far. */
  written: string;
  /** Whether its events are logged and streamed (a background step), or not (a v1 step). */
  readonly logged: boolean;
  write(text: string): Promise<void>;
}

/** Runs the handler of a step and fills in how it ended; returns the artifacts it created. */
export type ExecuteStep = (step: StepRecord, live: LiveStep) => Promise<ArtifactRecord[]>;

/**
 * Where steps run: one at a time per task, in the order received (whichever process received
 * them: the coordination keeps the order), synchronously (v1: the step is written once,
 * completed) or in the background (acknowledged at once, durable from then on, its events logged
 * and streamed). Knows which steps run here, to cancel them, and stops them at shutdown.
 */
export class StepRunner {
  private readonly active = new Map<string, LiveStep>();
  /** Background steps acknowledged here but not yet running, by id (cancel completes them here). */
  private readonly waiting = new Map<string, StepRecord>();
  /** Everything queued or running here, for a clean shutdown. */
  private readonly inflight = new Set<Promise<unknown>>();
  private closing = false;

  constructor(
    private readonly store: Store,
    readonly events: StepEvents,
    private readonly logger: Logger,
    private readonly coordination: Coordination,
    private readonly maxPerPrincipal: number | undefined,
  ) {
    coordination.onCancelRequest((stepId) => void this.cancelHere(stepId));
  }

  private assertOpen(): void {
    if (this.closing) {
      throw new AgentProtocolError(
        'unavailable',
        'The server is shutting down and takes no new steps; retry on another server or later.',
        { headers: { 'retry-after': '5' } },
      );
    }
  }

  /**
   * Takes the step's place in its task's order (and one of its principal's places: a 429 when
   * none is left). Nothing is recorded yet; give the place back if the step is refused.
   */
  reserve(step: StepRecord): Promise<Turn> {
    this.assertOpen();
    return this.coordination.reserve(
      { task_id: step.task_id, step_id: step.step_id, owner: step.owner ?? 'anonymous' },
      this.maxPerPrincipal,
    );
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inflight.add(work);
    void work.then(
      () => this.inflight.delete(work),
      () => this.inflight.delete(work),
    );
    return work;
  }

  private live(step: StepRecord, logged: boolean): LiveStep {
    const live: LiveStep = {
      controller: new AbortController(),
      interrupted: false,
      written: '',
      logged,
      write: async (text) => {
        if (typeof text !== 'string' || text === '') return;
        live.written += text;
        if (logged) await this.events.emit(step.step_id, [['output.delta', { text }]]);
      },
    };
    this.active.set(step.step_id, live);
    return live;
  }

  /** A v1 step: runs when its turn comes and is written once, completed. */
  runSync(
    step: StepRecord,
    turn: Turn,
    execute: ExecuteStep,
  ): Promise<{ step: StepRecord; created: ArtifactRecord[] }> {
    return this.track(
      (async () => {
        try {
          await turn.ready();
          this.assertOpen();
          moveStep(step, 'running');
          const live = this.live(step, false);
          const created = await execute(step, live);
          await this.store.insertStep(step, created);
          return { step, created };
        } finally {
          this.active.delete(step.step_id);
          await turn.release();
        }
      })(),
    );
  }

  /**
   * A background step: recorded now (running when nothing of its task is ahead of it, else
   * created), then run when its turn comes. `onSettled` runs once it has completed, however.
   */
  async startBackground(
    step: StepRecord,
    turn: Turn,
    execute: ExecuteStep,
    onSettled: () => void,
  ): Promise<Step> {
    this.events.open(step.step_id);
    const first: [StepEventName, unknown][] = [['step.created', toStep(step, [])]];
    if (turn.first) {
      moveStep(step, 'running');
      first.push(['step.running', toStep(step, [])]);
    }
    const records = this.events.take(step.step_id, first);
    try {
      await this.events.commit(step.step_id, records, () =>
        this.store.insertStep(step, [], records),
      );
    } catch (error) {
      await turn.release();
      throw error;
    }
    this.enqueue(step, turn, execute, onSettled);
    return toStep(step, []);
  }

  private enqueue(step: StepRecord, turn: Turn, execute: ExecuteStep, onSettled: () => void): void {
    if (step.status === 'created') this.waiting.set(step.step_id, step);
    const work = (async () => {
      await turn.ready();
      // Cancelled through another process while it waited here.
      if (step.status === 'created' && !this.closing && (await turn.cancelRequested())) {
        // Checked again: a cancel sent here meanwhile may have completed it already.
        if ((step.status as StepStatus) === 'created') await this.cancelWaiting(step);
      }
      await this.runBackground(step, execute);
    })()
      .catch((error: unknown) => {
        this.logger.error(`background step ${step.step_id} failed`, error);
      })
      .finally(async () => {
        this.waiting.delete(step.step_id);
        // A step that did not run because the server is stopping is handed over, not released.
        const leave = this.closing && step.status === 'created' ? turn.handOver() : turn.release();
        await leave.catch((error: unknown) => {
          this.logger.error(`step ${step.step_id}: giving back its place failed`, error);
        });
        onSettled();
      });
    void this.track(work);
  }

  private async runBackground(step: StepRecord, execute: ExecuteStep): Promise<void> {
    this.waiting.delete(step.step_id);
    // Cancelled while it waited; or the server is stopping: it stays created and runs after the restart.
    if (step.status === 'completed' || this.closing) return;
    if (step.status === 'created') {
      moveStep(step, 'running');
      const records = this.events.take(step.step_id, [['step.running', toStep(step, [])]]);
      await this.events.commit(step.step_id, records, () =>
        this.store.updateStep(step, [], records),
      );
    }
    const live = this.live(step, true);
    try {
      let created: ArtifactRecord[] = [];
      try {
        created = await execute(step, live);
      } catch (error) {
        // Not the handler (its failures are handled inside): the request could not run, e.g. an
        // answer to a pause that another step consumed meanwhile. The step fails, saying why.
        if ((step.status as StepStatus) !== 'completed')
          completeStep(step, 'failed', failureOf(error));
        this.logger.error(`background step ${step.step_id} could not run`, error);
      }
      // Output the handler returned rather than wrote is one last delta: the deltas always add up
      // to the final output.
      const output = step.output ?? '';
      if (output.length > live.written.length && output.startsWith(live.written)) {
        await this.events.emit(step.step_id, [
          ['output.delta', { text: output.slice(live.written.length) }],
        ]);
      }
      await this.events.settled(step.step_id);
      await this.finish(step, created);
    } finally {
      this.active.delete(step.step_id);
    }
  }

  /** Records a background step's end: its artifacts, a pause, the terminal event. */
  private async finish(step: StepRecord, created: ArtifactRecord[]): Promise<void> {
    const final = toStep(step, created);
    const events: [StepEventName, unknown][] = created.map((a) => [
      'artifact.created',
      toArtifact(a),
    ]);
    if (step.pause) events.push(['step.paused', final]);
    events.push(['step.completed', final]);
    const records = this.events.take(step.step_id, events);
    await this.events.commit(step.step_id, records, () =>
      this.store.updateStep(step, created, records),
    );
  }

  /** Completes a step that waits here `cancelled`, without running it. */
  private async cancelWaiting(step: StepRecord): Promise<void> {
    this.waiting.delete(step.step_id);
    completeStep(step, 'cancelled');
    await this.finish(step, []);
  }

  /** A cancel asked through another process, for a step this one runs or holds. */
  private async cancelHere(stepId: string): Promise<void> {
    const live = this.active.get(stepId);
    if (live) {
      live.controller.abort(new Error('cancelled by the client'));
      return;
    }
    const waiting = this.waiting.get(stepId);
    if (waiting && waiting.status === 'created') {
      await this.cancelWaiting(waiting).catch((error: unknown) => {
        this.logger.error(`step ${stepId}: cancelling failed`, error);
      });
    }
  }

  /**
   * Cancels a step: a running one's signal fires (it completes `cancelled` when its handler
   * returns); a waiting one completes `cancelled` without running. A step another process runs
   * or holds is asked to stop through the coordination. Answers the step as it is now.
   */
  async cancel(step: StepRecord): Promise<Step> {
    if (step.status === 'completed') {
      throw new AgentProtocolError('conflict', `Step ${step.step_id} has already completed.`);
    }
    const live = this.active.get(step.step_id);
    if (live) {
      live.controller.abort(new Error('cancelled by the client'));
      return { ...toStep(step, []), status: 'running' };
    }
    const waiting = this.waiting.get(step.step_id);
    if (waiting) {
      await this.cancelWaiting(waiting);
      return toStep(waiting, []);
    }
    if (await this.coordination.requestCancel(step.step_id)) return toStep(step, []);
    // Recorded but held by no process (this one is stopping): continue its log.
    const logged = await this.store.stepEvents(step.step_id, 0);
    this.events.open(step.step_id, logged.at(-1)?.id ?? 0);
    completeStep(step, 'cancelled');
    await this.finish(step, []);
    return toStep(step, []);
  }

  /**
   * Looks after the steps no process looks after (after a restart; with a shared store, also
   * when another process dies): one that was running completes `failed` / `interrupted`, its
   * output what it had logged; one acknowledged but not started runs here, in its turn.
   * `execute` builds the handler run of a step read back from the store.
   */
  watch(execute: (step: StepRecord) => ExecuteStep): Promise<void> {
    return this.coordination.watchOrphans((orphans) => this.adopt(orphans, execute));
  }

  private async adopt(
    orphans: Orphan[],
    execute: (step: StepRecord) => ExecuteStep,
  ): Promise<void> {
    if (orphans.length > 0) {
      this.logger.info(`resumed ${orphans.length} step(s) a stopped process left unfinished`);
    }
    for (const { step, turn } of orphans) {
      const logged = await this.store.stepEvents(step.step_id, 0);
      this.events.open(step.step_id, logged.at(-1)?.id ?? 0);
      if (step.status === 'running') {
        step.output =
          logged
            .filter((e) => e.event === 'output.delta')
            .map((e) => (JSON.parse(e.data) as { text: string }).text)
            .join('') || null;
        completeStep(step, 'failed', INTERRUPTED);
        try {
          await this.finish(step, []);
        } finally {
          await turn.release();
        }
      } else if (step.status === 'created') {
        this.enqueue(step, turn, execute(step), () => undefined);
      } else {
        await turn.release();
      }
    }
  }

  /**
   * Stops taking steps, lets running ones finish for `graceMs`, then interrupts the rest (they
   * complete `failed` / `interrupted` and their streams end). Waiting steps keep their places,
   * for the next process (or the restart); the coordination stops here.
   */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    const finished = await Promise.race([
      this.running().then(() => true),
      sleep(graceMs, false, { ref: false }),
    ]);
    if (!finished) {
      for (const live of this.active.values()) {
        live.interrupted = true;
        live.controller.abort(new Error('the server is shutting down'));
      }
      await this.running();
    }
    // Steps still waiting for their turn (behind a step another process runs) stop waiting.
    await this.coordination.close();
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Resolves once no handler runs here (steps waiting for their turn do not count). */
  private async running(): Promise<void> {
    while (this.active.size > 0 && this.inflight.size > 0) {
      await Promise.race([...this.inflight]).catch(() => undefined);
    }
  }
}
