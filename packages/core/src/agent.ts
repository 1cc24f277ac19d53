import type { Readable } from 'node:stream';
import type { Schemas } from '@agent-protocol/spec';
import type { Principal } from './auth/types.js';
import type { OAuthProvider } from './oauth/providers.js';

export type ConfigOptionType = 'string' | 'integer' | 'float' | 'boolean' | 'list' | 'dict';
export type ConfigScope = 'task' | 'step' | 'artifact';

/** One configuration option a client may set in `additional_input` (PROTOCOL.md section 2). */
export interface ConfigOption {
  type: ConfigOptionType;
  /** Applied when the client does not set the option. Must itself be valid. */
  default: unknown;
  description: string;
  /** The only values allowed, when given. */
  options?: unknown[];
  /** Where the option may be set; empty or absent means everywhere. */
  scope?: ConfigScope[];
}

/** What the info endpoint says about the agent. */
export interface AgentInfoInput {
  name: string;
  version: string;
  description?: string;
  url?: string;
  git?: string;
  docs?: string;
  issues?: string;
  /**
   * The protocol version the agent speaks.
   * @default 1
   */
  protocol?: number;
}

export type Task = Schemas['Task'];
export type Step = Schemas['Step'];
export type Artifact = Schemas['Artifact'];
export type AgentInfo = Schemas['AgentInfo'];

/** Options for an artifact a handler creates. */
export interface CreateArtifactInput {
  fileName: string;
  /** Directory-like metadata; never a file system path on the server. */
  relativePath?: string | null;
  data: string | Uint8Array | Readable;
}

/** A secret the agent needs, as the info endpoint lists it and a paused step demands it. */
export interface SecretDeclaration {
  name: string;
  description: string;
}

/** A function the client may execute on the user's behalf (OpenAI function shape, seed 002). */
export interface ClientFunction {
  /** Letters, digits, `_` and `-`, at most 64. */
  name: string;
  description: string;
  /** JSON Schema of the arguments; every call's arguments are validated against it. */
  parameters: Record<string, unknown>;
}

/** What a handler receives besides its input. */
export interface HandlerContext {
  /** Who is calling: `{ id, claims }` (`id` is `anonymous` when auth is off). */
  principal: Principal;
  /** The resolved configuration: the client's values over the declared defaults. */
  config: Record<string, unknown>;
  artifacts: {
    /** Writes a real, downloadable artifact owned by this task (and this step, in a step). */
    create(input: CreateArtifactInput): Promise<Artifact>;
  };
  secrets: {
    /** The caller's stored value for `key`, or undefined. */
    get(key: string): Promise<string | undefined>;
    /**
     * The values of every key, or — if any is not stored — the step ends at once (in a step
     * handler only), naming the missing ones in `secret_demands`. The next step runs the handler
     * again once the client has stored them. Keys declared in the agent's `secrets` take their
     * name and description from there; others may be given as `{ key, name, description }`.
     * Rejects with a `SecretDeclinedError` when the user declined a missing key in this task
     * (`declined_secrets`): catch it to go on without the secret.
     */
    require(...keys: SecretRequest[]): Promise<Record<string, string>>;
    /**
     * Like `require`, for secrets the agent can do without: a key the user declined in this task
     * comes back `undefined` instead of rejecting. Missing keys not declined still pause the step.
     */
    request(...keys: SecretRequest[]): Promise<Record<string, string | undefined>>;
  };
  functions: {
    /** Whether the client opted in to this function when it created the task. */
    available(name: string): boolean;
    /**
     * Asks the client to run a function: the step ends at once with the call in
     * `function_calls`; when the next step brings the result, the handler runs again and this
     * call returns the output (or rejects with a `FunctionCallError` for an error or a refusal).
     * Throws if the task did not opt in to `name` or the arguments don't match its parameters.
     */
    call(name: string, args: Record<string, unknown>): Promise<unknown>;
  };
  oauth: {
    /**
     * A valid access token of the caller at `provider` (one of the agent's `oauthProviders`),
     * for acting on the user's behalf there. A stored token about to expire is refreshed first
     * (with its refresh token). When the caller has none, or its grant lacks a scope named in
     * `options.scopes` (the provider's `scopes` are asked for, not required: a provider or user
     * may grant less), or the provider refuses the refresh, the step ends at once (in a step
     * handler only) with an `auth_demands` entry: a link where the user signs in at the provider
     * (authorization code flow with PKCE). The next step runs the handler again, and this call
     * returns the token the sign-in stored. Tokens are stored as the caller's secret
     * `oauth.<provider>` (sealed, never returned or logged); never put one in an output, an
     * artifact or an error.
     */
    token(provider: string, options?: { scopes?: string[] }): Promise<string>;
  };
  /** The one logger: secret values are masked in everything written through it. */
  log: { info(message: string): void; error(message: string, error?: unknown): void };
  /** True when this run resumes work a previous step paused (same input, run again). */
  resumed: boolean;
  /** True when no step of this task was recorded before this one. */
  firstStep: boolean;
  /**
   * The step's output, as it is produced: each `write` is an `output.delta` event subscribers
   * see at once; the step's final `output` is everything written (then what the handler returns,
   * where it does not repeat it). Resolves once the text is stored.
   */
  output: { write(text: string): Promise<void> };
  /** Aborted when the client cancels the step or the server shuts down: stop work early. */
  signal: AbortSignal;
}

/** A secret asked for: a key declared in the agent's `secrets`, or a demand spelled out. */
export type SecretRequest = string | { key: string; name: string; description: string };

/** What a step handler returns; every field is optional. */
export interface StepResult {
  output?: string | null;
  /** Whether this step finishes the task. @default false */
  is_last?: boolean;
  name?: string | null;
  additional_output?: Record<string, unknown> | null;
}

export interface TaskHandlerArgs {
  task: Task;
  ctx: HandlerContext;
}

export interface StepHandlerArgs {
  task: Task;
  /** The step as recorded so far (status `running`). */
  step: Step;
  input: string | null;
  additional_input: Record<string, unknown> | undefined;
  ctx: HandlerContext;
}

/** An agent: its public description and the code that runs its tasks and steps. */
export interface AgentDefinition {
  info: AgentInfoInput;
  /** Options a client may set per task, step or artifact. */
  configOptions?: Record<string, ConfigOption>;
  /** Secrets the agent needs, by key (`SLACK_API_KEY`); listed by the info endpoint. */
  secrets?: Record<string, SecretDeclaration>;
  /** Functions a client may execute for it; listed by the info endpoint. */
  clientFunctions?: ClientFunction[];
  /**
   * Third-party services that speak OAuth2, by name (`github`), which a step may ask the user to
   * sign in to (`ctx.oauth.token(name)`); listed by the info endpoint (names, scopes and
   * descriptions only). Needs `oauth.redirectBaseUrl` in `createAgentProtocol`'s options, or a
   * `redirectUri` per provider.
   */
  oauthProviders?: Record<string, OAuthProvider>;
  /** Runs when a task is created, before the response. Optional. */
  onTask?(args: TaskHandlerArgs): Promise<void> | void;
  /**
   * Runs each step. It may also return an async iterable of text: each chunk is written to
   * `ctx.output` as it comes, and the step completes when the iterable ends.
   */
  onStep(
    args: StepHandlerArgs,
  ): Promise<StepResult | AsyncIterable<string>> | StepResult | AsyncIterable<string>;
}

/** Declares an agent. An identity function that exists for type inference and validation. */
export function defineAgent(definition: AgentDefinition): AgentDefinition {
  return definition;
}
