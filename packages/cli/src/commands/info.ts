import type { AgentInfo } from '@agent-protocol/client';
import type { Command } from '../command.js';
import { positionals } from '../arguments.js';
import { connect, CONNECTION_OPTIONS } from '../connection.js';
import { EXIT } from '../exit-codes.js';
import { printJson } from '../output.js';

const HELP = `Usage: agent-protocol info [--json] [--url URL] [credentials]

Shows the agent's info: name, version, description, the authentication it accepts, its
configuration options, the secrets it may ask for and the client functions it may call. Without
credentials a server that requires them shows only its public part. --json prints the info as
the server sent it.

Exit codes: 0 shown; 1 an error; 2 a wrong command line.`;

function lines(info: AgentInfo): string[] {
  const out = [`${info.name} ${info.version} (protocol ${info.protocol})`];
  if (info.description) out.push(info.description);
  const auth = info.auth as { schemes?: string[]; credentials_url?: string } | undefined;
  if (auth?.schemes) {
    out.push(
      `Authentication: ${auth.schemes.join(', ')}${auth.credentials_url ? ` (credentials: ${auth.credentials_url})` : ''}`,
    );
  }
  const options = Object.entries(info.config_options ?? {});
  if (options.length > 0) {
    out.push('Options:');
    for (const [name, o] of options) {
      const choices = o.options
        ? ` one of ${o.options.map((c) => JSON.stringify(c)).join(', ')}`
        : '';
      out.push(
        `  ${name}: ${o.type}${choices}, default ${JSON.stringify(o.default)}${o.description ? ` — ${o.description}` : ''}`,
      );
    }
  }
  const secrets = Object.entries(info.secrets ?? {});
  if (secrets.length > 0) {
    out.push('Secrets it may ask for:');
    for (const [key, s] of secrets)
      out.push(`  ${key}: ${s.name}${s.description ? ` — ${s.description}` : ''}`);
  }
  const functions = info.client_functions ?? [];
  if (functions.length > 0) {
    out.push('Client functions it may call:');
    for (const f of functions) out.push(`  ${f.name}${f.description ? ` — ${f.description}` : ''}`);
  }
  return out;
}

export const infoCommand: Command = {
  name: 'info',
  synopsis: 'info',
  summary: 'name, version, options, secrets, functions',
  help: HELP,
  options: [...CONNECTION_OPTIONS, 'json'],
  async run(args, rest) {
    positionals(rest, 'info', []);
    const { client } = await connect(args, process.env);
    const info = await client.info();
    if (args.values.json) printJson(info);
    else process.stdout.write(`${lines(info).join('\n')}\n`);
    return EXIT.ok;
  },
};
