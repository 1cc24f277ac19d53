import { errorResponse } from '@agent-protocol/core';
import { HttpException } from '@nestjs/common';

/**
 * Anything thrown while answering a protocol request, as the core answers it: Nest's exception
 * layer renders the core's JSON error body and status, never a shape of its own.
 */
export class AgentProtocolException extends HttpException {
  constructor(thrown: unknown) {
    const response = errorResponse(thrown);
    const body = response.body?.kind === 'json' ? (response.body.value as object) : {};
    super(body, response.status, { cause: thrown });
  }
}
