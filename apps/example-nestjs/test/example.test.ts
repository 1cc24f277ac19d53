import { checkExampleAuth, checkExampleContract } from 'example-shared';
import { fileURLToPath } from 'node:url';
import { it } from 'vitest';

it('keeps the example-app contract: serves, logs each request, exits on SIGTERM, keeps data', async () => {
  await checkExampleContract(fileURLToPath(new URL('../dist/main.js', import.meta.url)));
}, 60_000);

it('reads the auth environment: AGENT_AUTH=bearer turns away a request without a token', async () => {
  await checkExampleAuth(fileURLToPath(new URL('../dist/main.js', import.meta.url)));
}, 60_000);
