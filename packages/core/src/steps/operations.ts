import type { Principal } from '../auth/types.js';
import { AgentProtocolError } from '../errors.js';
import { jsonResponse } from '../http/responses.js';
import type { CoreRequest, CoreResponse } from '../http/types.js';
import type { AgentService } from '../service.js';
import { streamStep, type SseOptions } from './sse.js';

interface StepCall {
  request: CoreRequest;
  params: Record<string, unknown>;
  body: unknown;
  principal: Principal;
}

function header(request: CoreRequest, name: string): string {
  const value = request.headers[name];
  return (Array.isArray(value) ? value.join(',') : value) ?? '';
}

/** RFC 7240: `Prefer: respond-async` among the preferences. */
const prefersAsync = (request: CoreRequest) =>
  header(request, 'prefer')
    .split(',')
    .some((p) => p.split(';')[0]!.trim().toLowerCase() === 'respond-async');

/** The client names `text/event-stream` in `Accept` (not merely `*\/*`). */
const wantsStream = (request: CoreRequest) =>
  header(request, 'accept')
    .split(',')
    .some((t) => t.split(';')[0]!.trim().toLowerCase() === 'text/event-stream');

/** `Last-Event-ID` as a position: a non-negative integer (the spec's header parameter), else a 422. */
function lastEventId(request: CoreRequest): number | undefined {
  const raw = header(request, 'last-event-id').trim();
  if (raw === '') return undefined;
  if (!/^\d{1,15}$/.test(raw)) {
    throw AgentProtocolError.invalid([
      {
        location: 'header',
        field: 'Last-Event-ID',
        rule: 'type',
        message: 'must be the integer id of an event of this step',
      },
    ]);
  }
  return Number(raw);
}

/**
 * The operations of long-running steps (PROTOCOL.md section 8): a step in the background, its
 * stream, its cancellation. A step request without `Prefer` or `Accept` stays v1.
 */
export function stepOperations(service: AgentService, sse: SseOptions) {
  const ids = (c: StepCall) => ({
    taskId: c.params.task_id as string,
    stepId: c.params.step_id as string,
  });
  const stream = (
    c: StepCall,
    stepId: string,
    after: number,
    headers: Record<string, string> = {},
  ) =>
    streamStep(
      service.events,
      stepId,
      after,
      () => service.replayEvents(c.principal, ids(c).taskId, stepId, after),
      sse,
      headers,
    );

  return {
    executeAgentTaskStep: async (c: StepCall): Promise<CoreResponse> => {
      const { taskId } = ids(c);
      const body = c.body as object;
      const streamed = wantsStream(c.request);
      if (!streamed && !prefersAsync(c.request)) {
        return jsonResponse(200, await service.executeStep(c.principal, taskId, body));
      }
      // A background step holds its caller's step-limit place until it completes.
      const step = await service.startStep(c.principal, taskId, body);
      const location = `${c.request.mountPath ?? ''}/ap/v1/agent/tasks/${taskId}/steps/${step.step_id}`;
      if (streamed) return stream(c, step.step_id, 0, { 'content-location': location });
      return {
        status: 202,
        headers: { 'preference-applied': 'respond-async', location },
        body: { kind: 'json', value: step },
      };
    },
    streamAgentTaskStepEvents: async (c: StepCall): Promise<CoreResponse> => {
      const { taskId, stepId } = ids(c);
      await service.stepOr404(c.principal, taskId, stepId);
      // An EventSource opened with ?after= reconnects to the same URL with a newer Last-Event-ID:
      // the later position wins.
      const after = Math.max(
        (c.params.after as number | undefined) ?? 0,
        lastEventId(c.request) ?? 0,
      );
      return stream(c, stepId, after);
    },
    cancelAgentTaskStep: async (c: StepCall): Promise<CoreResponse> => {
      const { taskId, stepId } = ids(c);
      return jsonResponse(202, await service.cancelStep(c.principal, taskId, stepId));
    },
  };
}
