import type { Artifact, RunEvent, RunResult, Step } from '@agent-protocol/client';
import type { Download } from '../downloads.js';
import { createSpinner } from '../terminal/spinner.js';

/**
 * What `run` shows while a task runs: the agent's output on stdout as it streams, everything
 * about the run (the task, artifacts, secrets, function calls, sign-in links) on stderr, and a
 * spinner on stderr while waiting. With `--json` stdout holds only the final document.
 */
export interface RunView {
  onEvent(event: RunEvent): void;
  /** A line about the run, on stderr (also with --json: prompts and links must reach the user). */
  note(text: string): void;
  /** Stops the spinner and ends the output's line, before a prompt. */
  pause(): void;
  /** The end: the artifacts and where they went. */
  finish(result: RunResult, downloads: readonly Download[]): void;
  stop(): void;
}

export function createRunView(json: boolean): RunView {
  const spinner = createSpinner();
  // Whether the agent's text on stdout ended its line: the spinner and notes need a line of their own.
  let atLineStart = true;
  const endLine = () => {
    if (!atLineStart) process.stdout.write('\n');
    atLineStart = true;
  };
  const wait = () => {
    if (atLineStart) spinner.start('waiting for the agent…');
  };
  const note = (text: string) => {
    spinner.stop();
    endLine();
    process.stderr.write(`${text}\n`);
  };
  const stepDone = (step: Step) => {
    endLine();
    if (step.outcome === 'failed') {
      note(
        `Step failed: ${step.error?.message ?? 'the agent failed'} (${step.error?.code ?? 'no code'}).`,
      );
    } else if (step.outcome === 'cancelled') note('Step cancelled.');
  };

  return {
    note,
    pause() {
      spinner.stop();
      endLine();
    },
    stop() {
      spinner.stop();
      endLine();
    },
    onEvent(event) {
      switch (event.type) {
        case 'task':
          if (!json) note(`Task ${event.task.task_id}`);
          break;
        case 'step':
          if (event.step.status === 'completed') stepDone(event.step);
          break;
        case 'output':
          if (json || event.text === '') break;
          spinner.stop();
          process.stdout.write(event.text);
          atLineStart = event.text.endsWith('\n');
          return;
        case 'artifact':
          if (!json) note(`Artifact: ${describe(event.artifact)}`);
          break;
        case 'secret':
          if (!json)
            note(event.provided ? `Secret ${event.key} stored.` : `Secret ${event.key} declined.`);
          break;
        case 'function':
          if (!json)
            note(`Function call ${event.call.name}: ${event.approved ? 'approved' : 'refused'}.`);
          break;
        default:
          break;
      }
      wait();
    },
    finish(result, downloads) {
      spinner.stop();
      endLine();
      if (json) return;
      if (result.artifacts.length > 0) {
        const saved = new Map(downloads.map((d) => [d.artifact_id, d.path]));
        process.stdout.write('Artifacts:\n');
        for (const a of result.artifacts) {
          const path = saved.get(a.artifact_id);
          process.stdout.write(`  ${describe(a)}${path ? ` → ${path}` : ''}\n`);
        }
      }
    },
  };
}

/** `out/a.txt (3f2…)`: the name a user recognises, and the id the other commands take. */
export const describe = (a: Artifact) =>
  `${a.relative_path ? `${a.relative_path}/` : ''}${a.file_name} (${a.artifact_id})`;
