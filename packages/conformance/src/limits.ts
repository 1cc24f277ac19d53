import type { AgentProtocolLimits } from '@agent-protocol/core';

/**
 * The limits a server under test must be started with. Small, so the over-limit cases stay fast;
 * the cases that probe the edges are written against these numbers. JSON bodies go up to 128 KiB
 * so that a secret of the largest size the spec allows (65536 characters) fits in its request:
 * the value's own limit (422) is reached before the body's (413).
 */
export const CONFORMANCE_LIMITS = {
  maxUploadBytes: 1024 * 1024,
  maxJsonBytes: 128 * 1024,
  // The default, written out because the depth cases are written against it.
  maxJsonDepth: 64,
  maxPageSize: 100,
} as const satisfies Required<AgentProtocolLimits>;

/**
 * Event streams of steps, as every server under test is started: a short keep-alive, so the
 * keep-alive scenario sees a comment within a second instead of 15 s.
 */
export const CONFORMANCE_STREAMS = { keepAliveMs: 200 } as const;

/**
 * How long a server under test lets running steps finish when it closes before interrupting
 * them: short, so the restart scenarios do not wait out a long step.
 */
export const CONFORMANCE_SHUTDOWN_GRACE_MS = 200;
