import type { Command } from '../command.js';
import { positionals } from '../arguments.js';
import { connect, CONNECTION_OPTIONS } from '../connection.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { collect, printList } from '../output.js';
import { askHidden } from '../terminal/prompt.js';

const SET_HELP = `Usage: agent-protocol secrets set KEY [--url URL] [credentials]

Stores a secret the agent can use (a key that exists gets the new value). The value is read from
stdin when stdin is not a terminal (one trailing newline is dropped), else typed at a hidden
prompt. It is never taken from the command line: arguments are visible to every user of the
machine (ps, /proc) and kept in shell history.

  printf %s "$WEATHER_KEY" | agent-protocol secrets set WEATHER_API_KEY
  agent-protocol secrets set WEATHER_API_KEY          # asks, without echo

Exit codes: 0 stored; 1 an error (the server refused the key or the value); 2 a wrong command
line (a value given as an argument is one).`;

const LIST_HELP = `Usage: agent-protocol secrets list [--json] [--url URL] [credentials]

Lists the keys of your secrets and their ids. A value is never shown: the server never sends
one back. --json prints [{secret_id, secret_key, ...}].

Exit codes: 0 listed; 1 an error; 2 a wrong command line.`;

const RM_HELP = `Usage: agent-protocol secrets rm KEY [--url URL] [credentials]

Revokes the secret with that key (or that secret id). The agent asks for it again the next time
it needs it.

Exit codes: 0 revoked; 1 an error (no such secret); 2 a wrong command line.`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The value, from a pipe or a hidden prompt. */
async function secretValue(key: string): Promise<string> {
  if (process.stdin.isTTY) {
    const typed = await askHidden(`Value of ${key} (hidden): `);
    if (!typed) throw new UsageError('No value typed: nothing stored.');
    return typed;
  }
  // `echo value | ...` adds a newline that is not part of the secret.
  const piped = (await readStdin()).replace(/\r?\n$/, '');
  if (piped === '') throw new UsageError('stdin was empty: nothing stored.');
  return piped;
}

export const secretsSetCommand: Command = {
  name: 'secrets set',
  synopsis: 'secrets set KEY',
  summary: 'store a secret: value from stdin or a hidden prompt',
  help: SET_HELP,
  options: CONNECTION_OPTIONS,
  async run(args, rest) {
    const [key, ...extra] = rest;
    if (key === undefined) throw new UsageError('secrets set needs a KEY.');
    if (extra.length > 0) {
      // The value is already in the shell history and the process list; say so, store nothing.
      throw new UsageError(
        'secrets set takes the value from stdin or a hidden prompt, never from the command line: ' +
          'arguments are visible to other users (ps, /proc) and kept in your shell history. ' +
          `Nothing was stored. Pipe it in: printf %s "$VALUE" | agent-protocol secrets set ${key}`,
      );
    }
    const { client } = await connect(args, process.env);
    const value = await secretValue(key);
    const stored = await client.secrets.set(key, value);
    process.stderr.write(`Stored secret ${stored.secret_key} (${stored.secret_id}).\n`);
    return EXIT.ok;
  },
};

export const secretsListCommand: Command = {
  name: 'secrets list',
  synopsis: 'secrets list',
  summary: 'the keys of your secrets (never a value)',
  help: LIST_HELP,
  options: [...CONNECTION_OPTIONS, 'json'],
  async run(args, rest) {
    positionals(rest, 'secrets list', []);
    const { client } = await connect(args, process.env);
    const secrets = await collect(client.secrets.list({ pageSize: 100 }));
    printList(args.values.json === true, secrets, 'secrets', ['KEY', 'ID'], (s) => [
      s.secret_key,
      s.secret_id,
    ]);
    return EXIT.ok;
  },
};

export const secretsRmCommand: Command = {
  name: 'secrets rm',
  synopsis: 'secrets rm KEY',
  summary: 'revoke a secret',
  help: RM_HELP,
  options: CONNECTION_OPTIONS,
  async run(args, rest) {
    const [key] = positionals(rest, 'secrets rm', ['KEY']);
    const { client } = await connect(args, process.env);
    await client.secrets.remove(key!);
    process.stderr.write(`Revoked secret ${key}.\n`);
    return EXIT.ok;
  },
};
