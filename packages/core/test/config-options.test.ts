import { describe, expect, it } from 'vitest';
import type { ConfigOption } from '../src/agent.js';
import { assertValidDeclarations, resolveConfig } from '../src/config-options.js';
import { AgentProtocolError } from '../src/errors.js';

const declared: Record<string, ConfigOption> = {
  model: { type: 'string', default: 'small', description: 'model', options: ['small', 'large'] },
  temperature: { type: 'float', default: 0.5, description: 't', scope: ['step'] },
  retries: { type: 'integer', default: 1, description: 'r', scope: ['task', 'step'] },
  tags: { type: 'list', default: [], description: 'tags' },
  extra: { type: 'dict', default: {}, description: 'extra' },
  debug: { type: 'boolean', default: false, description: 'debug' },
};

function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AgentProtocolError);
    return (error as AgentProtocolError).issues!.map((i) => `${i.field}:${i.rule}`);
  }
  throw new Error('expected a 422');
}

describe('config options', () => {
  it('applies defaults and keeps unknown keys out of the way', () => {
    expect(resolveConfig(declared, { unknown: 1 }, 'task')).toEqual({
      model: 'small',
      temperature: 0.5,
      retries: 1,
      tags: [],
      extra: {},
      debug: false,
    });
  });

  it('lets a step override what its task set, and the task override defaults', () => {
    const task = resolveConfig(declared, { retries: 3, model: 'large' }, 'task');
    const step = resolveConfig(declared, { retries: 4 }, 'step', task);
    expect(step).toMatchObject({ model: 'large', retries: 4, temperature: 0.5 });
  });

  it('rejects wrong types, values outside options and wrong scopes, naming each field', () => {
    expect(
      issuesOf(() =>
        resolveConfig(
          declared,
          { model: 'huge', retries: 1.5, temperature: 1, tags: 'x', extra: [], debug: 'no' },
          'task',
        ),
      ),
    ).toEqual([
      'additional_input.model:enum',
      'additional_input.temperature:scope',
      'additional_input.retries:type',
      'additional_input.tags:type',
      'additional_input.extra:type',
      'additional_input.debug:type',
    ]);
  });

  it('refuses to start with a default that breaks its own rules', () => {
    expect(() =>
      assertValidDeclarations({
        m: { type: 'string', default: 'z', description: '', options: ['a'] },
      }),
    ).toThrow(/Config option 'm'/);
  });
});
