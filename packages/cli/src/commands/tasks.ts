import type { Command } from '../command.js';
import { connect, CONNECTION_OPTIONS } from '../connection.js';
import { positionals } from '../arguments.js';
import { EXIT } from '../exit-codes.js';
import { collect, oneLine, printList } from '../output.js';

const HELP = `Usage: agent-protocol tasks list [--json] [--url URL] [credentials]

Lists every task of the server (your own, when it requires credentials), oldest first: its id,
its input and how many artifacts it has. --json prints the tasks as a JSON array.

Exit codes: 0 listed; 1 an error; 2 a wrong command line.`;

export const tasksListCommand: Command = {
  name: 'tasks list',
  synopsis: 'tasks list',
  summary: 'the tasks of the server (yours, with credentials)',
  help: HELP,
  options: [...CONNECTION_OPTIONS, 'json'],
  async run(args, rest) {
    positionals(rest, 'tasks list', []);
    const { client } = await connect(args, process.env);
    const tasks = await collect(client.tasks.list({ pageSize: 100 }));
    printList(args.values.json === true, tasks, 'tasks', ['TASK', 'ARTIFACTS', 'INPUT'], (t) => [
      t.task_id,
      String(t.artifacts.length),
      oneLine(t.input),
    ]);
    return EXIT.ok;
  },
};
