import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import type { ChildConfig } from '../protocol.js';
import type { BenchServer } from './types.js';

/*
 * Upstream's JavaScript SDK, `agent-protocol@1.0.5` from the npm registry (pinned in
 * bench/package.json), running the minimal example of its README: a task handler that logs the
 * task and returns a step handler that logs the step and answers `{ output: stepInput }`.
 * Everything stays in memory (module-level arrays of tasks and steps).
 *
 * Its `start(port)` calls `app.listen(port)` on every interface and takes no host, so the child
 * uses `build()` instead, which returns the very same Express app (`express.json()`,
 * `express.text()`, `express.urlencoded()`, express-openapi-validator on requests and responses,
 * the routes under `/ap/v1`) without listening; the bench serves it on 127.0.0.1:0 like every
 * other server. The package is CommonJS and is loaded through `require`, as a CommonJS
 * application (or TypeScript with `esModuleInterop`) loads it: an ES-module `import Agent from`
 * would get `module.exports`, not the class.
 */
const require = createRequire(import.meta.url);
const sdk = require('agent-protocol') as typeof import('agent-protocol');
type TaskInput = import('agent-protocol').TaskInput;
type StepInput = import('agent-protocol').StepInput;
type StepHandler = import('agent-protocol').StepHandler;

export function createUpstreamSdk(config: ChildConfig): BenchServer {
  // The README's example, verbatim but for types. (The SDK calls the task handler with the task
  // id first and the input second, so its "task:" line shows the id.)
  async function taskHandler(taskInput: TaskInput | null): Promise<StepHandler> {
    console.log(`task: ${taskInput}`);
    async function stepHandler(stepInput: StepInput | null) {
      console.log(`step: ${stepInput}`);
      return { output: stepInput };
    }
    return stepHandler;
  }
  // The README passes `{}`; the workspace (where uploaded artifacts would go) is the child's temp dir.
  const app = sdk.default.handleTask(taskHandler, { workspace: config.dataDir }).build();
  return {
    server: createServer(app),
    // In process, through the SDK's own exported `createAgentTask` (what its POST route calls).
    seed: async (count) => {
      const ids: string[] = [];
      for (let i = 0; i < count; i++)
        ids.push((await sdk.createAgentTask({ input: `seeded task ${i}` })).task_id);
      return ids;
    },
    close: async () => undefined,
  };
}
