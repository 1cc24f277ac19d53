import { setTimeout as sleep } from 'node:timers/promises';
import type { Replica } from './replicas.js';

/** The fields of a Step these scenarios look at (the spec's Step has more). */
export interface Step {
  task_id: string;
  step_id: string;
  status: 'created' | 'running' | 'completed';
  input: string | null;
  output: string | null;
  outcome?: 'succeeded' | 'failed' | 'cancelled';
  error?: { code: string; message: string };
}

/** One answer, with the replica that gave it. */
export interface Answer<T = unknown> {
  replica: Replica;
  status: number;
  headers: Headers;
  body: T;
  /** `POST /ap/... on example-koa:40123`: what was sent where, for failure messages. */
  request: string;
}

export interface SendOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** This replica instead of the next one in turn. */
  on?: Replica;
}

const TASKS = '/ap/v1/agent/tasks';

/** A failure message naming what was sent, to which replica, and what came back. */
export function unexpected(answer: Answer, wanted: string): Error {
  return new Error(
    `${answer.request} answered ${answer.status} (wanted ${wanted}): ${JSON.stringify(answer.body)}`,
  );
}

/**
 * A client in front of the replicas as a round-robin load balancer would be: each request goes
 * to the next live replica, so consecutive calls about one task land on different processes.
 */
export class RoundRobinClient {
  private turn = 0;

  constructor(readonly replicas: Replica[]) {}

  /** The next live replica, in turn. */
  next(): Replica {
    const live = this.replicas.filter((r) => r.alive);
    if (live.length === 0) throw new Error('no replica is alive');
    return live[this.turn++ % live.length]!;
  }

  async send<T = unknown>(
    method: string,
    path: string,
    options: SendOptions = {},
  ): Promise<Answer<T>> {
    const replica = options.on ?? this.next();
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${replica.baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    const isJson = /^application\/json\b/.test(response.headers.get('content-type') ?? '');
    return {
      replica,
      status: response.status,
      headers: response.headers,
      body: (isJson && text ? JSON.parse(text) : text) as T,
      request: `${method} ${path} on ${replica.name}`,
    };
  }

  /** `createAgentTask`; 200 or throws. */
  async createTask(input: string | null, on?: Replica): Promise<{ task_id: string }> {
    const answer = await this.send<{ task_id: string }>('POST', TASKS, { body: { input }, on });
    if (answer.status !== 200) throw unexpected(answer, '200');
    return answer.body;
  }

  /** `executeAgentTaskStep`: in the background (`Prefer: respond-async`, 202) or waited for (200). */
  async postStep(
    taskId: string,
    input: string,
    options: { background?: boolean; on?: Replica } = {},
  ): Promise<Answer<Step>> {
    return this.send<Step>('POST', `${TASKS}/${taskId}/steps`, {
      body: { input },
      headers: options.background ? { prefer: 'respond-async' } : {},
      on: options.on,
    });
  }

  /** `getAgentTaskStep`; 200 or throws. */
  async getStep(taskId: string, stepId: string, on?: Replica): Promise<Step> {
    const answer = await this.send<Step>('GET', `${TASKS}/${taskId}/steps/${stepId}`, { on });
    if (answer.status !== 200) throw unexpected(answer, '200');
    return answer.body;
  }

  /** `listAgentTaskSteps`, one page of up to 100; 200 or throws. */
  async listSteps(
    taskId: string,
  ): Promise<{ steps: Step[]; pagination: { total_items: number; total_pages: number } }> {
    const answer = await this.send<{
      steps: Step[];
      pagination: { total_items: number; total_pages: number };
    }>('GET', `${TASKS}/${taskId}/steps?page_size=100`);
    if (answer.status !== 200) throw unexpected(answer, '200');
    return answer.body;
  }

  /**
   * Polls the step, round-robin, until `done` holds; resolves with it and how long that took.
   * Throws with the last state seen after `timeoutMs`.
   */
  async waitForStep(
    taskId: string,
    stepId: string,
    done: (step: Step) => boolean,
    timeoutMs: number,
  ): Promise<{ step: Step; waitedMs: number }> {
    const start = performance.now();
    let last: Step | undefined;
    while (performance.now() - start < timeoutMs) {
      last = await this.getStep(taskId, stepId);
      if (done(last)) return { step: last, waitedMs: performance.now() - start };
      await sleep(100);
    }
    throw new Error(`step ${stepId} after ${timeoutMs} ms: ${JSON.stringify(last)}`);
  }
}
