import type { AgentProtocolClient, RunOptions, Step } from '@agent-protocol/client';
import type { Command } from '../command.js';
import { connect, CONNECTION_OPTIONS } from '../connection.js';
import { downloadArtifacts } from '../downloads.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { optedInFunctions, unavailableFunctions } from '../functions.js';
import { positiveInteger, stringOption, type ParsedArgs } from '../options.js';
import { printJson } from '../output.js';
import { askHidden, askLine, confirm } from '../terminal/prompt.js';
import { createRunView, type RunView } from './run-view.js';

const HELP = `Usage: agent-protocol run [options] "input"
       agent-protocol run [options] --task TASK_ID ["input"]

Creates a task with the input and drives it the way benchmarks do: empty steps until a step is
the last (is_last), at most --max-steps of them. The agent's output streams to stdout as it
comes; the task, its artifacts, secrets and function calls are reported on stderr, with a
spinner while waiting (when stderr is a terminal).

When the agent asks for a secret it does not have, you are asked for its value at a hidden
prompt (nothing you type is shown); an empty line declines it. The value goes to the server's
secrets store, never into a step. Without a terminal the demand is declined: store the secret
first with \`agent-protocol secrets set KEY\`. When the agent asks you to sign in (OAuth), the
link is printed and the run waits until the sign-in is done.

Options:
  --max-steps N        send at most N steps (default 50); exit code 3 when the task has not
                       ended by then (it stays open: resume it with --task)
  --task TASK_ID       resume an existing task instead of creating one
  --interactive        type each next step's input yourself (a terminal is needed); an empty
                       line sends an empty step, Ctrl-D stops (the task stays open)
  --functions all|NAME,NAME
                       opt the task in to client functions the agent declares, so that you
                       see each call and approve or refuse it (y/N). This command line executes
                       no function itself: an approved call is answered with an error saying so
  --out DIR            download the task's artifacts into DIR at the end (relative_path kept)
  --json               print one JSON document at the end instead of the live text:
                       {task, steps, ended, artifacts, downloads}
  --url URL, --token TOKEN, --api-key KEY, --user USER: see agent-protocol --help

Exit codes: 0 the task ended; 1 an error; 2 a wrong command line; 3 --max-steps reached;
130 interrupted (Ctrl-C cancels the running step).

Examples:
  agent-protocol run --url http://127.0.0.1:8000 "write 'hi' to file 'a.txt'" --out ./out
  AGENT_PROTOCOL_URL=http://127.0.0.1:8000 agent-protocol run --json "finish" | jq .ended`;

/** Secrets the agent demands: asked at a hidden prompt, declined without a terminal. */
function secretProvider(view: RunView): NonNullable<RunOptions['secrets']> {
  return async (demand) => {
    const what = `${demand.key}${demand.name && demand.name !== demand.key ? ` (${demand.name})` : ''}`;
    if (!process.stdin.isTTY) {
      view.note(
        `The agent needs the secret ${what}; declined, as there is no terminal to ask in. Store it first: agent-protocol secrets set ${demand.key}`,
      );
      return undefined;
    }
    view.pause();
    view.note(
      `The agent needs the secret ${what}${demand.description ? `: ${demand.description}` : '.'}`,
    );
    const value = await askHidden(`Value of ${demand.key} (hidden; an empty line declines): `);
    return value === undefined || value === '' ? undefined : value;
  };
}

/** Each function call: y/N on the terminal; refused without one. */
function approver(view: RunView): NonNullable<RunOptions['approve']> {
  return async (call) => {
    const shown = `${call.name}(${JSON.stringify(call.arguments)})`;
    if (!process.stdin.isTTY) {
      view.note(`The agent calls ${shown}; refused, as there is no terminal to ask in.`);
      return false;
    }
    view.pause();
    view.note(
      `The agent calls ${shown}. This command line cannot execute it: approving answers the agent that it could not be done, refusing that you said no.`,
    );
    return confirm(`Approve ${call.name}?`);
  };
}

interface Interactive {
  nextInput: NonNullable<RunOptions['nextInput']>;
  /** The user ended the session (Ctrl-D): not an interruption. */
  ended(): boolean;
}

function interactive(view: RunView, controller: AbortController): Interactive {
  let ended = false;
  return {
    ended: () => ended,
    async nextInput(_step: Step) {
      view.pause();
      const line = await askLine('next input (empty: an empty step; Ctrl-D: stop)> ');
      if (line === undefined) {
        ended = true;
        controller.abort();
        return null;
      }
      return line === '' ? null : line;
    },
  };
}

/** Ctrl-C cancels the running step (the run ends 'cancelled'); a second one leaves at once. */
function onInterrupt(controller: AbortController, view: RunView): () => void {
  const handler = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    view.note('Cancelling the running step… (Ctrl-C again to leave at once)');
    controller.abort();
  };
  process.on('SIGINT', handler);
  return () => process.off('SIGINT', handler);
}

function readArguments(args: ParsedArgs, rest: string[]) {
  if (rest.length > 1) {
    throw new UsageError(`run takes one input; quote it: agent-protocol run "${rest.join(' ')}"`);
  }
  const taskId = stringOption(args, 'task');
  const input = rest[0];
  if (input === undefined && taskId === undefined) {
    throw new UsageError('run needs an input ("...") or --task TASK_ID to resume a task.');
  }
  const interactiveMode = args.values.interactive === true;
  if (interactiveMode && !process.stdin.isTTY) {
    throw new UsageError('--interactive needs a terminal to type in (stdin is not one).');
  }
  return {
    input,
    taskId,
    interactive: interactiveMode,
    maxSteps: positiveInteger(stringOption(args, 'max-steps') ?? '50', 'max-steps'),
    out: stringOption(args, 'out'),
    json: args.values.json === true,
    functions: stringOption(args, 'functions'),
  };
}

async function drive(
  client: AgentProtocolClient,
  a: ReturnType<typeof readArguments>,
  view: RunView,
): Promise<number> {
  const functions = await optedInFunctions(client, a.functions);
  const controller = new AbortController();
  const session = a.interactive ? interactive(view, controller) : undefined;
  const release = onInterrupt(controller, view);
  try {
    const result = await client.run(a.input ?? null, {
      ...(a.taskId !== undefined && { taskId: a.taskId }),
      ...(functions.length > 0 && {
        task: { client_functions: functions },
        functions: unavailableFunctions(functions),
        approve: approver(view),
      }),
      maxSteps: a.maxSteps,
      signal: controller.signal,
      onEvent: (event) => view.onEvent(event),
      secrets: secretProvider(view),
      onAuthDemand: (demand) =>
        view.note(
          `Sign in to ${demand.provider}: open ${demand.authorization_url}\nWaiting until the sign-in is done (the next step no longer asks)…`,
        ),
      ...(session && { nextInput: session.nextInput }),
    });
    const downloads =
      a.out === undefined
        ? []
        : await downloadArtifacts(client, result.task.task_id, result.artifacts, a.out);
    view.finish(result, downloads);
    if (a.json) printJson({ ...result, downloads });
    const id = result.task.task_id;
    const steps = `${result.steps.length} step${result.steps.length === 1 ? '' : 's'}`;
    if (result.ended === 'finished') {
      if (!a.json) view.note(`Task ${id} ended after ${steps}.`);
      return EXIT.ok;
    }
    if (result.ended === 'max_steps') {
      view.note(
        `Stopped after ${steps} (--max-steps ${a.maxSteps}): task ${id} has not ended. Resume it: agent-protocol run --task ${id}`,
      );
      return EXIT.maxSteps;
    }
    if (session?.ended()) {
      view.note(`Stopped. Task ${id} stays open: agent-protocol run --task ${id} --interactive`);
      return EXIT.ok;
    }
    view.note(`Interrupted: task ${id} stays open.`);
    return EXIT.interrupted;
  } finally {
    release();
    view.stop();
  }
}

export const runCommand: Command = {
  name: 'run',
  synopsis: 'run "input"',
  summary: 'create a task and run it to its end, live',
  help: HELP,
  options: [...CONNECTION_OPTIONS, 'max-steps', 'task', 'interactive', 'functions', 'out', 'json'],
  async run(args, rest) {
    const a = readArguments(args, rest);
    const { client } = await connect(args, process.env);
    return drive(client, a, createRunView(a.json));
  },
};
