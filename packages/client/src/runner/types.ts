import type { Artifact, AuthDemand, FunctionCall, Step, Task, TaskRequestBody } from '../types.js';

/** Answers a secret demand: the value, or undefined to decline it. */
export type SecretProvider = (demand: {
  key: string;
  name?: string;
  description?: string;
}) => Promise<string | undefined> | string | undefined;

/** A function the client executes for the agent (PROTOCOL.md section 5). */
export type ClientFunctionImplementation = (
  args: Record<string, unknown>,
) => unknown | Promise<unknown>;

/** Options of `client.run`. */
export interface RunOptions {
  /**
   * Options of the task: `additional_input`, `client_functions` (names are taken from
   * `functions` by default, those the agent declares when its info lists them).
   */
  task?: TaskRequestBody;
  /** Resume an existing task instead of creating one (then a non-null `input` is the first step's). */
  taskId?: string;
  /** Everything that happens, as it happens (see {@link RunEvent}). */
  onEvent?: (event: RunEvent) => void;
  /**
   * Answers secret demands: a map key→value (a key it lacks is declined), or a provider
   * returning the value (undefined = decline). Values go to `POST /secrets`, never into a step.
   */
  secrets?: Record<string, string> | SecretProvider;
  /** Client-executed functions by name (PROTOCOL.md section 5). */
  functions?: Record<string, ClientFunctionImplementation>;
  /**
   * Manual mode: asked before each function call; false = declined (the result posted says so:
   * `refused: true`). Absent = continuous mode: every call runs.
   */
  approve?: (call: Pick<FunctionCall, 'id' | 'name' | 'arguments'>) => boolean | Promise<boolean>;
  /**
   * OAuth auth demands (PROTOCOL.md section 10): called once per provider with its demand; the
   * runner then keeps sending empty steps until a step no longer asks: after 1 s, 2 s, 4 s, then
   * every 5 s. These steps count towards `maxSteps`.
   */
  onAuthDemand?: (demand: AuthDemand) => void | Promise<void>;
  /**
   * Next input after each step when not last (interactive); absent = empty steps until
   * `is_last` (benchmark mode). A null input sends an empty step.
   */
  nextInput?: (step: Step) => Promise<string | null> | string | null;
  /** Bound on steps sent. @default 50 */
  maxSteps?: number;
  /** Stops the run: cancels the running background step; the run ends 'cancelled'. */
  signal?: AbortSignal;
}

/** What `onEvent` is told, in order. */
export type RunEvent =
  | { type: 'task'; task: Task }
  /** Each step as it starts (running, background steps only) and as it completes. */
  | { type: 'step'; step: Step }
  /** Streamed output deltas (or the whole output of a v1 step). */
  | { type: 'output'; stepId: string; text: string }
  | { type: 'artifact'; artifact: Artifact }
  | { type: 'secret'; key: string; provided: boolean }
  | { type: 'function'; call: { id: string; name: string }; approved: boolean }
  | { type: 'auth'; demand: { provider: string; authorization_url: string } }
  /** Nothing is happening (a spinner may show): waiting for a sign-in. */
  | { type: 'waiting' };

/** How a run went. */
export interface RunResult {
  /** The task, as it is at the end. */
  task: Task;
  /** Every step sent, as completed (a cancelled one as the cancel answered it). */
  steps: Step[];
  /** 'finished': a step was is_last; 'max_steps': the bound was hit; 'cancelled': signal. */
  ended: 'finished' | 'max_steps' | 'cancelled';
  /** The task's artifacts at the end. */
  artifacts: Artifact[];
}
