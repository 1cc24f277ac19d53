import { AgentProtocolError } from '../errors.js';
import { errorResponse } from './responses.js';
import type { CoreResponse } from './types.js';

/** The 404 of a request no operation answers, naming its method and path. */
export function noOperation(method: string, path: string): AgentProtocolError {
  return new AgentProtocolError('not_found', `No operation at ${method} ${path}.`);
}

/**
 * The core's JSON 404 (`{ message, code: 'not_found' }`) for a request nothing in the server
 * answered, for adapters' not-found handlers: the same error shape, and the same words, as a
 * path the protocol does not know. `path` is the path as the client sent it, without the query.
 */
export function notFoundResponse(method: string, path: string): CoreResponse {
  return errorResponse(noOperation(method.toUpperCase(), path));
}
