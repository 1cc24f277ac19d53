import { multipartBody, type UploadSource } from './multipart.js';
import type { ClientOptions } from './options.js';
import { allPages } from './pages.js';
import { runTask } from './runner/run.js';
import type { RunOptions, RunResult } from './runner/types.js';
import { followStepEvents, type StepEventsOptions } from './step-events.js';
import { Transport } from './transport.js';
import type {
  AgentInfo,
  Artifact,
  SecretKey,
  Step,
  StepEvent,
  StepRequestBody,
  Task,
  TaskRequestBody,
} from './types.js';

/** Options of the list methods. */
export interface ListOptions {
  /** Items asked for per request (`page_size`); the iteration walks every page. @default 10 */
  pageSize?: number;
}

/** Options of `artifacts.upload`. */
export interface UploadOptions {
  /** The artifact's file name. */
  fileName: string;
  /** The folder it belongs in, relative to the task's root (`relative_path`). */
  relativePath?: string;
}

/** A client of one Agent Protocol server. Every failure is an `AgentProtocolClientError`. */
export interface AgentProtocolClient {
  /** The agent's description (`GET /ap/v1/agent/info`). */
  info(): Promise<AgentInfo>;
  tasks: {
    /** Creates a task (`{}` when no body is given). */
    create(body?: TaskRequestBody): Promise<Task>;
    get(taskId: string): Promise<Task>;
    /** Every task, oldest first, fetching page after page as the iteration goes. */
    list(options?: ListOptions): AsyncIterable<Task>;
  };
  steps: {
    /** v1: waits for the finished step. */
    execute(taskId: string, body?: StepRequestBody): Promise<Step>;
    /** Background (`Prefer: respond-async`): the step as acknowledged (202). */
    start(taskId: string, body?: StepRequestBody): Promise<Step>;
    get(taskId: string, stepId: string): Promise<Step>;
    list(taskId: string, options?: ListOptions): AsyncIterable<Step>;
    /** SSE events of a step; reconnects by itself with Last-Event-ID until step.completed; ends after it. */
    events(taskId: string, stepId: string, options?: StepEventsOptions): AsyncIterable<StepEvent>;
    /** Cancels a step that has not completed (a completed one is a 409). */
    cancel(taskId: string, stepId: string): Promise<Step>;
  };
  artifacts: {
    list(taskId: string, options?: ListOptions): AsyncIterable<Artifact>;
    /**
     * Streamed multipart upload (never the whole source in memory for streams). A stream can be
     * sent once only: after a 401 the token is refreshed but the upload is not retried. Browsers
     * send a stream body only over HTTP/2: pass a Blob (a File) there.
     */
    upload(taskId: string, source: UploadSource, options: UploadOptions): Promise<Artifact>;
    /** The artifact's bytes as a web ReadableStream. */
    download(taskId: string, artifactId: string): Promise<ReadableStream<Uint8Array>>;
  };
  secrets: {
    /** Stores a secret (a key that exists gets the new value). The answer never holds the value. */
    set(key: string, value: string): Promise<SecretKey>;
    list(options?: ListOptions): AsyncIterable<SecretKey>;
    /** Removes the secret with that key (looked up by key), or by id. */
    remove(keyOrId: string): Promise<void>;
  };
  /**
   * Runs a task to its end: creates it (or resumes `taskId`), sends steps until one is last,
   * answers what the steps pause for (secrets, client functions, sign-ins) on the way.
   */
  run(input: string | null, options?: RunOptions): Promise<RunResult>;
}

const emptyStream = () =>
  new ReadableStream<Uint8Array>({
    start: (controller) => controller.close(),
  });

/** A client of the server at `options.baseUrl`. Works in Node and in browsers. */
export function createClient(options: ClientOptions): AgentProtocolClient {
  const transport = new Transport(options);
  const { api } = transport;
  const page = (current_page: number, pageSize: number | undefined) => ({
    current_page,
    ...(pageSize !== undefined && { page_size: pageSize }),
  });
  const task = (task_id: string) => ({ path: { task_id } });

  const client: AgentProtocolClient = {
    info: () => transport.call('GET /ap/v1/agent/info', () => api.GET('/ap/v1/agent/info')),

    tasks: {
      create: (body = {}) =>
        transport.call('POST /ap/v1/agent/tasks', () => api.POST('/ap/v1/agent/tasks', { body })),
      get: (taskId) =>
        transport.call('GET /ap/v1/agent/tasks/{task_id}', () =>
          api.GET('/ap/v1/agent/tasks/{task_id}', { params: task(taskId) }),
        ),
      list: ({ pageSize } = {}) =>
        allPages(async (n) => {
          const { tasks, pagination } = await transport.call('GET /ap/v1/agent/tasks', () =>
            api.GET('/ap/v1/agent/tasks', { params: { query: page(n, pageSize) } }),
          );
          return { items: tasks, pagination };
        }),
    },

    steps: {
      execute: (taskId, body = {}) =>
        transport.call('POST /ap/v1/agent/tasks/{task_id}/steps', () =>
          api.POST('/ap/v1/agent/tasks/{task_id}/steps', { params: task(taskId), body }),
        ),
      start: (taskId, body = {}) =>
        transport.call('POST /ap/v1/agent/tasks/{task_id}/steps', () =>
          api.POST('/ap/v1/agent/tasks/{task_id}/steps', {
            params: { ...task(taskId), header: { Prefer: 'respond-async' } },
            body,
          }),
        ),
      get: (taskId, stepId) =>
        transport.call('GET /ap/v1/agent/tasks/{task_id}/steps/{step_id}', () =>
          api.GET('/ap/v1/agent/tasks/{task_id}/steps/{step_id}', {
            params: { path: { task_id: taskId, step_id: stepId } },
          }),
        ),
      list: (taskId, { pageSize } = {}) =>
        allPages(async (n) => {
          const { steps, pagination } = await transport.call(
            'GET /ap/v1/agent/tasks/{task_id}/steps',
            () =>
              api.GET('/ap/v1/agent/tasks/{task_id}/steps', {
                params: { ...task(taskId), query: page(n, pageSize) },
              }),
          );
          return { items: steps, pagination };
        }),
      events: (taskId, stepId, eventOptions) =>
        followStepEvents(transport, taskId, stepId, eventOptions),
      cancel: (taskId, stepId) =>
        transport.call('POST /ap/v1/agent/tasks/{task_id}/steps/{step_id}/cancel', () =>
          api.POST('/ap/v1/agent/tasks/{task_id}/steps/{step_id}/cancel', {
            params: { path: { task_id: taskId, step_id: stepId } },
          }),
        ),
    },

    artifacts: {
      list: (taskId, { pageSize } = {}) =>
        allPages(async (n) => {
          const { artifacts, pagination } = await transport.call(
            'GET /ap/v1/agent/tasks/{task_id}/artifacts',
            () =>
              api.GET('/ap/v1/agent/tasks/{task_id}/artifacts', {
                params: { ...task(taskId), query: page(n, pageSize) },
              }),
          );
          return { items: artifacts, pagination };
        }),
      upload: (taskId, source, { fileName, relativePath }) => {
        // Built per attempt: a retry after a token refresh needs a body not yet read.
        let form = multipartBody(source, fileName, relativePath);
        let sent = false;
        return transport.call(
          'POST /ap/v1/agent/tasks/{task_id}/artifacts',
          () => {
            if (sent) form = multipartBody(source, fileName, relativePath);
            sent = true;
            return api.POST('/ap/v1/agent/tasks/{task_id}/artifacts', {
              params: task(taskId),
              // The spec's form fields; the serializer below writes them with the bytes.
              body: {
                file: fileName,
                ...(relativePath !== undefined && { relative_path: relativePath }),
              },
              bodySerializer: () => form.body,
              headers: { 'Content-Type': form.contentType },
              // Node's fetch sends a stream body only when told it may answer before the end.
              ...(!form.replayable && { duplex: 'half' }),
            });
          },
          { replayable: form.replayable },
        );
      },
      download: async (taskId, artifactId) => {
        const body = await transport.call(
          'GET /ap/v1/agent/tasks/{task_id}/artifacts/{artifact_id}',
          () =>
            api.GET('/ap/v1/agent/tasks/{task_id}/artifacts/{artifact_id}', {
              params: { path: { task_id: taskId, artifact_id: artifactId } },
              parseAs: 'stream',
            }),
        );
        // openapi-fetch answers no body for `Content-Length: 0`: an empty file is still a stream.
        return body ?? emptyStream();
      },
    },

    secrets: {
      set: (key, value) =>
        transport.call('POST /ap/v1/agent/secrets', () =>
          api.POST('/ap/v1/agent/secrets', { body: { secret_key: key, secret_value: value } }),
        ),
      list: ({ pageSize } = {}) =>
        allPages(async (n) => {
          const { secret_keys, pagination } = await transport.call('GET /ap/v1/agent/secrets', () =>
            api.GET('/ap/v1/agent/secrets', { params: { query: page(n, pageSize) } }),
          );
          return { items: secret_keys, pagination };
        }),
      remove: async (keyOrId) => {
        let id = keyOrId;
        for await (const secret of client.secrets.list({ pageSize: 100 })) {
          if (secret.secret_key === keyOrId) {
            id = secret.secret_id;
            break;
          }
        }
        await transport.call('DELETE /ap/v1/agent/secrets/{secret_id}', () =>
          api.DELETE('/ap/v1/agent/secrets/{secret_id}', { params: { path: { secret_id: id } } }),
        );
      },
    },

    run: (input, runOptions) => runTask(client, transport, input, runOptions),
  };
  return client;
}
