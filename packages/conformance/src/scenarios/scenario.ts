import { isDeepStrictEqual } from 'node:util';
import type { CaseRequest } from '../case.js';
import { send, type Observed } from '../send.js';
import type { Harness } from '../server.js';

/**
 * A conformance check that is not one request and one response: many requests at once, or a
 * server restart in the middle. It throws (with a readable message) when the server does not conform.
 */
export interface Scenario {
  name: string;
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
