// Not a test file: `pnpm typecheck` compiles it. It imports the package by name, as another
// workspace package does, and proves a consumer typechecks against the generated types.
import {
  openapiDocument,
  specVersion,
  type components,
  type OpenAPIDocument,
  type operations,
  type paths,
  type Schemas,
} from '@agent-protocol/spec';

type Step = components['schemas']['Step'];
type StepRequest = NonNullable<
  operations['executeAgentTaskStep']['requestBody']
>['content']['application/json'];
type AgentInfo = paths['/ap/v1/agent/info']['get']['responses'][200]['content']['application/json'];
type ListTasksQuery = NonNullable<operations['listAgentTasks']['parameters']['query']>;
type SecretKey = Schemas['SecretKey'];
type StepEvent = Schemas['StepEvent'];
type EventsQuery = NonNullable<operations['streamAgentTaskStepEvents']['parameters']['query']>;
type EventsHeaders = NonNullable<operations['streamAgentTaskStepEvents']['parameters']['header']>;
type StepPreferHeaders = NonNullable<operations['executeAgentTaskStep']['parameters']['header']>;
type CancelledStep =
  operations['cancelAgentTaskStep']['responses'][202]['content']['application/json'];

/** A step paused for a client-executed function. */
export const pausedStep: Step = {
  task_id: '50da533e-3904-4401-8a07-c49adf88b5eb',
  step_id: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
  status: 'completed',
  is_last: false,
  artifacts: [],
  output: 'I will email your assistant.',
  additional_output: null,
  function_calls: [{ id: 'call_1', name: 'send_email', arguments: { to: 'sarah@example.com' } }],
  secret_demands: [{ key: 'SLACK_API_KEY', name: 'Slack', description: 'Access to Slack' }],
};

export const answer: StepRequest = {
  input: null,
  additional_input: { model: 'gpt-4o' },
  function_results: [
    { id: 'call_1', output: { sent: true } },
    { id: 'call_2', refused: true },
  ],
};

export const info: AgentInfo = {
  name: 'My Agent',
  protocol: 1,
  version: '1.0.0',
  config_options: { model: { type: 'string', default: 'gpt-4o', description: 'The model.' } },
  auth: { schemes: ['bearer'] },
  secrets: { SLACK_API_KEY: { name: 'Slack', description: 'Access to Slack' } },
};

export const firstPage: ListTasksQuery = { current_page: 1, page_size: 10 };

export const secret: SecretKey = {
  secret_id: 's1',
  secret_key: 'SLACK_API_KEY',
  created_at: '2025-01-31T09:30:00Z',
  updated_at: '2025-01-31T09:30:00Z',
};

/** A step whose handler failed: still `completed`, how it ended is in `outcome`. */
export const failedStep: Step = {
  task_id: '50da533e-3904-4401-8a07-c49adf88b5eb',
  step_id: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
  status: 'completed',
  is_last: false,
  artifacts: [],
  outcome: 'failed',
  error: { code: 'step_failed', message: 'The agent failed to complete the step.' },
};

export const cancelled: CancelledStep = {
  task_id: '50da533e-3904-4401-8a07-c49adf88b5eb',
  step_id: '8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a',
  status: 'completed',
  is_last: false,
  artifacts: [],
  output: '1 2 3 ',
  outcome: 'cancelled',
};

/** The `event` name narrows an event's `data`. */
export function textOf(event: StepEvent): string {
  switch (event.event) {
    case 'output.delta':
      return event.data.text;
    case 'artifact.created':
      return event.data.file_name;
    default:
      return event.data.output ?? '';
  }
}

export const delta: StepEvent = { id: 3, event: 'output.delta', data: { text: '1 ' } };
export const resume: EventsQuery = { after: 3 };
export const reconnect: EventsHeaders = { 'Last-Event-ID': 3 };
export const background: StepPreferHeaders = { Prefer: 'respond-async' };

// @ts-expect-error An output delta carries text, not a step.
export const wrongData: StepEvent = { id: 4, event: 'output.delta', data: failedStep };

// @ts-expect-error `outcome` is an enum too: a failure is `failed`.
export const badOutcome: Step['outcome'] = 'error';

// @ts-expect-error `status` is an enum, not any string.
export const badStatus: Step['status'] = 'paused';

// @ts-expect-error A stored secret never carries its value.
export const leakedValue: SecretKey['secret_value'] = 'x';

export const document: OpenAPIDocument = openapiDocument;
export const title: string = openapiDocument.info.title;
export const version: string = specVersion;
