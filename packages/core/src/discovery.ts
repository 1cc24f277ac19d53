import type { Schemas } from '@agent-protocol/spec';
import type { AgentInfo } from './agent.js';

/** The discovery document of `GET /.well-known/agent-protocol` (the spec's `AgentDiscovery`). */
export type AgentDiscovery = Schemas['AgentDiscovery'];

/** Where the discovery document lives on an origin (RFC 8615 well-known URI). */
export const DISCOVERY_PATH = '/.well-known/agent-protocol';

/** The document is the same for every caller, so shared caches may keep it too. */
export const DISCOVERY_CACHE_CONTROL = 'public, max-age=300';

/**
 * The discovery document: the info an anonymous caller gets (`info`), plus `endpoints.v1`, the
 * root-relative base of the `/ap/v1` API under `mountPath` (`''` at the root), and
 * `endpoints.docs` when the info shows the agent's `docs`. Root-relative, not absolute: an
 * absolute URL would have to trust the request's `Host`, and the document must not vary by
 * caller (it is cached as one).
 */
export function discoveryDocument(info: AgentInfo, mountPath: string): AgentDiscovery {
  const endpoints: AgentDiscovery['endpoints'] = { v1: `${mountPath.replace(/\/+$/, '')}/ap/v1` };
  if (info.docs) endpoints.docs = info.docs;
  return { ...info, endpoints };
}
