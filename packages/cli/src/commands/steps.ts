import type { Step } from '@agent-protocol/client';
import type { Command } from '../command.js';
import { connect, CONNECTION_OPTIONS } from '../connection.js';
import { positionals } from '../arguments.js';
import { EXIT } from '../exit-codes.js';
import { collect, oneLine, printList } from '../output.js';

const HELP = `Usage: agent-protocol steps list TASK_ID [--json] [--url URL] [credentials]

Lists the steps of a task in the order they ran: id, status (and how a completed step ended:
succeeded, failed, cancelled), whether it was the last, its input and output. --json prints the
steps as a JSON array.

Exit codes: 0 listed; 1 an error (an unknown task: 404); 2 a wrong command line.`;

/** `completed` with how it ended, when the server says (PROTOCOL.md section 8). */
function status(step: Step): string {
  return step.status === 'completed' && step.outcome ? `completed/${step.outcome}` : step.status;
}

export const stepsListCommand: Command = {
  name: 'steps list',
  synopsis: 'steps list TASK_ID',
  summary: 'the steps of a task',
  help: HELP,
  options: [...CONNECTION_OPTIONS, 'json'],
  async run(args, rest) {
    const [taskId] = positionals(rest, 'steps list', ['TASK_ID']);
    const { client } = await connect(args, process.env);
    const steps = await collect(client.steps.list(taskId!, { pageSize: 100 }));
    const header = ['STEP', 'STATUS', 'LAST', 'INPUT', 'OUTPUT'];
    printList(args.values.json === true, steps, 'steps', header, (s) => [
      s.step_id,
      status(s),
      s.is_last ? 'last' : '',
      oneLine(s.input, 30),
      oneLine(s.output, 50),
    ]);
    return EXIT.ok;
  },
};
