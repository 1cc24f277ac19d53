import type { Command } from '../command.js';
import { positionals } from '../arguments.js';
import { connect, CONNECTION_OPTIONS } from '../connection.js';
import { downloadArtifacts } from '../downloads.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { stringOption } from '../options.js';
import { collect, printJson, printList } from '../output.js';

const LIST_HELP = `Usage: agent-protocol artifacts list TASK_ID [--json] [--url URL] [credentials]

Lists the artifacts of a task: id, who made it (agent or user), its folder and file name.
--json prints them as a JSON array.

Exit codes: 0 listed; 1 an error (an unknown task: 404); 2 a wrong command line.`;

const DOWNLOAD_HELP = `Usage: agent-protocol artifacts download TASK_ID [ARTIFACT_ID] --out DIR [--json]

Downloads one artifact of a task, or all of them without an ARTIFACT_ID, into DIR (created),
each under its relative_path and file name, streamed to disk. A name that would land outside
DIR (a server saying '../') is refused. Two artifacts with one name become 'a.txt' and
'a (2).txt'. --json prints [{artifact_id, path}].

Exit codes: 0 downloaded; 1 an error (an unknown task or artifact); 2 a wrong command line.`;

export const artifactsListCommand: Command = {
  name: 'artifacts list',
  synopsis: 'artifacts list TASK_ID',
  summary: 'the artifacts of a task',
  help: LIST_HELP,
  options: [...CONNECTION_OPTIONS, 'json'],
  async run(args, rest) {
    const [taskId] = positionals(rest, 'artifacts list', ['TASK_ID']);
    const { client } = await connect(args, process.env);
    const artifacts = await collect(client.artifacts.list(taskId!, { pageSize: 100 }));
    const header = ['ARTIFACT', 'BY', 'FOLDER', 'FILE'];
    printList(args.values.json === true, artifacts, 'artifacts', header, (a) => [
      a.artifact_id,
      a.agent_created ? 'agent' : 'user',
      a.relative_path ?? '',
      a.file_name,
    ]);
    return EXIT.ok;
  },
};

export const artifactsDownloadCommand: Command = {
  name: 'artifacts download',
  synopsis: 'artifacts download TASK_ID [ARTIFACT_ID] --out DIR',
  summary: 'download one artifact, or all of a task',
  help: DOWNLOAD_HELP,
  options: [...CONNECTION_OPTIONS, 'out', 'json'],
  async run(args, rest) {
    const [taskId, artifactId] = positionals(
      rest,
      'artifacts download',
      ['TASK_ID'],
      ['ARTIFACT_ID'],
    );
    const out = stringOption(args, 'out');
    if (out === undefined) throw new UsageError('artifacts download needs --out DIR.');
    const { client } = await connect(args, process.env);
    const all = await collect(client.artifacts.list(taskId!, { pageSize: 100 }));
    const chosen = artifactId === undefined ? all : all.filter((a) => a.artifact_id === artifactId);
    if (artifactId !== undefined && chosen.length === 0) {
      process.stderr.write(`Task ${taskId} has no artifact ${artifactId}.\n`);
      return EXIT.failed;
    }
    const downloads = await downloadArtifacts(client, taskId!, chosen, out);
    if (args.values.json) printJson(downloads);
    else if (downloads.length === 0) process.stderr.write('No artifacts.\n');
    else for (const d of downloads) process.stdout.write(`${d.path}\n`);
    return EXIT.ok;
  },
};
