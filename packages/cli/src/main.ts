// The entry of the `agent-protocol` bin. `rotate-secrets-key` goes to the server's own command
// before anything else loads (see commands/rotate-secrets-key.ts); the rest of the command line
// is loaded only then, so that rotation works where only @agent-protocol/core is installed.
import { rotateSecretsKey } from './commands/rotate-secrets-key.js';

const argv = process.argv.slice(2);
const run =
  argv[0] === 'rotate-secrets-key'
    ? rotateSecretsKey(argv)
    : import('./cli.js').then(({ runCli }) => runCli(argv));

run.then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
