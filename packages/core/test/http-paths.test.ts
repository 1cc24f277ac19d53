import { describe, expect, it } from 'vitest';
import { notFoundResponse } from '../src/http/not-found.js';
import { isDiscoveryPath, isProtocolPath } from '../src/http/paths.js';

describe('isProtocolPath', () => {
  it('takes everything under /ap/ below the mount point', () => {
    expect(isProtocolPath('/ap/v1/agent/tasks', '')).toBe(true);
    expect(isProtocolPath('/ap/v9/whatever', '/agent')).toBe(true);
    expect(isProtocolPath('/nope', '')).toBe(false);
    expect(isProtocolPath('//ap/v1/agent/tasks', '')).toBe(false);
    expect(isProtocolPath('/AP/V1/AGENT/TASKS', '')).toBe(false);
  });

  it('takes the discovery document only at the origin root', () => {
    expect(isProtocolPath('/.well-known/agent-protocol', '')).toBe(true);
    expect(isProtocolPath('/.well-known/agent-protocol/', '/')).toBe(true);
    expect(isProtocolPath('/.well-known/agent-protocol', '/agent')).toBe(false);
    expect(isProtocolPath('/.well-known/other', '')).toBe(false);
    expect(isDiscoveryPath('/.well-known/agent-protocolx')).toBe(false);
  });
});

describe('notFoundResponse', () => {
  it('is the core error shape, naming the method and the path', () => {
    expect(notFoundResponse('head', '//ap/v1/agent/tasks')).toEqual({
      status: 404,
      headers: {},
      body: {
        kind: 'json',
        value: { message: 'No operation at HEAD //ap/v1/agent/tasks.', code: 'not_found' },
      },
    });
  });
});
