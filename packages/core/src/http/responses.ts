import { toAgentProtocolError } from '../errors.js';
import type { CoreResponse } from './types.js';

export function jsonResponse(status: number, value: unknown): CoreResponse {
  return { status, headers: {}, body: { kind: 'json', value } };
}

/** The response for anything thrown: the one place an error becomes what the client sees. */
export function errorResponse(thrown: unknown): CoreResponse {
  const error = toAgentProtocolError(thrown);
  return {
    status: error.status,
    headers: error.headers,
    body: { kind: 'json', value: error.toJSON() },
  };
}
