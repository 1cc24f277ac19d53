import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startExampleProcess } from './process.js';

/** One failed expectation of the example-app contract. */
export class ContractFailure extends Error {}

function expect(condition: boolean, message: string): void {
  if (!condition) throw new ContractFailure(message);
}

/**
 * Every answer is JSON, also where nothing is served: 404 naming the path for what does not
 * exist (a HEAD request gets the status and content type, without a body), 405 with `Allow`
 * where the path exists; and the discovery document at the origin root.
 */
async function checkJsonAnswers(baseUrl: string): Promise<void> {
  const notFound: [method: string, path: string][] = [
    ['GET', '/nope'],
    ['POST', '//ap/v1/agent/tasks'],
    ['HEAD', '/AP/V1/AGENT/TASKS'],
  ];
  for (const [method, path] of notFound) {
    const response = await fetch(`${baseUrl}${path}`, { method });
    const type = response.headers.get('content-type') ?? '';
    expect(response.status === 404, `${method} ${path} answered ${response.status}`);
    expect(/^application\/json\b/.test(type), `${method} ${path} answered content-type ${type}`);
    if (method === 'HEAD') continue;
    const body = (await response.json()) as { message?: unknown };
    expect(
      typeof body.message === 'string' && body.message.includes(path),
      `${method} ${path}: the 404 does not name the path: ${JSON.stringify(body)}`,
    );
  }
  const wrongMethod = await fetch(`${baseUrl}/ap/v1/agent/tasks`, { method: 'DELETE' });
  expect(wrongMethod.status === 405, `DELETE on the tasks answered ${wrongMethod.status}`);
  expect(
    wrongMethod.headers.get('allow') === 'GET, POST',
    `405 allow: ${wrongMethod.headers.get('allow')}`,
  );
  const error = (await wrongMethod.json()) as { code?: unknown };
  expect(error.code === 'method_not_allowed', `405 body: ${JSON.stringify(error)}`);

  // A load balancer's probes: alive, and ready while the store answers.
  for (const [path, status] of [
    ['/healthz', 'ok'],
    ['/readyz', 'ready'],
  ] as const) {
    const probe = await fetch(`${baseUrl}${path}`);
    const body = (await probe.json()) as { status?: unknown };
    expect(
      probe.status === 200 && body.status === status,
      `${path}: ${probe.status} ${JSON.stringify(body)}`,
    );
  }

  const discovery = await fetch(`${baseUrl}/.well-known/agent-protocol`);
  expect(discovery.status === 200, `the discovery document answered ${discovery.status}`);
  expect(
    discovery.headers.get('cache-control') === 'public, max-age=300',
    `discovery cache-control: ${discovery.headers.get('cache-control')}`,
  );
  const document = (await discovery.json()) as { name?: unknown; endpoints?: { v1?: unknown } };
  expect(
    document.name === 'reference-agent' && document.endpoints?.v1 === '/ap/v1',
    `discovery document: ${JSON.stringify(document)}`,
  );
}

/**
 * The contract every example app keeps (README): serves the reference agent, one log line per
 * request, a clean exit on SIGTERM, and a restart on the same AGENT_DATA_DIR keeps every task,
 * step and artifact byte-exact. Every answer is JSON (a 404 naming the path where nothing is
 * served), and the discovery document is at the origin root. Throws a ContractFailure naming
 * the first broken promise.
 */
export async function checkExampleContract(main: string): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'example-app-'));
  try {
    const first = await startExampleProcess(main, { AGENT_DATA_DIR: dataDir });
    const post = (path: string, body: unknown) =>
      fetch(`${first.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const created = await post('/ap/v1/agent/tasks', { input: 'hello' });
    expect(created.status === 200, `create task answered ${created.status}`);
    const task = (await created.json()) as { task_id: string };
    const step = await post(`/ap/v1/agent/tasks/${task.task_id}/steps`, {
      input: "write 'kept' to file 'kept.txt'",
    });
    expect(step.status === 200, `step answered ${step.status}`);
    const lines = first
      .output()
      .split('\n')
      .filter((l) => /^(GET|POST) \/ap\//.test(l));
    expect(lines.length === 2, `expected one log line per request, got:\n${first.output()}`);
    await checkJsonAnswers(first.baseUrl);
    const code = await first.stop();
    expect(code === 0, `exit code on SIGTERM was ${code}`);

    const second = await startExampleProcess(main, { AGENT_DATA_DIR: dataDir });
    try {
      const again = await fetch(`${second.baseUrl}/ap/v1/agent/tasks/${task.task_id}`);
      expect(again.status === 200, `task after restart answered ${again.status}`);
      const body = (await again.json()) as {
        artifacts: { artifact_id: string; file_name: string }[];
      };
      expect(
        body.artifacts[0]?.file_name === 'kept.txt',
        `artifacts after restart: ${JSON.stringify(body)}`,
      );
      const download = await fetch(
        `${second.baseUrl}/ap/v1/agent/tasks/${task.task_id}/artifacts/${body.artifacts[0]!.artifact_id}`,
      );
      expect((await download.text()) === 'kept', 'artifact bytes changed across the restart');
    } finally {
      expect((await second.stop()) === 0, 'second run did not exit cleanly');
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * The example apps read the auth environment: with AGENT_AUTH=bearer, no token is a 401 (but
 * the discovery document answers, with the public part only).
 */
export async function checkExampleAuth(main: string): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'example-auth-'));
  const app = await startExampleProcess(main, {
    AGENT_DATA_DIR: dataDir,
    AGENT_AUTH: 'bearer',
    AGENT_BEARER_TOKENS: 'token-for-alice:alice',
  });
  try {
    const anonymous = await fetch(`${app.baseUrl}/ap/v1/agent/tasks`);
    expect(anonymous.status === 401, `no token answered ${anonymous.status}`);
    expect(
      anonymous.headers.get('www-authenticate') === 'Bearer realm="agent"',
      `challenge was ${anonymous.headers.get('www-authenticate')}`,
    );
    const alice = await fetch(`${app.baseUrl}/ap/v1/agent/tasks`, {
      headers: { authorization: 'Bearer token-for-alice' },
    });
    expect(alice.status === 200, `a valid token answered ${alice.status}`);
    // Discovery needs no token, and shows only the public part of the agent.
    const discovery = await fetch(`${app.baseUrl}/.well-known/agent-protocol`);
    expect(discovery.status === 200, `the discovery document answered ${discovery.status}`);
    const document = (await discovery.json()) as Record<string, unknown>;
    expect(
      !('client_functions' in document) && !('secrets' in document),
      `the discovery document shows private parts: ${JSON.stringify(document)}`,
    );
    expect(!app.output().includes('token-for-alice'), 'the token reached the log');
  } finally {
    expect((await app.stop()) === 0, 'did not exit cleanly');
    await rm(dataDir, { recursive: true, force: true });
  }
}
