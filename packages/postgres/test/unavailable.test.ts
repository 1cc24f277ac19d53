import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { inspect } from 'node:util';
import { AgentProtocolError, type Logger, type Store } from '@agent-protocol/core';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/index.js';
import { isUnavailable, passwordsOf, redactConnectionString } from '../src/errors.js';
import { useTestDatabases } from './database.js';
import { artifact, step, task } from './records.js';

const databases = useTestDatabases();
const PASSWORD = 's3cret-pass';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A port nothing listens on: taken from the OS, then given back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP relay to the test server that can be cut or frozen, as a database going away would be. */
async function relay(): Promise<{ port: number; cut: () => Promise<void>; freeze: () => void }> {
  const sockets = new Set<Socket>();
  let frozen = false;
  const server: Server = createServer((client) => {
    const upstream = tcpConnect(5432, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    }
    // Frozen: bytes are swallowed both ways, as by a network that stopped delivering them.
    client.on('data', (data) => frozen || upstream.write(data));
    upstream.on('data', (data) => frozen || client.write(data));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  let closed: Promise<void> | undefined;
  const cut = () =>
    (closed ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    }));
  cleanups.push(cut);
  return { port, cut, freeze: () => (frozen = true) };
}

/** Every method of the Store, called with plausible arguments. */
function everyMethod(store: Store): [string, () => Promise<unknown>][] {
  const secret = {
    secret_id: 'x',
    owner: 'alice',
    secret_key: 'K',
    sealed: Buffer.from([1]),
    created_at: 'now',
    updated_at: 'now',
  };
  return [
    ['insertTask', () => store.insertTask(task('t'), [artifact('a', 't')])],
    ['getTask', () => store.getTask('alice', 't')],
    ['listTasks', () => store.listTasks('alice', { page: 1, size: 10 })],
    ['insertStep', () => store.insertStep(step('t', 's'), [], [])],
    ['updateStep', () => store.updateStep(step('t', 's'), [], [])],
    [
      'appendStepEvents',
      () => store.appendStepEvents([{ step_id: 's', id: 1, event: 'e', data: '{}' }]),
    ],
    ['stepEvents', () => store.stepEvents('s', 0)],
    ['unfinishedSteps', () => store.unfinishedSteps()],
    ['getStep', () => store.getStep('t', 's')],
    ['listSteps', () => store.listSteps('t', { page: 1, size: 10 })],
    ['lastStep', () => store.lastStep('t')],
    ['insertArtifact', () => store.insertArtifact(artifact('a', 't'))],
    ['getArtifact', () => store.getArtifact('t', 'a')],
    ['listArtifacts', () => store.listArtifacts('t', { page: 1, size: 10 })],
    ['artifactsOfTask', () => store.artifactsOfTask('t')],
    ['artifactsOfTasks', () => store.artifactsOfTasks(['t'])],
    ['artifactsOfStep', () => store.artifactsOfStep('s')],
    ['artifactsOfSteps', () => store.artifactsOfSteps(['s'])],
    ['getSecret', () => store.getSecret('alice', 'K')],
    ['putSecret', () => store.putSecret(secret)],
    ['listSecrets', () => store.listSecrets('alice', { page: 1, size: 10 })],
    ['deleteSecret', () => store.deleteSecret('alice', 'x')],
    ['allSecrets', () => store.allSecrets()],
    [
      'resealSecrets',
      () => store.resealSecrets([{ id: 'x', from: Buffer.from([1]), to: Buffer.from([2]) }]),
    ],
    ['allOAuthLogins', () => store.allOAuthLogins()],
    [
      'resealOAuthLogins',
      () => store.resealOAuthLogins([{ id: 'l', from: Buffer.from([1]), to: Buffer.from([2]) }]),
    ],
    [
      'putOAuthLogin',
      () =>
        store.putOAuthLogin({
          login_id: 'l',
          owner: 'alice',
          task_id: 't',
          step_id: 's',
          provider: 'github',
          scopes: [],
          redirect_uri: 'https://agent.example.com/ap/v1/agent/oauth/callback',
          sealed_verifier: Buffer.from([1]),
          created_at: 'now',
          expires_at: 'later',
        }),
    ],
    ['takeOAuthLogin', () => store.takeOAuthLogin('l')],
    ['ping', () => store.ping()],
    ['files.write', () => store.artifactFiles!().write('a', 'bytes')],
    ['files.remove', () => store.artifactFiles!().remove('a')],
    [
      'files.read',
      () =>
        new Promise((resolve, reject) => {
          store.artifactFiles!().read('a').on('error', reject).on('data', resolve);
        }),
    ],
  ];
}

function expectUnavailable(error: unknown): void {
  expect(error).toBeInstanceOf(AgentProtocolError);
  const e = error as AgentProtocolError;
  expect(e.code).toBe('unavailable');
  expect(e.status).toBe(503);
  expect(e.headers).toEqual({ 'retry-after': '5' });
  expect(e.message).toBe('The database is not answering; retry shortly.');
  const cause = e.cause as Error;
  expect(`${e.message} ${e.stack} ${cause?.message} ${cause?.stack}`).not.toContain(PASSWORD);
}

describe('PostgresStore while the database cannot be reached', () => {
  it('refuses to connect to a closed port within seconds, as unavailable, without the password', async () => {
    const port = await closedPort();
    const started = Date.now();
    const error = await PostgresStore.connect({
      connectionString: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/test`,
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5000);
    expectUnavailable(error);
  });

  it('rejects every method as unavailable once the database went away, and logs dropped idle connections', async () => {
    const { port, cut } = await relay();
    const lines: string[] = [];
    const logger: Logger = {
      info: (message) => lines.push(message),
      error: (message, error) =>
        lines.push(`${message} ${error instanceof Error ? error.stack : String(error)}`),
    };
    const name = new URL(databases.url).pathname;
    // The test server trusts every connection: the password is sent for nothing, but would leak.
    const store = await PostgresStore.connect({
      connectionString: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}${name}`,
      logger,
    });
    cleanups.push(() => store.close());
    await store.insertTask(task('t'));
    await store.ping();
    await cut();
    // The pool's idle connection was cut too: logged (with the address), never crashing.
    await expect.poll(() => lines.some((l) => l.includes('idle connection failed'))).toBe(true);

    for (const [method, call] of everyMethod(store)) {
      const started = Date.now();
      const error = await call().then(
        () => new Error(`${method} resolved`),
        (e: unknown) => e,
      );
      expect(Date.now() - started, method).toBeLessThan(5000);
      expectUnavailable(error);
    }
    for (const line of lines) expect(line).not.toContain(PASSWORD);
    expect(lines.join('\n')).toContain(`postgres://postgres:***@127.0.0.1:${port}`);
  });

  it('refuses a connection string no parser accepts without repeating its password', async () => {
    const error = await PostgresStore.connect({
      connectionString: `postgres://postgres:${PASSWORD}@[not-a-host/test`,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(inspect(error)).not.toContain(PASSWORD);
    expect(inspect(error)).toContain('***');
  });

  it('answers as unavailable after it was closed (a request racing shutdown)', async () => {
    const store = await PostgresStore.connect({ connectionString: databases.url });
    await store.close();
    expectUnavailable(await store.ping().catch((e: unknown) => e));
  });

  it('times a statement out as unavailable, leaving the store usable', async () => {
    const store = await PostgresStore.connect({
      connectionString: databases.url,
      schema: 'timeouts',
      queryTimeoutMillis: 300,
      poolSize: 2,
    });
    cleanups.push(() => store.close());
    await store.insertTask(task('t'));
    // Another process holds the task's row: the step's ordinal waits for it, past the timeout.
    const holder = await store.pool.connect();
    await holder.query('BEGIN');
    await holder.query(`SELECT * FROM ap_tasks WHERE task_id = 't' FOR UPDATE`);
    const started = Date.now();
    expectUnavailable(await store.insertStep(step('t', 's')).catch((e: unknown) => e));
    expect(Date.now() - started).toBeLessThan(2000);
    await holder.query('ROLLBACK');
    holder.release();
    await store.insertStep(step('t', 's'));
    expect((await store.listSteps('t', { page: 1, size: 10 })).total).toBe(1);
  });

  it('gives up on a server that stopped answering, as unavailable', async () => {
    const { port, freeze } = await relay();
    const name = new URL(databases.url).pathname;
    const store = await PostgresStore.connect({
      connectionString: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}${name}`,
      queryTimeoutMillis: 300,
    });
    cleanups.push(() => store.close());
    freeze();
    const started = Date.now();
    const error = await store.ping().catch((e: unknown) => e);
    expectUnavailable(error);
    expect(isUnavailable((error as Error).cause)).toBe(true);
    // The server's statement timeout cannot answer: the client's own one, a little later, does.
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('waits for a free connection no longer than connectionTimeoutMillis', async () => {
    const store = await PostgresStore.connect({
      connectionString: databases.url,
      connectionTimeoutMillis: 300,
      poolSize: 1,
    });
    cleanups.push(() => store.close());
    const held = await store.pool.connect();
    const started = Date.now();
    expectUnavailable(await store.ping().catch((e: unknown) => e));
    expect(Date.now() - started).toBeLessThan(2000);
    held.release();
    await expect(store.ping()).resolves.toBeUndefined();
  });
});

describe('passwordsOf', () => {
  it('finds every spelling of the password, so that messages can be scrubbed of it', () => {
    expect(passwordsOf('postgres://u:p%40ss@h/db')).toEqual(['p%40ss', 'p@ss']);
    expect(passwordsOf('postgres://u@h/db?password=q%20w')).toEqual(['q%20w', 'q w']);
    expect(passwordsOf("host=h password='se cret'")).toEqual(["'se cret'", 'se cret']);
    expect(passwordsOf('postgres://u@h/db')).toEqual([]);
  });
});

describe('redactConnectionString', () => {
  it.each([
    ['postgres://user:secret@host:5432/db', 'postgres://user:***@host:5432/db'],
    [
      'postgresql://user:p%40ss@host/db?sslmode=require',
      'postgresql://user:***@host/db?sslmode=require',
    ],
    ['postgres://user:p@ss/w:rd@host/db', 'postgres://user:***@host/db'],
    ['postgres://user@host/db', 'postgres://user@host/db'],
    [
      'postgres://host/db?user=u&password=secret&ssl=1',
      'postgres://host/db?user=u&password=***&ssl=1',
    ],
    ['host=h user=u password=secret dbname=d', 'host=h user=u password=*** dbname=d'],
    ["host=h password='se cret' dbname=d", 'host=h password=*** dbname=d'],
    ['postgres://user:@host/db', 'postgres://user:***@host/db'],
  ])('%s', (input, expected) => {
    expect(redactConnectionString(input)).toBe(expected);
  });
});
