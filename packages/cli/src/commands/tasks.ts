import type { Command } from '../command.js';
import { connect, CONNECTION_OPTIONS } from '../connection.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { collect, oneLine, printJson, table } from '../output.js';

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
    if (rest.length > 0) throw new UsageError(`tasks list takes no arguments, not '${rest[0]}'.`);
    const { client } = await connect(args, process.env);
    const tasks = await collect(client.tasks.list({ pageSize: 100 }));
    if (args.values.json) printJson(tasks);
    else if (tasks.length === 0) process.stderr.write('No tasks.\n');
    else {
      const rows = tasks.map((t) => [t.task_id, String(t.artifacts.length), oneLine(t.input)]);
      process.stdout.write(`${table(['TASK', 'ARTIFACTS', 'INPUT'], rows)}\n`);
    }
    return EXIT.ok;
  },
};
