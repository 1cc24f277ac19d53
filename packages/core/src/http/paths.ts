import { DISCOVERY_PATH } from '../discovery.js';

/** The discovery document's path, with or without a trailing slash (the router takes both). */
export function isDiscoveryPath(path: string): boolean {
  return path === DISCOVERY_PATH || path === `${DISCOVERY_PATH}/`;
}

/** The liveness and readiness probes, served below the mount point like `/ap/`. */
export const PROBE_PATHS: readonly string[] = ['/healthz', '/readyz'];

/**
 * Whether a request is the protocol's to answer, for adapters that share a server with other
 * routes: everything under `/ap/` below the mount point, the probes (`/healthz`, `/readyz`) there,
 * and the discovery document
 * (`/.well-known/agent-protocol`) when the protocol is mounted at the origin root: well-known
 * URIs exist only there (RFC 8615), never below a prefix.
 *
 * @param path the request's path relative to the mount point (`/ap/v1/agent/tasks`)
 * @param mountPath where the protocol is mounted: `''` (or `/`) at the root, `/agent` below a prefix
 */
export function isProtocolPath(path: string, mountPath: string): boolean {
  if (path.startsWith('/ap/') || PROBE_PATHS.includes(path)) return true;
  return (mountPath === '' || mountPath === '/') && isDiscoveryPath(path);
}
