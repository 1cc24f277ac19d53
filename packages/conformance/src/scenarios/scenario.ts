import { isDeepStrictEqual } from 'node:util';
import type { AuthOptions } from '@agent-protocol/core';
import type { CaseRequest } from '../case.js';
import { leakProblems } from '../check.js';
import { send, type Observed } from '../send.js';
import type { Harness } from '../server.js';

/**
 * A conformance check that is not one request and one response: many requests at once, or a
 * server restart in the middle. It throws (with a readable message) when the server does not conform.
 */
export interface Scenario {
  name: string;
  /** The auth the server is started with (on restarts too); none when absent. */
  auth?: AuthOptions;
  /** Start the server with a logger that captures every line (`harness.log`). @default false */
  captureLog?: boolean;
  run(harness: Harness): Promise<void>;
}

export class ScenarioFailure extends Error {
  override name = 'ScenarioFailure';
}

export function ensure(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ScenarioFailure(message);
}

export function ensureEqual(actual: unknown, expected: unknown, what: string): void {
  ensure(
    isDeepStrictEqual(actual, expected),
    `${what}:\n  expected ${JSON.stringify(expected)}\n  got      ${JSON.stringify(actual)}`,
  );
}

/** Sends a request that must succeed (2xx) and returns its JSON body. */
export async function ok<T = Record<string, unknown>>(
  baseUrl: string,
  request: CaseRequest,
): Promise<T> {
  const observed = await send(baseUrl, request);
  ensureSuccess(observed, request);
  return observed.json as T;
}

export function ensureSuccess(observed: Observed, request: CaseRequest): void {
  ensure(
    observed.status >= 200 && observed.status < 300,
    `${request.method} ${request.path}: expected 2xx, got ${observed.status || observed.error}: ${observed.body.toString('utf8').slice(0, 300)}`,
  );
}

/** One caller of an auth scenario: its credentials on every request, no secret in any answer. */
export interface Caller {
  send(request: CaseRequest): Promise<Observed>;
  /** Sends a request that must succeed (2xx) and returns its JSON body. */
  ok<T = Record<string, unknown>>(request: CaseRequest): Promise<T>;
}

export function caller(
  baseUrl: string,
  headers: Record<string, string>,
  secrets: readonly string[],
): Caller {
  const as = async (request: CaseRequest) => {
    const observed = await send(baseUrl, {
      ...request,
      headers: { ...request.headers, ...headers },
    });
    const leaks = leakProblems(observed, secrets);
    ensure(leaks.length === 0, `${request.method} ${request.path}: ${leaks.join('; ')}`);
    return observed;
  };
  return {
    send: as,
    async ok<T>(request: CaseRequest) {
      const observed = await as(request);
      ensureSuccess(observed, request);
      return observed.json as T;
    },
  };
}
