// The client against every example app, each a child process as a user runs it: every method of
// the client once, on each framework's adapter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AgentProtocolClientError,
  createClient,
  type AgentProtocolClient,
  type StepEvent,
} from '@agent-protocol/client';
import { digest, patternStream, readAll } from './helpers/bytes.js';
import { EXAMPLE_APPS, startApp, type RunningApp } from './helpers/example-app.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** The error a promise rejects with (fails when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<AgentProtocolClientError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AgentProtocolClientError);
  return error as AgentProtocolClientError;
}

describe.each(EXAMPLE_APPS)('the client against %s', (name) => {
  let app: RunningApp;
  let client: AgentProtocolClient;
  /** Every request the client sent, as `METHOD path?query`. */
  const sent: string[] = [];

  beforeAll(async () => {
    app = await startApp(name);
    client = createClient({
      baseUrl: app.baseUrl,
      fetch: (input, init) => {
        const request = input as Request; // the client always hands fetch a Request
        const url = new URL(request.url);
        sent.push(`${request.method} ${url.pathname}${url.search}`);
        return fetch(input, init);
      },
    });
  });
  afterAll(() => app?.stop());

  it('reads the info, creates, gets and lists tasks page by page', async () => {
    const info = await client.info();
    expect(info).toMatchObject({ name: 'reference-agent', protocol: 1 });

    const created = [];
    for (let i = 0; i < 5; i++) created.push(await client.tasks.create({ input: `task ${i}` }));
    expect(await client.tasks.get(created[2]!.task_id)).toMatchObject({ input: 'task 2' });

    sent.length = 0;
    const listed = await collect(client.tasks.list({ pageSize: 2 }));
    expect(listed.map((t) => t.task_id)).toEqual(created.map((t) => t.task_id));
    expect(sent).toEqual([
      'GET /ap/v1/agent/tasks?current_page=1&page_size=2',
      'GET /ap/v1/agent/tasks?current_page=2&page_size=2',
      'GET /ap/v1/agent/tasks?current_page=3&page_size=2',
    ]);
  });

  it('executes a step, and follows a background step to step.completed', async () => {
    const task = await client.tasks.create();
    const step = await client.steps.execute(task.task_id, {
      input: "write 'hello' to file 'out.txt'",
    });
    expect(step).toMatchObject({ status: 'completed', outcome: 'succeeded', is_last: false });
    expect(step.artifacts.map((a) => a.file_name)).toEqual(['out.txt']);
    const bytes = await readAll(
      await client.artifacts.download(task.task_id, step.artifacts[0]!.artifact_id),
    );
    expect(new TextDecoder().decode(bytes)).toBe('hello');

    const started = await client.steps.start(task.task_id, { input: 'stream 3 50' });
    expect(['created', 'running']).toContain(started.status);
    const events: StepEvent[] = await collect(client.steps.events(task.task_id, started.step_id));
    expect(events.map((e) => e.event)).toEqual([
      'step.created',
      'step.running',
      'output.delta',
      'output.delta',
      'output.delta',
      'step.completed',
    ]);
    expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((a, b) => a - b));
    const deltas = events.flatMap((e) => (e.event === 'output.delta' ? [e.data.text] : []));
    expect(deltas).toEqual(['1 ', '2 ', '3 ']);
    const last = events.at(-1)!;
    expect(last.event === 'step.completed' && last.data.output).toBe('1 2 3 ');
    // Past the last event there is nothing left: the iteration ends at once.
    expect(
      await collect(client.steps.events(task.task_id, started.step_id, { after: last.id })),
    ).toEqual([]);

    const steps = await collect(client.steps.list(task.task_id, { pageSize: 1 }));
    expect(steps.map((s) => s.step_id)).toEqual([step.step_id, started.step_id]);
    expect(await client.steps.get(task.task_id, started.step_id)).toMatchObject({
      output: '1 2 3 ',
    });
  });

  it('cancels a running step', async () => {
    const task = await client.tasks.create();
    const started = await client.steps.start(task.task_id, { input: 'stream 50 100' });
    const events = client.steps.events(task.task_id, started.step_id)[Symbol.asyncIterator]();
    // Wait until it is really running (its first delta), then cancel.
    for (let next = await events.next(); !next.done; next = await events.next()) {
      if (next.value.event === 'output.delta') break;
    }
    const cancelled = await client.steps.cancel(task.task_id, started.step_id);
    expect(cancelled.step_id).toBe(started.step_id);
    let completed: StepEvent | undefined;
    for (let next = await events.next(); !next.done; next = await events.next())
      completed = next.value;
    expect(completed?.event).toBe('step.completed');
    expect(completed?.data).toMatchObject({ status: 'completed', outcome: 'cancelled' });
    const again = await rejection(client.steps.cancel(task.task_id, started.step_id));
    expect(again.status).toBe(409);
  });

  it('uploads bytes, a Blob and a generated stream of 3 MiB, and downloads them byte-exact', async () => {
    const task = await client.tasks.create();
    const text = new TextEncoder().encode('bytes in memory\n');
    const fromBytes = await client.artifacts.upload(task.task_id, text, { fileName: 'bytes.txt' });
    const blob = new Blob(['a Blob, ', 'in two parts'], { type: 'text/plain' });
    const fromBlob = await client.artifacts.upload(task.task_id, blob, {
      fileName: 'blob "quoted".txt',
      relativePath: 'docs/notes',
    });
    const size = 3 * 1024 * 1024 + 17;
    const fromStream = await client.artifacts.upload(task.task_id, patternStream(size), {
      fileName: 'big.bin',
    });
    expect(fromBytes).toMatchObject({ file_name: 'bytes.txt', agent_created: false });
    expect(fromBlob).toMatchObject({ file_name: 'blob "quoted".txt', relative_path: 'docs/notes' });

    const download = (id: string) => client.artifacts.download(task.task_id, id);
    expect(await readAll(await download(fromBytes.artifact_id))).toEqual(text);
    expect(new TextDecoder().decode(await readAll(await download(fromBlob.artifact_id)))).toBe(
      'a Blob, in two parts',
    );
    expect(await digest(await download(fromStream.artifact_id))).toEqual(
      await digest(patternStream(size)),
    );
    const listed = await collect(client.artifacts.list(task.task_id, { pageSize: 2 }));
    expect(listed.map((a) => a.artifact_id)).toEqual(
      [fromBytes, fromBlob, fromStream].map((a) => a.artifact_id),
    );
  });

  it('sets, lists and removes secrets, by key and by id', async () => {
    const first = await client.secrets.set('CLIENT_TEST_A', 'value-a');
    const second = await client.secrets.set('CLIENT_TEST_B', 'value-b');
    expect(first).toMatchObject({ secret_key: 'CLIENT_TEST_A' });
    expect(JSON.stringify(first)).not.toContain('value-a');
    const keys = async () =>
      (await collect(client.secrets.list({ pageSize: 1 }))).map((s) => s.secret_key);
    expect(await keys()).toEqual(expect.arrayContaining(['CLIENT_TEST_A', 'CLIENT_TEST_B']));
    await client.secrets.remove('CLIENT_TEST_A');
    await client.secrets.remove(second.secret_id);
    expect(await keys()).not.toContain('CLIENT_TEST_A');
    expect(await keys()).not.toContain('CLIENT_TEST_B');
    expect((await rejection(client.secrets.remove('CLIENT_TEST_A'))).status).toBe(404);
  });

  it('surfaces a 404 and a 422 as AgentProtocolClientError with status, code and issues', async () => {
    const missing = await rejection(client.tasks.get('00000000-0000-4000-8000-000000000000'));
    expect(missing).toMatchObject({ status: 404, code: 'not_found', issues: [] });
    expect(missing.message).toContain('00000000-0000-4000-8000-000000000000');

    const invalid = await rejection(
      client.tasks.create({ input: 'x', additional_input: { verbosity: 'shouting' } }),
    );
    expect(invalid).toMatchObject({ status: 422, code: 'validation_failed' });
    expect(invalid.issues).toEqual([
      expect.objectContaining({ location: 'body', field: 'additional_input.verbosity' }),
    ]);
  });
});
