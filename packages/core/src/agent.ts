import type { Readable } from 'node:stream';
import type { Schemas } from '@agent-protocol/spec';
import type { Principal } from './auth/types.js';

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
}

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
  /** Runs when a task is created, before the response. Optional. */
  onTask?(args: TaskHandlerArgs): Promise<void> | void;
  /** Runs each step. */
  onStep(args: StepHandlerArgs): Promise<StepResult> | StepResult;
}

/** Declares an agent. An identity function that exists for type inference and validation. */
export function defineAgent(definition: AgentDefinition): AgentDefinition {
  return definition;
}
