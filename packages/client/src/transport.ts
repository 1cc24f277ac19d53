import type { paths } from '@agent-protocol/spec';
import createFetchClient, { type Client } from 'openapi-fetch';
import { Credentials } from './credentials.js';
import { errorFromResponse, isAbort, networkError } from './errors.js';
import type { ClientOptions } from './options.js';

/**
 * The typed openapi-fetch client over the spec's `paths`: every operation, typed from the spec.
 * Responses are read as JSON (a step's `text/event-stream` answer is asked for only by streams,
 * which read the body themselves with `parseAs: 'stream'`).
 */
export type Api = Client<paths, 'application/json'>;

/** What an openapi-fetch call resolves to. */
interface Result {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** The success branch's `data` of an openapi-fetch result. */
export type Data<R> = R extends { data: infer D; error?: never } ? D : never;

export interface CallOptions {
  /**
   * Whether the request can be sent a second time (after a token refresh). Not when its body is
   * a one-shot stream, already consumed by the first attempt.
   * @default true
   */
  replayable?: boolean;
  /** Rejects with the signal's reason when it fires. */
  signal?: AbortSignal | undefined;
}

/**
 * The one place requests go through: openapi-fetch for building and typing them, the
 * credentials put on each, a 401 answered by one token refresh and one retry, and every failure
 * turned into an {@link AgentProtocolClientError}.
 */
export class Transport {
  readonly api: Api;
  private readonly credentials: Credentials;
  /** Which token generation each response was answered to (WeakMap: nothing kept alive). */
  private readonly generations = new WeakMap<Response, number>();

  constructor(options: ClientOptions) {
    this.credentials = new Credentials(options.auth);
    const custom = options.fetch;
    this.api = createFetchClient<paths, 'application/json'>({
      baseUrl: options.baseUrl,
      ...(options.headers && { headers: options.headers }),
      fetch: async (request: Request) => {
        const generation = await this.credentials.apply(request.headers);
        // Looked up per call (not captured at creation), and never called as a method of
        // something else: browsers refuse a `fetch` invoked on another `this`.
        const response = await (custom ? custom(request) : globalThis.fetch(request));
        this.generations.set(response, generation);
        return response;
      },
    });
  }

  /**
   * Runs an operation (a function, so it can be built again for the retry) and answers its
   * success data; `request` names it in error messages (`GET /ap/v1/agent/tasks/{task_id}`).
   */
  async call<R extends Result>(
    request: string,
    operation: () => Promise<R>,
    options: CallOptions = {},
  ): Promise<Data<R>> {
    let result = await this.attempt(request, operation, options.signal);
    if (result.response.status === 401 && this.credentials.refreshable) {
      await this.credentials.refresh(this.generations.get(result.response) ?? 0);
      // A consumed stream cannot be sent again: the refreshed token serves the next call.
      if (options.replayable !== false)
        result = await this.attempt(request, operation, options.signal);
    }
    if (!result.response.ok) throw errorFromResponse(result.response, result.error, request);
    return result.data as Data<R>;
  }

  private async attempt<R extends Result>(
    request: string,
    operation: () => Promise<R>,
    signal: AbortSignal | undefined,
  ): Promise<R> {
    try {
      return await operation();
    } catch (error) {
      if (isAbort(error, signal)) throw signal?.reason ?? error;
      throw networkError(error, request);
    }
  }
}
