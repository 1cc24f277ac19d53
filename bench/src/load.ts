import autocannon from 'autocannon';
import type { ServerProcess } from './server-process.js';

/** One kind of request, fired at a server by autocannon. */
export interface Scenario {
  name: string;
  method: 'GET' | 'POST';
  /** Paths to cycle through, one per request (a pool of task ids, or a single path). */
  paths: string[];
  /** Sent as `application/json` unless `headers` name another content type (a multipart upload). */
  body?: string | Buffer;
  /** Sent with every request (the auth comparison's `Authorization`). */
  headers?: Record<string, string>;
}

export interface LoadOptions {
  connections: number;
  /** Seconds per measurement. */
  duration: number;
}

export interface Measurement {
  requests: number;
  reqPerSec: number;
  /** Server CPU (user + system) per request, µs. */
  cpuPerRequest: number;
}

/**
 * Loads one server with one scenario and reads the server's own CPU time around the load, so the
 * client's CPU (autocannon, in this process) never counts.
 */
export function measure(
  server: ServerProcess,
  scenario: Scenario,
  options: LoadOptions,
): Promise<Measurement> {
  return measureAcross([server], scenario, options);
}

/**
 * `measure` over replicas of one deployment: `options.connections` split evenly, connection i
 * to replica i mod n (one autocannon instance per replica, all started together in this process,
 * so the client's capacity is the same as one instance with every connection), the paths cycled
 * once across all of them. Throughput is the instances' added up; CPU per request is every
 * replica's CPU over every request.
 */
export async function measureAcross(
  servers: ServerProcess[],
  scenario: Scenario,
  options: LoadOptions,
): Promise<Measurement> {
  if (options.connections % servers.length !== 0)
    throw new Error(`${options.connections} connections do not split over ${servers.length}`);
  let next = 0;
  const { paths } = scenario;
  const cpu = () => Promise.all(servers.map((s) => s.cpuMicros()));
  const cpuBefore = await cpu();
  const results = await Promise.all(
    servers.map((server) =>
      autocannon({
        url: server.url,
        connections: options.connections / servers.length,
        duration: options.duration,
        timeout: 30,
        requests: [
          {
            method: scenario.method,
            headers: {
              ...(scenario.body === undefined ? {} : { 'content-type': 'application/json' }),
              ...scenario.headers,
            },
            body: scenario.body,
            setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length] }),
          },
        ],
      }),
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, 25)); // let requests cut off at the end finish
  const cpuAfter = await cpu();
  for (const [i, result] of results.entries()) {
    const failed = result.errors + result.timeouts + result.non2xx;
    if (failed > 0 || result['2xx'] === 0) {
      throw new Error(
        `${servers[i]!.name} ${scenario.name}: ${result['2xx']} ok, ${result.non2xx} non-2xx ` +
          `(${JSON.stringify(result.statusCodeStats)}), ${result.errors} errors, ${result.timeouts} timeouts`,
      );
    }
  }
  const requests = results.reduce((n, r) => n + r['2xx'], 0);
  const cpuMicros = cpuAfter.reduce((n, after, i) => n + after - cpuBefore[i]!, 0);
  return {
    requests,
    reqPerSec: results.reduce((n, r) => n + r['2xx'] / r.duration, 0),
    cpuPerRequest: cpuMicros / requests,
  };
}
