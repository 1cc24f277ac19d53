import { setTimeout as sleep } from 'node:timers/promises';
import { defineAgent, type AgentDefinition, type StepResult } from '@agent-protocol/core';

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

/** In the message of every error the reference agent throws: a server must never send it on. */
export const LEAK_MARKER = 'REFERENCE-AGENT-INTERNAL-DETAIL';

/** Thrown on purpose by `fail`. */
export class ReferenceAgentFailure extends Error {
  constructor(what: string) {
    super(`reference agent failed on purpose (${what}): ${LEAK_MARKER}`);
    this.name = 'ReferenceAgentFailure';
  }
}

/**
 * A fresh reference agent. Its only state is in memory and per task: how many steps it has run
 * (`additional_output.step_index`) and how many were running at once (`additional_output.in_flight`,
 * which is 1 whenever the server applies a task's steps one at a time).
 */
export function createReferenceAgent(): AgentDefinition {
  const stepsRun = new Map<string, number>();
  const running = new Map<string, number>();

  return defineAgent({
    info: {
      name: 'reference-agent',
      version: '1.0.0',
      description: 'The deterministic agent of the Agent Protocol conformance fixture.',
      protocol: 1,
    },
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
        await sleep(delay);
        const text = input ?? '';
        const additional_output = { step_index: stepIndex, in_flight: inFlight };

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
        if (FAIL.test(text)) throw new ReferenceAgentFailure('step');
        const echo = text === '' ? 'You said nothing.' : `You said: ${text}`;
        return { name: 'echo', output: say(echo, ctx.config), additional_output };
      } finally {
        const left = (running.get(taskId) ?? 1) - 1;
        if (left === 0) running.delete(taskId);
        else running.set(taskId, left);
      }
    },
  });
}

/** A shared reference agent, for apps and examples. Tests that count steps want their own. */
export const referenceAgent: AgentDefinition = createReferenceAgent();
