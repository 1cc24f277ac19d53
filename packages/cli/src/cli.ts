import { readFileSync } from 'node:fs';
import { AgentProtocolClientError } from '@agent-protocol/client';
import type { Command } from './command.js';
import { artifactsDownloadCommand, artifactsListCommand } from './commands/artifacts.js';
import { conformanceCommand } from './commands/conformance.js';
import { infoCommand } from './commands/info.js';
import { rotateSecretsKey } from './commands/rotate-secrets-key.js';
import { runCommand } from './commands/run.js';
import { secretsListCommand, secretsRmCommand, secretsSetCommand } from './commands/secrets.js';
import { stepsListCommand } from './commands/steps.js';
import { tasksListCommand } from './commands/tasks.js';
import { EXIT, ExitError, UsageError } from './exit-codes.js';
import { onlyOptions, parseCommandLine } from './options.js';
import { PromptInterrupted } from './terminal/prompt.js';

const COMMANDS: readonly Command[] = [
  runCommand,
  tasksListCommand,
  stepsListCommand,
  artifactsListCommand,
  artifactsDownloadCommand,
  infoCommand,
  secretsSetCommand,
  secretsListCommand,
  secretsRmCommand,
  conformanceCommand,
];

/** Words that only group subcommands (`tasks` of `tasks list`). */
const GROUPS = [
  ...new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]!)),
];

/** `  name   summary`, the name on a line of its own when it is long. */
function listed(synopsis: string, summary: string): string {
  const name = `  ${synopsis}`;
  return name.length < 38
    ? `${name.padEnd(38)} ${summary}`
    : `${name}\n${' '.repeat(39)}${summary}`;
}

const HELP = `Usage: agent-protocol <command> [options]

Drives any Agent Protocol server from a terminal or a script: run a task with live output,
list what it holds, manage your secrets, check its conformance.

Commands:
${COMMANDS.map((c) => listed(c.synopsis, c.summary)).join('\n')}
${listed('rotate-secrets-key --data-dir DIR', "the server's own: re-seal its secrets with a new key")}
${listed('help [COMMAND]', 'help on a command (also: COMMAND --help)')}

Server and credentials (or the environment):
  --url URL            the server: its origin and mount prefix, e.g. http://127.0.0.1:8000
                       (a URL ending in /ap/v1/... is cut there); AGENT_PROTOCOL_URL
  --token TOKEN        a bearer token (static, JWT or OAuth2 access token); AGENT_PROTOCOL_TOKEN
  --api-key KEY        an API key, sent in X-API-Key (--api-key-header NAME for another header)
  --user USER          HTTP Basic, with --password PASSWORD or typed at a hidden prompt

Output:
  --json               one JSON document on stdout (run, the list commands, info, conformance)

Exit codes:
  0    done: the task ended, the list was printed, every conformance case passed
  1    failed: the server refused or could not be reached, a conformance case failed
  2    the command line is wrong: an unknown command or option, a missing argument, a secret
       value given as an argument
  3    run: --max-steps steps were sent and the task has not ended (resume it with --task ID)
  130  interrupted (Ctrl-C); run cancels the running step first

Examples:
  agent-protocol run --url http://127.0.0.1:8000 "write 'hi' to file 'a.txt'" --out ./out
  printf %s "$KEY" | agent-protocol secrets set WEATHER_API_KEY --url http://127.0.0.1:8000
  agent-protocol conformance --url http://127.0.0.1:8000 --junit conformance.xml`;

function version(): string {
  const manifest = new URL('../package.json', import.meta.url);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** The command the words name, and the words after its name. */
function find(words: readonly string[]): { command?: Command; rest: string[] } {
  for (const length of [2, 1]) {
    const name = words.slice(0, length).join(' ');
    const command = COMMANDS.find((c) => c.name === name);
    if (command && words.length >= length) return { command, rest: words.slice(length) };
  }
  return { rest: [...words] };
}

function unknownCommand(words: readonly string[]): UsageError {
  const [first, second] = words;
  if (first !== undefined && GROUPS.includes(first)) {
    const subs = COMMANDS.filter((c) => c.name.startsWith(`${first} `)).map((c) => c.name);
    return new UsageError(
      second === undefined
        ? `${first} needs a subcommand: ${subs.join(', ')}.`
        : `Unknown command '${first} ${second}'. Try: ${subs.join(', ')}.`,
    );
  }
  return new UsageError(`Unknown command '${first}'.`);
}

/** Help for `help [words]` and `words --help`. */
async function help(words: readonly string[]): Promise<number> {
  if (words[0] === 'rotate-secrets-key') return rotateSecretsKey(['rotate-secrets-key', '--help']);
  if (words.length === 0) {
    process.stdout.write(`${HELP}\n`);
    return EXIT.ok;
  }
  const { command } = find(words);
  if (command) {
    process.stdout.write(`${command.help}\n`);
    return EXIT.ok;
  }
  if (GROUPS.includes(words[0]!)) {
    const subs = COMMANDS.filter((c) => c.name.startsWith(`${words[0]} `));
    process.stdout.write(
      `${subs.map((c) => `${c.help.split('\n')[0]}\n    ${c.summary}`).join('\n')}\n\nSee agent-protocol ${words[0]} <subcommand> --help.\n`,
    );
    return EXIT.ok;
  }
  throw unknownCommand(words);
}

/** Turns what went wrong into words on stderr and an exit code. */
function report(error: unknown, words: readonly string[]): number {
  if (error instanceof UsageError) {
    const { command } = find(words);
    process.stderr.write(
      `${error.message}\n${command ? `Usage: ${command.help.split('\n')[0]!.replace(/^Usage: /, '')}\nSee agent-protocol ${command.name} --help.` : 'See agent-protocol --help.'}\n`,
    );
    return EXIT.usage;
  }
  if (error instanceof ExitError) {
    process.stderr.write(`${error.message}\n`);
    return error.code;
  }
  if (error instanceof PromptInterrupted) {
    process.stderr.write('Interrupted.\n');
    return EXIT.interrupted;
  }
  if (error instanceof AgentProtocolClientError) {
    const what =
      error.status === 0
        ? 'Could not reach the server'
        : `The server answered ${error.status}${error.code ? ` ${error.code}` : ''}`;
    const issues = error.issues.map((i) => `\n  ${i.location} ${i.field}: ${i.message}`).join('');
    process.stderr.write(`${what}: ${error.message}${issues}\n`);
    return EXIT.failed;
  }
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT.failed;
}

/** Runs the command line (everything but `rotate-secrets-key`); resolves the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  let words: string[] = [];
  try {
    const args = parseCommandLine(argv);
    words = args.words;
    if (args.values.version && words.length === 0) {
      process.stdout.write(`${version()}\n`);
      return EXIT.ok;
    }
    if (words[0] === 'help') return await help(words.slice(1));
    if (args.values.help) return await help(words);
    if (words.length === 0) {
      process.stdout.write(`${HELP}\n`);
      return EXIT.usage;
    }
    const { command, rest } = find(words);
    if (!command) throw unknownCommand(words);
    onlyOptions(args, command.options, command.name);
    return await command.run(args, rest);
  } catch (error) {
    return report(error, words);
  }
}
