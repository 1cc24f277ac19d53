import { setTimeout as sleep } from 'node:timers/promises';
import {
  defineAgent,
  FunctionCallError,
  SecretDeclinedError,
  type AgentDefinition,
  type ClientFunction,
  type HandlerContext,
  type OAuthProvider,
  type SecretDeclaration,
  type StepResult,
} from '@agent-protocol/core';

/**
 * The deterministic agent every conformance case is written against: no model, no randomness,
 * so a case can say exactly what a step answers. README.md has the behaviour table.
 */

// `write '<text>' to file '<name>'`, either quote, optional "the", optional " and fail".
const WRITE =
  /^\s*write\s+(['"])([\s\S]*?)\1\s+to\s+(?:the\s+)?file\s+(['"])(.+?)\3(\s+and\s+fail)?\s*\.?\s*$/i;
const FINISH = /^\s*finish\s*$/i;
const FAIL = /^\s*(?:fail|raise)\s*$/i;
// Shows which principal the server handed the agent: how the auth cases see who a credential is.
const WHOAMI = /^\s*whoami\s*$/i;
// `use secret <KEY>` (optionally ` and fail`): the key as written (keys are case-sensitive).
const USE_SECRET = /^\s*use\s+secret\s+(\S+?)(\s+and\s+fail)?\s*$/i;
// The spec's SecretKey pattern: a key outside it could never be stored, so it is never demanded.
const SECRET_KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;
// `stream <n> <ms>`: n deltas "1 ", "2 ", ... one every ms milliseconds (PROTOCOL.md section 8).
const STREAM = /^\s*stream\s+(\d{1,4})\s+(\d{1,5})\s*$/i;
// `call <function> <json arguments>`; no arguments at all means `{}`.
const CALL = /^\s*call\s+(\S+)(?:\s+([\s\S]*?))?\s*$/i;
// `use oauth <provider>`: a token of the caller at one of the agent's OAuth providers (section 10).
const USE_OAUTH = /^\s*use\s+oauth\s+(\S+)\s*$/i;

/** The secret the reference agent declares (listed by the info endpoint). */
export const REFERENCE_SECRETS: Record<string, SecretDeclaration> = {
  REFERENCE_API_KEY: {
    name: 'Reference API key',
    description:
      'The key the reference agent uses when a step says "use secret REFERENCE_API_KEY".',
  },
};

/** The functions the reference agent may ask a client to run (listed by the info endpoint). */
export const REFERENCE_CLIENT_FUNCTIONS: ClientFunction[] = [
  {
    name: 'send_email',
    description: "Send an email from the user's mailbox.",
    parameters: {
      type: 'object',
      properties: {
        to: { type: 'string', description: 'The recipient address.' },
        subject: { type: 'string', description: 'The subject line.' },
        body: { type: 'string', description: 'The text of the email.' },
      },
      required: ['to', 'subject'],
      additionalProperties: false,
    },
  },
  {
    name: 'get_time',
    description: "The current time on the user's machine.",
    parameters: { type: 'object', properties: {}, additionalProperties: false },
  },
];

type Verbosity = 'quiet' | 'normal' | 'loud';

function say(text: string, config: Record<string, unknown>): string {
  const verbosity = config.verbosity as Verbosity;
  if (verbosity === 'quiet') return text;
  const spoken = `${String(config.greeting)}. ${text}`;
  return verbosity === 'loud' ? spoken.toUpperCase() : spoken;
}

/** `out/a.txt` → relative path `out`, file name `a.txt`: artifact names never hold a `/`. */
function splitName(name: string): { fileName: string; relativePath: string | null } {
  const slash = name.lastIndexOf('/');
  return slash === -1
    ? { fileName: name, relativePath: null }
    : { fileName: name.slice(slash + 1), relativePath: name.slice(0, slash) };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Why `args` do not fit the function's parameters, or undefined. The agent checks them itself
 * (its schemas are flat objects of strings), so a bad `call` is an answer, never a 500.
 */
function argumentProblem(fn: ClientFunction, args: Record<string, unknown>): string | undefined {
  const { properties = {}, required = [] } = fn.parameters as {
    properties?: Record<string, { type: string }>;
    required?: string[];
  };
  for (const name of required) if (!(name in args)) return `'${name}' is required`;
  for (const [name, value] of Object.entries(args)) {
    if (!Object.hasOwn(properties, name)) return `'${name}' is not one of its parameters`;
    if (typeof value !== properties[name]!.type)
      return `'${name}' must be a ${properties[name]!.type}`;
  }
  return undefined;
}

/**
 * `use secret <KEY>`: the text to say, or the step pauses (in `require`) demanding the key; when
 * the user declined it in this task, the agent goes on without it (seed 001's "No Slack API key
 * provided"). With `andFail`, it throws once the value is there, an error quoting it (a handler's
 * other mistake).
 */
async function useSecret(key: string, andFail: boolean, ctx: HandlerContext): Promise<string> {
  if (!SECRET_KEY.test(key)) return `'${key}' is not a valid secret key.`;
  const wanted = Object.hasOwn(REFERENCE_SECRETS, key)
    ? key // declared: the core takes the name and description from the declaration
    : { key, name: key, description: `The secret ${key}, asked for by "use secret ${key}".` };
  let value: string;
  try {
    value = (await ctx.secrets.require(wanted))[key]!;
  } catch (error) {
    if (!(error instanceof SecretDeclinedError)) throw error;
    return `No secret ${key} provided: going on without it.`;
  }
  // On purpose, the mistake a handler makes: the value in a log line. The server's one logger
  // must mask it; the secret scenarios grep the log (and the data dir) for it.
  ctx.log.info(`use secret ${key}: the value is ${value}`);
  if (andFail) throw new ReferenceAgentFailure(`using ${key}, whose value is ${value}`);
  return `Secret ${key} is available (${[...value].length} characters).`;
}

/** `call <function> <json>`: the text to say, or the step pauses (in `call`) for the result. */
async function callFunction(name: string, argsText: string, ctx: HandlerContext): Promise<string> {
  const fn = REFERENCE_CLIENT_FUNCTIONS.find((f) => f.name === name);
  if (!fn) return `${name} is not a function this agent declares.`;
  if (!ctx.functions.available(name))
    return `This task did not opt in to ${name}, so the client cannot be asked to run it.`;
  let args: unknown;
  try {
    args = argsText.trim() === '' ? {} : JSON.parse(argsText);
  } catch {
    return `Cannot call ${name}: the arguments are not valid JSON.`;
  }
  if (!isObject(args)) return `Cannot call ${name}: the arguments must be a JSON object.`;
  const problem = argumentProblem(fn, args);
  if (problem) return `Cannot call ${name}: ${problem}.`;
  try {
    const output = await ctx.functions.call(name, args);
    return `${name} returned ${JSON.stringify(output) ?? 'nothing'}.`;
  } catch (error) {
    if (!(error instanceof FunctionCallError)) throw error;
    if (error.reason === 'refused') return `The user refused to run ${name}.`;
    // The core's message quotes the client's error after this prefix; the agent says it its way.
    const prefix = `${name} failed on the client: `;
    const text = error.message.startsWith(prefix)
      ? error.message.slice(prefix.length)
      : error.message;
    return `${name} failed on the client: ${text}`;
  }
}

/**
 * `use oauth <provider>`: the caller's access token at the provider, or the step pauses (in
 * `token`) with a sign-in link. It says only how long the token is: a token never goes into an
 * output, an artifact or a log line.
 */
async function useOAuth(
  provider: string,
  providers: Record<string, OAuthProvider>,
  ctx: HandlerContext,
): Promise<string> {
  if (!Object.hasOwn(providers, provider)) {
    return `${provider} is not an OAuth provider this agent declares.`;
  }
  const token = await ctx.oauth.token(provider);
  return `Signed in to ${provider} (token of ${token.length} characters).`;
}

/** In the message of every error the reference agent throws: a server must never send it on. */
export const LEAK_MARKER = 'REFERENCE-AGENT-INTERNAL-DETAIL';

/** Thrown on purpose by `fail`. */
export class ReferenceAgentFailure extends Error {
  constructor(what: string) {
    super(`reference agent failed on purpose (${what}): ${LEAK_MARKER}`);
    this.name = 'ReferenceAgentFailure';
  }
}

/** What a reference agent is made with. */
export interface ReferenceAgentOptions {
  /**
   * The OAuth providers `use oauth <provider>` may sign the user in to (PROTOCOL.md section 10),
   * listed by the info endpoint. The server then needs `oauth.redirectBaseUrl` (or each
   * provider's `redirectUri`).
   * @default none (`use oauth <provider>` says the provider is not declared)
   */
  oauthProviders?: Record<string, OAuthProvider>;
}

/**
 * A fresh reference agent. Its only state is in memory and per task: how many steps it has run
 * (`additional_output.step_index`) and how many were running at once (`additional_output.in_flight`,
 * which is 1 whenever the server applies a task's steps one at a time).
 */
export function createReferenceAgent(options: ReferenceAgentOptions = {}): AgentDefinition {
  const providers = options.oauthProviders ?? {};
  const stepsRun = new Map<string, number>();
  const running = new Map<string, number>();

  return defineAgent({
    info: {
      name: 'reference-agent',
      version: '1.0.0',
      description: 'The deterministic agent of the Agent Protocol conformance fixture.',
      protocol: 1,
    },
    secrets: REFERENCE_SECRETS,
    clientFunctions: REFERENCE_CLIENT_FUNCTIONS,
    ...(options.oauthProviders && { oauthProviders: options.oauthProviders }),
    configOptions: {
      greeting: {
        type: 'string',
        default: 'Hello',
        description: 'How every answer starts (except when quiet).',
        scope: ['task', 'step'],
      },
      verbosity: {
        type: 'string',
        default: 'normal',
        description: 'quiet drops the greeting; loud upper-cases the whole answer.',
        options: ['quiet', 'normal', 'loud'],
        scope: ['step'],
      },
      delay_ms: {
        type: 'integer',
        default: 0,
        description:
          'Milliseconds each step waits before answering (to make overlapping steps observable).',
        scope: ['task', 'step'],
      },
    },
    onTask({ task }) {
      if (task.input != null && FAIL.test(task.input)) throw new ReferenceAgentFailure('task');
    },
    async onStep({ task, input, ctx }): Promise<StepResult> {
      const taskId = task.task_id;
      const inFlight = (running.get(taskId) ?? 0) + 1;
      running.set(taskId, inFlight);
      const stepIndex = (stepsRun.get(taskId) ?? 0) + 1;
      stepsRun.set(taskId, stepIndex);
      try {
        const delay = Math.max(0, ctx.config.delay_ms as number);
        // No timer at all without a delay: a step then costs no extra turn of the event loop.
        if (delay > 0) await sleep(delay);
        const additional_output = { step_index: stepIndex, in_flight: inFlight };
        // The benchmark flow (PROTOCOL.md section 11): the task's first step, empty, acts on the
        // task's input and ends the task; so does the resumed work of such a step after a pause
        // (only this flow pauses on an empty input).
        if (isBlank(input) && !isBlank(task.input) && (ctx.firstStep || ctx.resumed)) {
          const result = await act(task.input!, ctx, additional_output, providers);
          return { ...result, is_last: true };
        }
        return await act(input ?? '', ctx, additional_output, providers);
      } finally {
        const left = (running.get(taskId) ?? 1) - 1;
        if (left === 0) running.delete(taskId);
        else running.set(taskId, left);
      }
    },
  });
}

const isBlank = (text: string | null | undefined) => text == null || text.trim() === '';

/** What the reference agent does with a step's words (README.md has the table). */
async function act(
  text: string,
  ctx: HandlerContext,
  additional_output: Record<string, number>,
  providers: Record<string, OAuthProvider>,
): Promise<StepResult> {
  const write = WRITE.exec(text);
  if (write) {
    const [, , content = '', , name = '', andFail] = write;
    await ctx.artifacts.create({ ...splitName(name), data: content });
    if (andFail) throw new ReferenceAgentFailure('after writing');
    const bytes = Buffer.byteLength(content);
    return {
      name: 'write_file',
      output: say(`Wrote ${bytes} bytes to '${name}'.`, ctx.config),
      additional_output,
    };
  }
  if (FINISH.test(text)) {
    return {
      name: 'finish',
      output: say('Done.', ctx.config),
      is_last: true,
      additional_output,
    };
  }
  if (WHOAMI.test(text)) {
    const you = `You are ${ctx.principal.id}.`;
    return { name: 'whoami', output: say(you, ctx.config), additional_output };
  }
  const secret = USE_SECRET.exec(text);
  if (secret) {
    const said = await useSecret(secret[1]!, secret[2] !== undefined, ctx);
    return { name: 'use_secret', output: say(said, ctx.config), additional_output };
  }
  const login = USE_OAUTH.exec(text);
  if (login) {
    const said = await useOAuth(login[1]!, providers, ctx);
    return { name: 'use_oauth', output: say(said, ctx.config), additional_output };
  }
  const call = CALL.exec(text);
  if (call) {
    const said = await callFunction(call[1]!, call[2] ?? '', ctx);
    return { name: 'call_function', output: say(said, ctx.config), additional_output };
  }
  const stream = STREAM.exec(text);
  if (stream) {
    // Stops at the next delta once cancelled; what was written stays the step's output.
    for (let i = 1; i <= Number(stream[1]) && !ctx.signal.aborted; i++) {
      await sleep(Number(stream[2]), undefined, { signal: ctx.signal }).catch(() => undefined);
      if (ctx.signal.aborted) break;
      await ctx.output.write(`${i} `);
    }
    return { name: 'stream', additional_output };
  }
  if (FAIL.test(text)) throw new ReferenceAgentFailure('step');
  const echo = text === '' ? 'You said nothing.' : `You said: ${text}`;
  return { name: 'echo', output: say(echo, ctx.config), additional_output };
}

/** A shared reference agent, for apps and examples. Tests that count steps want their own. */
export const referenceAgent: AgentDefinition = createReferenceAgent();
