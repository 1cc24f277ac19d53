// The package's runtime entry point, imported by name as another workspace package would.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { openapiDocument, specVersion } from '@agent-protocol/spec';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('@agent-protocol/spec', () => {
  it('exports the bundled document', () => {
    expect(openapiDocument.openapi).toBe('3.1.0');
    expect(openapiDocument.info.title).toBe('Agent Protocol');
    expect(Object.keys(openapiDocument.paths)).toContain('/ap/v1/agent/tasks/{task_id}/steps');
    expect(openapiDocument.components.schemas).toHaveProperty('Step');
  });

  it('exports the package version, which is also info.version', () => {
    expect(specVersion).toBe(pkg.version);
    expect(openapiDocument.info.version).toBe(pkg.version);
  });

  it('exports the bundle as files too', () => {
    const require = createRequire(import.meta.url);
    expect(require('@agent-protocol/spec/openapi.json')).toEqual(openapiDocument);
    expect(require.resolve('@agent-protocol/spec/openapi.yaml')).toMatch(/dist[/\\]openapi\.yaml$/);
  });
});
