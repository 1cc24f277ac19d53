#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { delegateToCli } from './cli-delegate.js';
import { openPostgresStore } from './cli-postgres.js';
import { rotateSecretsKey, rotateSharedSecretsKey, type RotationResult } from './secrets/rotate.js';

const USAGE = `Usage: agent-protocol rotate-secrets-key --data-dir <dir> [--new-key <base64|hex>]
       agent-protocol rotate-secrets-key --database-url <url> [--schema <name>] [--new-key <base64|hex>]

Re-seals every stored secret and pending sign-in with a new key (generated unless --new-key is
given), reading them with AGENT_SECRETS_KEY and AGENT_SECRETS_OLD_KEYS.

The embedded store (--data-dir): stop the server first. With the key file (<dir>/secrets.key)
the file is replaced; with AGENT_SECRETS_KEY set, the new key is printed and must replace
AGENT_SECRETS_KEY before the server starts again.

A PostgreSQL database (--database-url, or AGENT_DATABASE_URL; needs @agent-protocol/postgres):
AGENT_SECRETS_KEY is the key the servers used. They may keep running if each was restarted
first with the new key as AGENT_SECRETS_KEY and the old one in AGENT_SECRETS_OLD_KEYS; the new
key is printed.

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
      'database-url': { type: 'string' },
      schema: { type: 'string' },
      'new-key': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  // A URL on the command line is visible to other users of the machine: the environment is not.
  const databaseUrl = values['database-url'] ?? process.env.AGENT_DATABASE_URL?.trim();
  const dataDir = values['data-dir'];
  if (values.help || positionals[0] !== 'rotate-secrets-key' || !(dataDir || databaseUrl)) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const keys = {
    currentKey: process.env.AGENT_SECRETS_KEY || undefined,
    oldKeys: process.env.AGENT_SECRETS_OLD_KEYS,
    newKey: values['new-key'],
  };
  let result: RotationResult;
  if (dataDir) {
    result = await rotateSecretsKey({ dataDir, ...keys });
  } else {
    if (!keys.currentKey) {
      throw new Error(
        'A shared database has no key file: set AGENT_SECRETS_KEY to the key its servers use.',
      );
    }
    const store = await openPostgresStore(databaseUrl!, values.schema);
    try {
      result = await rotateSharedSecretsKey(store, { ...keys, currentKey: keys.currentKey });
    } finally {
      await store.close();
    }
  }
  console.log(
    `Re-sealed ${result.resealed} secret(s) and ${result.logins} pending sign-in(s) with the new key.`,
  );
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
