import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { AgentProtocolError } from './errors.js';

/**
 * One mechanism, three uses: a step pauses for something only the client can give — secrets it
 * must store, the results of functions it runs on the user's behalf, or the user's sign-in at a
 * third-party service. The paused work is kept with the step; the next step request resumes it by
 * running the handler again from the start with the same input, replaying function results
 * already given (and finding the secrets and tokens stored meanwhile).
 */

export interface SecretDemand {
  key: string;
  name: string;
  description: string;
}

/** A sign-in the step waits for (the wire's `AuthDemand`, PROTOCOL.md section 10). */
export interface AuthDemand {
  provider: string;
  authorization_url: string;
  expires_at: string;
}

/** What the client sent back for a function call. */
export type FunctionOutcome = { output: unknown } | { error: string } | { refused: true };

export interface CallRecord {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
  result?: FunctionOutcome;
}

/** Stored with a paused step: what to run again, and the calls made so far. */
export interface PauseState {
  work: { input: string | null; additional_input: Record<string, unknown> | undefined };
  calls: CallRecord[];
  demands: SecretDemand[];
}

/** Thrown inside a handler to end the step at once; the handler never sees it succeed. */
export class StepPaused extends Error {
  constructor() {
    super('The step is paused until the client answers.');
    this.name = 'StepPaused';
  }
}

/** How a client-executed function call ended, for a handler that awaits one. */
export class FunctionCallError extends Error {
  constructor(
    readonly functionName: string,
    /** `refused`: the user declined; `error`: the client ran it and it failed. */
    readonly reason: 'refused' | 'error',
    message: string,
  ) {
    super(message);
    this.name = 'FunctionCallError';
  }
}

/**
 * Thrown by `ctx.secrets.require` when the user declined a secret it needs (the client sent the
 * key in `declined_secrets`). A handler that can go on without the secret catches it.
 */
export class SecretDeclinedError extends Error {
  constructor(
    /** The keys the user declined, among those asked for. */
    readonly keys: string[],
  ) {
    super(`The user declined to provide ${keys.map((k) => `'${k}'`).join(', ')}.`);
    this.name = 'SecretDeclinedError';
  }
}

/**
 * Checks a step request's `declined_secrets` against the paused step: each key must be one of its
 * outstanding secret demands; anything else is a 409 and changes nothing.
 */
export function assertDeclinable(pause: PauseState | undefined, keys: string[]): void {
  for (const key of keys) {
    if (!pause?.demands.some((d) => d.key === key)) {
      throw new AgentProtocolError(
        'conflict',
        `No step of this task is waiting for the secret '${key}', so it cannot be declined.`,
      );
    }
  }
}

/** The state of one handler run: calls replayed or made, demands raised. */
export class RunState {
  paused = false;
  readonly demands: SecretDemand[] = [];
  readonly waiting: CallRecord[] = [];
  readonly logins: AuthDemand[] = [];
  private cursor = 0;

  constructor(readonly calls: CallRecord[]) {}

  demand(missing: SecretDemand[]): never {
    for (const d of missing) if (!this.demands.some((x) => x.key === d.key)) this.demands.push(d);
    this.paused = true;
    throw new StepPaused();
  }

  /** Pauses for a sign-in (one link per provider: a second ask in the same run adds none). */
  demandLogin(demand: AuthDemand): never {
    if (!this.logins.some((l) => l.provider === demand.provider)) this.logins.push(demand);
    this.paused = true;
    throw new StepPaused();
  }

  /** Replays the n-th call if it matches, else records a new one and pauses. */
  call(name: string, args: Record<string, unknown>): unknown {
    const index = this.cursor++;
    const recorded = this.calls[index];
    if (recorded && recorded.name === name && isDeepStrictEqual(recorded.arguments, args)) {
      const result = recorded.result;
      if (result) {
        if ('output' in result) return result.output;
        if ('error' in result)
          throw new FunctionCallError(
            name,
            'error',
            `${name} failed on the client: ${result.error}`,
          );
        throw new FunctionCallError(name, 'refused', `The user refused to run ${name}.`);
      }
      this.waiting.push(recorded);
    } else {
      // The handler took another path than last time: what it did after this point no longer counts.
      this.calls.length = index;
      const call: CallRecord = { id: randomUUID(), name, arguments: args };
      this.calls.push(call);
      this.waiting.push(call);
    }
    this.paused = true;
    throw new StepPaused();
  }
}

export interface FunctionResultInput {
  id: string;
  output?: unknown;
  error?: string;
  refused?: boolean;
}

/**
 * Applies a step request's results to the paused calls. Each result must name a call that is
 * outstanding, once; anything else is a 409 and changes nothing.
 */
export function applyResults(
  pause: PauseState | undefined,
  results: FunctionResultInput[],
): CallRecord[] {
  if (!pause || !pause.calls.some((c) => !c.result)) {
    const ids = results.map((r) => `'${r.id}'`).join(', ');
    throw new AgentProtocolError(
      'conflict',
      `No function call is outstanding on this task, so ${ids} cannot be answered.`,
    );
  }
  const calls = pause.calls.map((c) => ({ ...c }));
  const seen = new Set<string>();
  for (const result of results) {
    const call = calls.find((c) => c.id === result.id);
    if (!call) {
      throw new AgentProtocolError(
        'conflict',
        `Function call '${result.id}' is not outstanding on this task.`,
      );
    }
    if (call.result || seen.has(result.id)) {
      throw new AgentProtocolError(
        'conflict',
        `Function call '${result.id}' was already answered.`,
      );
    }
    seen.add(result.id);
    call.result =
      result.refused === true
        ? { refused: true }
        : result.error !== undefined
          ? { error: result.error }
          : { output: result.output };
  }
  return calls;
}

/** The sentence a paused step's `output` says, for clients that only read `output`. */
export function pauseSentence(
  demands: SecretDemand[],
  waiting: CallRecord[],
  logins: AuthDemand[] = [],
): string {
  const parts: string[] = [];
  for (const login of logins) {
    parts.push(
      `This step needs you to sign in to ${login.provider}: open ${login.authorization_url} in a browser (before ${login.expires_at}), then send another step to continue.`,
    );
  }
  if (demands.length > 0) {
    const list = demands
      .map((d) => `${d.name} (${d.key}): ${d.description.replace(/[.\s]+$/, '')}`)
      .join('; ');
    parts.push(
      `This step needs secrets that are not stored yet: ${list}. Store them with POST /ap/v1/agent/secrets, then send another step to continue.`,
    );
  }
  if (waiting.length > 0) {
    const list = waiting
      .map((c) => `${c.name}(${JSON.stringify(c.arguments)}) [id ${c.id}]`)
      .join('; ');
    parts.push(
      `This step asks the client to run: ${list}. Send the results in the next step's function_results to continue.`,
    );
  }
  return parts.join(' ');
}
