#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { delegateToCli } from './cli-delegate.js';
import { rotateSecretsKey } from './secrets/rotate.js';

const USAGE = `Usage: agent-protocol rotate-secrets-key --data-dir <dir> [--new-key <base64|hex>]

Re-seals every stored secret with a new key (generated unless --new-key is given). Stop the
server first. With the key file (<dir>/secrets.key) the file is replaced; with AGENT_SECRETS_KEY
set, the new key is printed and must replace AGENT_SECRETS_KEY before the server starts again.

The client commands (run, tasks, steps, artifacts, secrets, info, conformance) come with
\`npm install @agent-protocol/cli\`; with it installed, this command runs them too.`;

async function main(argv: string[]): Promise<number> {
  // Before parsing: the client commands have options this parser does not know.
  if (argv[0] !== 'rotate-secrets-key') {
    const delegated = delegateToCli(argv);
    if (delegated) return delegated;
  }
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      'new-key': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || positionals[0] !== 'rotate-secrets-key' || !values['data-dir']) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const result = await rotateSecretsKey({
    dataDir: values['data-dir'],
    currentKey: process.env.AGENT_SECRETS_KEY || undefined,
    oldKeys: process.env.AGENT_SECRETS_OLD_KEYS,
    newKey: values['new-key'],
  });
  console.log(`Re-sealed ${result.resealed} secret(s) with the new key.`);
  if (result.newKeyForEnvironment) {
    console.log(
      `Set AGENT_SECRETS_KEY to the new key before starting the server:\n${result.newKeyForEnvironment}`,
    );
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
