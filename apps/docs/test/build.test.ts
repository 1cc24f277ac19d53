// The site build against a spec package with history: archived versions, a changelog and
// unreleased changes. The real spec package has none of these yet, so this builds a copy of it.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSite } from '../src/build/check-links.mjs';
import { diffSpecs, listOperations } from '../src/build/diff.mjs';
import { parseFrontMatter, renderMarkdown } from '../src/build/markdown.mjs';
import { buildSite, type BuildResult } from '../src/build/site.mjs';
import { compareVersions, loadSpecSources, splitChangelog } from '../src/build/versions.mjs';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;
const realSpec: Doc = JSON.parse(
  readFileSync(require.resolve('@agent-protocol/spec/openapi.json'), 'utf8'),
);
const clone = (): Doc => structuredClone(realSpec);

const CHANGELOG = `# @agent-protocol/spec

## 0.2.0

### Minor Changes

- 1a2b3c4: Add the secrets endpoints (\`listAgentSecretKeys\`, \`addAgentSecret\`, \`revokeAgentSecret\`).

## 0.1.0

### Minor Changes

- 9f8e7d6: First release of the spec.

\`\`\`md
## not-a-version (inside a code fence)
\`\`\`
`;

/** v0.1.0: the real spec without the secrets operations and schemas; v0.2.0: the real spec. */
function version(v: string, withSecrets: boolean): Doc {
  const doc = clone();
  doc.info.version = v;
  // A schema of our own, so the test does not depend on the real schemas' shapes.
  doc.components.schemas.Cancellation = {
    type: 'object',
    properties: { reason: { type: 'string' } },
  };
  if (!withSecrets) {
    for (const path of Object.keys(doc.paths))
      if (path.includes('/secrets')) delete doc.paths[path];
    for (const name of ['SecretKey', 'TaskSecretKeysListResponse', 'SecretRequestBody'])
      delete doc.components.schemas[name];
  }
  return doc;
}

describe('site build with several spec versions', () => {
  let root: string;
  let specDir: string;
  let result: BuildResult;
  let versionsHtml: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'docs-build-test-'));
    specDir = join(root, 'spec');
    await mkdir(join(specDir, 'dist'), { recursive: true });
    for (const [v, secrets] of [
      ['0.1.0', false],
      ['0.2.0', true],
    ] as const) {
      await mkdir(join(specDir, 'versions', v), { recursive: true });
      await writeFile(
        join(specDir, 'versions', v, 'openapi.json'),
        JSON.stringify(version(v, secrets)),
      );
    }
    await writeFile(
      join(specDir, 'package.json'),
      JSON.stringify({ name: '@agent-protocol/spec', version: '0.2.0' }),
    );
    await writeFile(join(specDir, 'CHANGELOG.md'), CHANGELOG);
    // Unreleased: the current bundle adds an operation and a property since 0.2.0.
    const current = version('0.2.0', true);
    current.paths['/ap/v1/agent/tasks/{task_id}/cancel'] = {
      post: {
        operationId: 'cancelAgentTask',
        summary: 'Cancel a task',
        tags: ['tasks'],
        responses: { '204': { description: 'Cancelled.' } },
      },
    };
    current.components.schemas.Cancellation.properties.cancelled_at = { type: 'string' };
    await writeFile(join(specDir, 'dist', 'openapi.json'), JSON.stringify(current));
    result = await buildSite({ specDir, outDir: join(root, 'site') });
    versionsHtml = await readFile(join(root, 'site', 'versions', 'index.html'), 'utf8');
  }, 120_000);

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('documents every version, newest first, with the unreleased bundle on top', () => {
    expect(result.sources.versions.map((v) => v.id)).toEqual(['unreleased', '0.2.0', '0.1.0']);
    expect(result.sources.latest.id).toBe('unreleased');
  });

  it('writes a reference page per published version and /reference/ for the current bundle', () => {
    for (const rel of [
      'reference/index.html',
      'reference/0.2.0/index.html',
      'reference/0.1.0/index.html',
    ]) {
      expect(existsSync(join(root, 'site', rel)), rel).toBe(true);
    }
    expect(existsSync(join(root, 'site', 'reference', 'unreleased'))).toBe(false);
    const old = readFileSync(join(root, 'site', 'reference', '0.1.0', 'index.html'), 'utf8');
    expect(old).toContain('You are reading the API reference of <strong>v0.1.0</strong>');
    expect(old).not.toContain('cdn.redoc.ly/redoc/');
    expect(
      JSON.parse(readFileSync(join(root, 'site', 'reference', '0.1.0', 'openapi.json'), 'utf8'))
        .info.version,
    ).toBe('0.1.0');
  });

  it("renders each version's changelog entry on the versions page", () => {
    expect(versionsHtml).toContain('Add the secrets endpoints');
    expect(versionsHtml).toContain('First release of the spec.');
    expect(versionsHtml.indexOf('Add the secrets endpoints')).toBeLessThan(
      versionsHtml.indexOf('First release of the spec.'),
    );
  });

  it('shows what changed between consecutive versions', () => {
    const v020 = versionsHtml.slice(
      versionsHtml.indexOf('id="v0.2.0"'),
      versionsHtml.indexOf('id="v0.1.0"'),
    );
    expect(v020).toContain('since v0.1.0');
    expect(v020).toContain('listAgentSecretKeys');
    expect(v020).toContain('SecretRequestBody');
    const unreleased = versionsHtml.slice(
      versionsHtml.indexOf('id="vunreleased"'),
      versionsHtml.indexOf('id="v0.2.0"'),
    );
    expect(unreleased).toContain('cancelAgentTask');
    expect(unreleased).toContain('properties added: <code>cancelled_at</code>');
  });

  it('produces a site whose links all resolve', async () => {
    expect(await checkSite(join(root, 'site'))).toEqual([]);
  });
});

describe('versions and changelog', () => {
  it('sorts versions by semver precedence', () => {
    const sorted = ['1.10.0', '1.2.0', '1.2.0-beta.2', '1.2.0-beta.10', '0.9.1', '2.0.0-rc.1'].sort(
      compareVersions,
    );
    expect(sorted).toEqual([
      '0.9.1',
      '1.2.0-beta.2',
      '1.2.0-beta.10',
      '1.2.0',
      '1.10.0',
      '2.0.0-rc.1',
    ]);
  });

  it('splits a changesets changelog by version, ignoring headings in code fences', () => {
    const sections = splitChangelog(CHANGELOG);
    expect([...sections.keys()]).toEqual(['0.2.0', '0.1.0']);
    expect(sections.get('0.1.0')).toContain('## not-a-version');
    expect(splitChangelog(undefined).size).toBe(0);
  });

  it('reads the real spec package: its current version is documented', async () => {
    const sources = await loadSpecSources();
    const pkg = JSON.parse(
      readFileSync(require.resolve('@agent-protocol/spec/package.json'), 'utf8'),
    );
    expect(sources.packageVersion).toBe(pkg.version);
    expect(sources.versions.some((v) => v.version === pkg.version)).toBe(true);
  });
});

describe('what changed', () => {
  it('finds added, removed and moved operations, parameters and schema properties', () => {
    const older: Doc = {
      paths: {
        '/a': {
          get: { operationId: 'getA', parameters: [{ $ref: '#/components/parameters/Page' }] },
        },
        '/b': { delete: { operationId: 'deleteB' } },
        '/c': { get: { operationId: 'getC' } },
      },
      components: {
        parameters: { Page: { name: 'page', in: 'query' } },
        schemas: { A: { type: 'object', required: ['x'], properties: { x: {}, y: {} } }, Gone: {} },
      },
    };
    const newer: Doc = {
      paths: {
        '/a': { get: { operationId: 'getA', parameters: [{ name: 'size', in: 'query' }] } },
        '/c2': { get: { operationId: 'getC' } },
        '/d': { post: { operationId: 'postD', summary: 'Make a D' } },
      },
      components: {
        schemas: { A: { type: 'object', required: ['y'], properties: { y: {}, z: {} } }, New: {} },
      },
    };
    const diff = diffSpecs(older, newer);
    expect(diff.operationsAdded.map((o) => o.operationId)).toEqual(['postD']);
    expect(diff.operationsRemoved.map((o) => o.operationId)).toEqual(['deleteB']);
    expect(diff.operationsMoved).toEqual([{ operationId: 'getC', from: 'GET /c', to: 'GET /c2' }]);
    expect(diff.parametersChanged).toEqual([
      { operationId: 'getA', added: ['query:size'], removed: ['query:page'] },
    ]);
    expect(diff.schemasAdded).toEqual(['New']);
    expect(diff.schemasRemoved).toEqual(['Gone']);
    expect(diff.schemasChanged).toEqual([
      {
        name: 'A',
        propertiesAdded: ['z'],
        propertiesRemoved: ['x'],
        nowRequired: ['y'],
        noLongerRequired: ['x'],
      },
    ]);
  });

  it('lists the operations of the real spec with their first tag', () => {
    const ops = listOperations(realSpec);
    expect(ops.length).toBeGreaterThan(0);
    expect(ops.every((o) => o.operationId && o.tag && o.summary)).toBe(true);
  });
});

describe('markdown', () => {
  it('reads front matter', () => {
    const { data, body } = parseFrontMatter('---\ntitle: "Hello: world"\norder: 20\n---\nBody\n');
    expect(data).toEqual({ title: 'Hello: world', order: 20 });
    expect(body).toBe('Body\n');
  });

  it('highlights code at build time, anchors headings and resolves links', () => {
    const { html, headings } = renderMarkdown(
      '## Part one\n\nSee [errors](errors.md#status).\n\n```ts\nconst a = 1;\n```\n',
      {
        resolve: (href) => href.replace(/\.md/, '.html'),
      },
    );
    expect(html).toContain('<h2 id="part-one">');
    expect(html).toContain('href="errors.html#status"');
    expect(html).toContain('<span class="hljs-keyword">const</span>');
    expect(headings).toEqual([{ depth: 2, id: 'part-one', text: 'Part one' }]);
  });
});
