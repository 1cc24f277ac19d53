import type { AgentProtocolLimits } from '@agent-protocol/core';

/**
 * The limits a server under test must be started with. Small, so the over-limit cases stay fast;
 * the cases that probe the edges are written against these numbers.
 */
export const CONFORMANCE_LIMITS = {
  maxUploadBytes: 1024 * 1024,
  maxJsonBytes: 64 * 1024,
  maxPageSize: 100,
} as const satisfies Required<AgentProtocolLimits>;
