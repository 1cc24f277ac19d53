import { readdirSync, readFileSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { defineAgent } from '../src/agent.js';
import { Keyring, generateKey } from '../src/secrets/keyring.js';
import { Redactor } from '../src/secrets/redactor.js';
import { startCore, type Harness } from './harness.js';

const VALUE = 'sk-live-4f9c1e2b7d8a6503-very-secret';
const lines: string[] = [];
const logger = {
  info: (m: string) => lines.push(m),
  error: (m: string, e?: unknown) => lines.push(`${m} ${String(e)}`),
};

const agent = defineAgent({
  info: { name: 's', version: '1' },
  secrets: { API_KEY: { name: 'API key', description: 'The key for the weather API' } },
  async onStep({ ctx }) {
    const { API_KEY } = await ctx.secrets.require('API_KEY');
    ctx.log.info(`calling the API with ${API_KEY}`); // a mistake the logger must catch
    return { output: `the key has ${API_KEY!.length} characters` };
  },
});

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  lines.length = 0;
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('secrets', () => {
  it('stores, lists, updates in place and revokes, never answering with the value', async () => {
    h = await startCore({
      agent,
      auth: { strategy: 'bearer', tokens: { a: 'alice', b: 'bob' } },
      logger,
    });
    const as = (who: string) => ({ authorization: `Bearer ${who}` });
    const first = await h.call(
      'POST',
      '/ap/v1/agent/secrets',
      { secret_key: 'API_KEY', secret_value: VALUE },
      as('a'),
    );
    expect(first.status).toBe(200);
    expect(Object.keys(first.json).sort()).toEqual([
      'created_at',
      'secret_id',
      'secret_key',
      'updated_at',
    ]);
    const again = await h.call(
      'POST',
      '/ap/v1/agent/secrets',
      { secret_key: 'API_KEY', secret_value: `${VALUE}-2` },
      as('a'),
    );
    expect(again.json.secret_id).toBe(first.json.secret_id);
    const list = await h.call('GET', '/ap/v1/agent/secrets', undefined, as('a'));
    expect(list.json.pagination.total_items).toBe(1);
    expect(
      (await h.call('GET', '/ap/v1/agent/secrets', undefined, as('b'))).json.pagination.total_items,
    ).toBe(0);
    expect(
      (await h.call('DELETE', `/ap/v1/agent/secrets/${first.json.secret_id}`, undefined, as('b')))
        .status,
    ).toBe(404);
    expect(
      (await h.call('DELETE', `/ap/v1/agent/secrets/${first.json.secret_id}`, undefined, as('a')))
        .status,
    ).toBe(204);
    expect(
      (await h.call('DELETE', `/ap/v1/agent/secrets/${first.json.secret_id}`, undefined, as('a')))
        .status,
    ).toBe(404);
    expect(JSON.stringify([first, again, list])).not.toContain(VALUE);
  });

  it('rejects bad key names and sizes with 422s that do not echo the value', async () => {
    h = await startCore({ agent });
    for (const body of [
      { secret_key: '9bad', secret_value: 'x' },
      { secret_key: 'OK', secret_value: '' },
      { secret_key: 'OK', secret_value: 'v'.repeat(65537) },
      { secret_key: 'OK' },
    ]) {
      const res = await h.call('POST', '/ap/v1/agent/secrets', body);
      expect(res.status).toBe(422);
      expect(res.json.errors[0].field).toMatch(/secret_(key|value)/);
    }
  });

  it('demand → store → continue, with the value sealed on disk and masked in the log', async () => {
    h = await startCore({ agent, logger });
    const task = (await h.call('POST', '/ap/v1/agent/tasks', { input: 'weather' })).json;
    const paused = await h.call('POST', `/ap/v1/agent/tasks/${task.task_id}/steps`, {});
    expect(paused.json).toMatchObject({
      status: 'completed',
      is_last: false,
      secret_demands: [
        { key: 'API_KEY', name: 'API key', description: 'The key for the weather API' },
      ],
    });
    expect(paused.json.output).toContain('API_KEY');
    await h.call('POST', '/ap/v1/agent/secrets', { secret_key: 'API_KEY', secret_value: VALUE });
    await h.restart(); // the pause and the secret survive a restart
    const resumed = await h.call('POST', `/ap/v1/agent/tasks/${task.task_id}/steps`, {});
    expect(resumed.json.output).toBe(`the key has ${VALUE.length} characters`);
    expect(resumed.json.secret_demands).toBeUndefined();
    // Later tasks are not asked again.
    const next = (await h.call('POST', '/ap/v1/agent/tasks', {})).json;
    expect(
      (await h.call('POST', `/ap/v1/agent/tasks/${next.task_id}/steps`, {})).json.secret_demands,
    ).toBeUndefined();

    const log = lines.join('\n');
    expect(log).toContain('calling the API with [REDACTED]');
    const forms = [
      VALUE,
      Buffer.from(VALUE).toString('base64'),
      Buffer.from(VALUE).toString('hex'),
    ];
    for (const form of forms) expect(log).not.toContain(form);
    for (const file of filesUnder(h.dataDir)) {
      const bytes = readFileSync(file);
      for (const form of forms)
        expect(bytes.includes(Buffer.from(form)), `${form} in ${file}`).toBe(false);
    }
    expect(statSync(join(h.dataDir, 'secrets.key')).mode & 0o777).toBe(0o600);
  });
});

describe('keyring', () => {
  it('binds the ciphertext to its id and owner, and decrypts with old keys during a rotation', () => {
    const oldKey = generateKey();
    const sealed = new Keyring(oldKey).encrypt('v', 'id\u0000alice');
    expect(() => new Keyring(oldKey).decrypt(sealed, 'id\u0000bob')).toThrow();
    const rotated = new Keyring(generateKey(), [oldKey]);
    expect(rotated.decrypt(sealed, 'id\u0000alice')).toBe('v');
    expect(rotated.isCurrent(sealed)).toBe(false);
    expect(() => new Keyring(generateKey()).decrypt(sealed, 'id\u0000alice')).toThrow(
      /key this server does not have/,
    );
  });

  it('masks a very short value only where it stands alone', () => {
    const r = new Redactor();
    r.add('x7');
    expect(r.redact('key=x7 box x7y "x7"')).toBe('key=[REDACTED] box x7y "[REDACTED]"');
  });

  it('masks every usual encoding of a known value', () => {
    const value = 'hunter2 secret/é';
    const r = new Redactor();
    r.add(value);
    const bytes = Buffer.from(value);
    const encodings = [
      value,
      bytes.toString('base64'),
      bytes.toString('base64url'),
      bytes.toString('hex'),
      encodeURIComponent(value),
    ];
    const redacted = r.redact(`x ${encodings.join(' ')} y`);
    expect(redacted).toBe(`x ${encodings.map(() => '[REDACTED]').join(' ')} y`);
  });
});

describe('key rotation command', () => {
  it('re-seals every secret with a new key file; the server reads them after a restart', async () => {
    h = await startCore({ agent, secretsKey: {} });
    await h.call('POST', '/ap/v1/agent/secrets', { secret_key: 'API_KEY', secret_value: VALUE });
    await h.protocol.close();
    const before = readFileSync(join(h.dataDir, 'secrets.key'), 'utf8');
    const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    const out = execFileSync(
      process.execPath,
      [cli, 'rotate-secrets-key', '--data-dir', h.dataDir],
      {
        env: { ...process.env, AGENT_SECRETS_KEY: '' },
      },
    ).toString();
    expect(out).toContain('Re-sealed 1 secret(s)');
    expect(readFileSync(join(h.dataDir, 'secrets.key'), 'utf8')).not.toBe(before);
    expect(statSync(join(h.dataDir, 'secrets.key')).mode & 0o777).toBe(0o600);
    await h.restart();
    const task = (await h.call('POST', '/ap/v1/agent/tasks', {})).json;
    const res = await h.call('POST', `/ap/v1/agent/tasks/${task.task_id}/steps`, {});
    expect(res.json.output).toBe(`the key has ${VALUE.length} characters`);
  });
});
