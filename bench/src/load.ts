import autocannon from 'autocannon';
import type { ServerProcess } from './server-process.js';

/** One kind of request, fired at a server by autocannon. */
export interface Scenario {
  name: string;
  method: 'GET' | 'POST';
  /** Paths to cycle through, one per request (a pool of task ids, or a single path). */
  paths: string[];
  body?: string;
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
export async function measure(
  server: ServerProcess,
  scenario: Scenario,
  options: LoadOptions,
): Promise<Measurement> {
  let next = 0;
  const { paths } = scenario;
  const cpuBefore = await server.cpuMicros();
  const result = await autocannon({
    url: server.url,
    connections: options.connections,
    duration: options.duration,
    timeout: 30,
    requests: [
      {
        method: scenario.method,
        headers: {
          ...scenario.headers,
          ...(scenario.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: scenario.body,
        setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length] }),
      },
    ],
  });
  await new Promise((resolve) => setTimeout(resolve, 25)); // let requests cut off at the end finish
  const cpuAfter = await server.cpuMicros();
  const failed = result.errors + result.timeouts + result.non2xx;
  if (failed > 0 || result['2xx'] === 0) {
    throw new Error(
      `${server.name} ${scenario.name}: ${result['2xx']} ok, ${result.non2xx} non-2xx ` +
        `(${JSON.stringify(result.statusCodeStats)}), ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  const requests = result['2xx'];
  return {
    requests,
    reqPerSec: requests / result.duration,
    cpuPerRequest: (cpuAfter - cpuBefore) / requests,
  };
}
