import { setTimeout as sleep } from 'node:timers/promises';
import type { Step } from '../agent.js';
import { AgentProtocolError } from '../errors.js';
import type { Logger } from '../logger.js';
import { toArtifact, toStep } from '../records.js';
import type { ArtifactRecord, StepRecord, StepStatus, Store } from '../store/types.js';
import { KeyedQueue } from '../task-queue.js';
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
 * Where steps run: one at a time per task, in the order received, synchronously (v1: the step
 * is written once, completed) or in the background (acknowledged at once, durable from then on,
 * its events logged and streamed). Knows which steps run, to cancel them, and stops them at
 * shutdown.
 */
export class StepRunner {
  private readonly queue = new KeyedQueue();
  private readonly active = new Map<string, LiveStep>();
  /** Background steps acknowledged but not yet running, by id (cancel completes them here). */
  private readonly waiting = new Map<string, StepRecord>();
  private closing = false;

  constructor(
    private readonly store: Store,
    readonly events: StepEvents,
    private readonly logger: Logger,
  ) {}

  /** Whether nothing of the task is queued or running. */
  isIdle(taskId: string): boolean {
    return this.queue.isIdle(taskId);
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
    execute: ExecuteStep,
  ): Promise<{ step: StepRecord; created: ArtifactRecord[] }> {
    this.assertOpen();
    return this.queue.run(step.task_id, async () => {
      moveStep(step, 'running');
      const live = this.live(step, false);
      try {
        const created = await execute(step, live);
        await this.store.insertStep(step, created);
        return { step, created };
      } finally {
        this.active.delete(step.step_id);
      }
    });
  }

  /**
   * A background step: recorded now (running when nothing of its task is ahead of it, else
   * created), then run when its turn comes. `onSettled` runs once it has completed, however.
   */
  async startBackground(
    step: StepRecord,
    execute: ExecuteStep,
    onSettled: () => void,
  ): Promise<Step> {
    this.assertOpen();
    const idle = this.queue.isIdle(step.task_id);
    this.events.open(step.step_id);
    const first: [StepEventName, unknown][] = [['step.created', toStep(step, [])]];
    if (idle) {
      moveStep(step, 'running');
      first.push(['step.running', toStep(step, [])]);
    }
    const records = this.events.take(step.step_id, first);
    const recorded = this.events.commit(step.step_id, records, () =>
      this.store.insertStep(step, [], records),
    );
    // Its place in the task's queue is taken now, before the write, so no step sent meanwhile
    // can run ahead of it; it starts once recorded (and not at all if the write failed).
    this.enqueue(step, execute, onSettled, recorded);
    await recorded;
    return toStep(step, []);
  }

  private enqueue(
    step: StepRecord,
    execute: ExecuteStep,
    onSettled: () => void,
    recorded: Promise<void> = Promise.resolve(),
  ): void {
    if (step.status === 'created') this.waiting.set(step.step_id, step);
    void this.queue
      .run(step.task_id, async () => {
        await recorded;
        await this.runBackground(step, execute);
      })
      .catch((error: unknown) => {
        this.waiting.delete(step.step_id);
        this.logger.error(`background step ${step.step_id} failed`, error);
      })
      .finally(onSettled);
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

  /**
   * Cancels a step: a running one's signal fires (it completes `cancelled` when its handler
   * returns); a waiting one completes `cancelled` without running. Answers the step as it is now.
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
    let waiting = this.waiting.get(step.step_id);
    this.waiting.delete(step.step_id);
    if (!waiting) {
      // Recorded but not queued here (the server is stopping): continue its log.
      waiting = step;
      const logged = await this.store.stepEvents(step.step_id, 0);
      this.events.open(step.step_id, logged.at(-1)?.id ?? 0);
    }
    completeStep(waiting, 'cancelled');
    await this.finish(waiting, []);
    return toStep(waiting, []);
  }

  /**
   * After a restart: a step that was running when its process died completes `failed` /
   * `interrupted`, its output what it had logged; steps acknowledged but not started run again,
   * in order. `execute` builds the handler run of a step read back from the store.
   */
  async recover(
    execute: (step: StepRecord) => ExecuteStep,
    onSettled: (step: StepRecord) => () => void,
  ): Promise<number> {
    const steps = await this.store.unfinishedSteps();
    for (const step of steps) {
      const logged = await this.store.stepEvents(step.step_id, 0);
      this.events.open(step.step_id, logged.at(-1)?.id ?? 0);
      if (step.status === 'running') {
        step.output =
          logged
            .filter((e) => e.event === 'output.delta')
            .map((e) => (JSON.parse(e.data) as { text: string }).text)
            .join('') || null;
        completeStep(step, 'failed', INTERRUPTED);
        await this.finish(step, []);
      } else {
        this.enqueue(step, execute(step), onSettled(step));
      }
    }
    return steps.length;
  }

  /**
   * Stops taking steps, lets running ones finish for `graceMs`, then interrupts the rest (they
   * complete `failed` / `interrupted` and their streams end). Waiting steps stay for the restart.
   */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    const idle = this.queue.idle();
    const finished = await Promise.race([
      idle.then(() => true),
      sleep(graceMs, false, { ref: false }),
    ]);
    if (finished) return;
    for (const live of this.active.values()) {
      live.interrupted = true;
      live.controller.abort(new Error('the server is shutting down'));
    }
    await idle;
  }
}
