import type { AgentProtocolClient } from '../client.js';
import { AgentProtocolClientError } from '../errors.js';
import { sleep } from '../sleep.js';
import type { Transport } from '../transport.js';
import type { AgentInfo, Artifact, Step, StepRequestBody, Task } from '../types.js';
import { answerPause } from './pauses.js';
import { sendStep, type StepContext } from './send-step.js';
import type { RunEvent, RunOptions, RunResult } from './types.js';

/**
 * Between two steps that only wait for the user to sign in: the first soon (a sign-in can be
 * quick), then longer, so a user who takes a minute costs a dozen steps of `maxSteps`, not sixty.
 */
const AUTH_POLL_FIRST_MS = 1_000;
const AUTH_POLL_MAX_MS = 5_000;

/**
 * The agent's info, or undefined for a server without the info endpoint (upstream's SDK
 * answers 404): such a server is driven with plain v1 steps.
 */
async function agentInfo(client: AgentProtocolClient): Promise<AgentInfo | undefined> {
  try {
    return await client.info();
  } catch (error) {
    if (error instanceof AgentProtocolClientError && [404, 405, 501].includes(error.status))
      return undefined;
    throw error;
  }
}

/**
 * Whether to run background steps and follow their events: only when the server says it can
 * (`capabilities`, absent from servers older than the extension).
 */
function backgroundSteps(info: AgentInfo | undefined): boolean {
  return info?.capabilities?.background_steps === true && info.capabilities.step_events === true;
}

/** The functions the task opts in to: those given, less any the agent says it does not have. */
function clientFunctions(options: RunOptions, info: AgentInfo | undefined): string[] | undefined {
  if (options.task?.client_functions) return options.task.client_functions;
  const names = Object.keys(options.functions ?? {});
  if (names.length === 0) return undefined;
  const declared = info?.client_functions?.map((f) => f.name);
  return declared ? names.filter((name) => declared.includes(name)) : names;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** `client.run`: see RunOptions and the README's "Running a task". */
export async function runTask(
  client: AgentProtocolClient,
  transport: Transport,
  input: string | null,
  options: RunOptions = {},
): Promise<RunResult> {
  const { signal, nextInput } = options;
  const maxSteps = options.maxSteps ?? 50;
  const emit = (event: RunEvent) => options.onEvent?.(event);

  const info = await agentInfo(client);
  let task: Task;
  if (options.taskId) {
    task = await client.tasks.get(options.taskId);
  } else {
    const functions = clientFunctions(options, info);
    task = await client.tasks.create({
      ...options.task,
      input,
      ...(functions && functions.length > 0 && { client_functions: functions }),
    });
  }
  emit({ type: 'task', task });

  const context: StepContext = {
    client,
    transport,
    taskId: task.task_id,
    background: backgroundSteps(info),
    emit,
    signal,
  };
  const steps: Step[] = [];
  let ended: RunResult['ended'] = 'max_steps';
  // Benchmark mode: the first step is empty and the agent acts on the task's input. A resumed
  // task has its input already: a given one is the first step's.
  let body: StepRequestBody = options.taskId && input !== null ? { input } : {};
  /**
   * Providers whose sign-in was announced while steps keep asking for it, with when that link
   * expires: a link that expired is announced again (the step asking then has a new one).
   */
  const announced = new Map<string, number>();
  let authPollMs = AUTH_POLL_FIRST_MS;

  while (steps.length < maxSteps) {
    if (signal?.aborted) {
      ended = 'cancelled';
      break;
    }
    const sent = await sendStep(context, body);
    if (sent.step) {
      steps.push(sent.step);
      emit({ type: 'step', step: sent.step });
    }
    if (sent.cancelled) {
      ended = 'cancelled';
      break;
    }
    const step = sent.step;
    if (step.is_last) {
      ended = 'finished';
      break;
    }
    const signIns = step.auth_demands ?? [];
    if (signIns.length > 0) {
      for (const demand of signIns) {
        if ((announced.get(demand.provider) ?? -Infinity) > Date.now()) continue;
        const expires = demand.expires_at ? Date.parse(demand.expires_at) : NaN;
        announced.set(demand.provider, Number.isNaN(expires) ? Infinity : expires);
        emit({
          type: 'auth',
          demand: { provider: demand.provider, authorization_url: demand.authorization_url },
        });
        await options.onAuthDemand?.(demand);
      }
      if (steps.length >= maxSteps) break;
      emit({ type: 'waiting' });
      try {
        await sleep(authPollMs, signal);
        authPollMs = Math.min(authPollMs * 2, AUTH_POLL_MAX_MS);
      } catch {
        ended = 'cancelled';
        break;
      }
      body = {};
      continue;
    }
    announced.clear();
    authPollMs = AUTH_POLL_FIRST_MS;
    const answer = await answerPause(client, step, options, emit);
    if (answer) body = answer;
    else if (nextInput) {
      const next = await nextInput(step);
      body = next === null ? {} : { input: next };
    } else body = {};
  }

  // Read without the signal: a cancelled run still reports what it left behind.
  const artifacts: Artifact[] = await collect(
    client.artifacts.list(task.task_id, { pageSize: 100 }),
  );
  const finalTask = await client.tasks.get(task.task_id).catch(() => task);
  return { task: finalTask, steps, ended, artifacts };
}
