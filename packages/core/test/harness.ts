import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  createAgentProtocol,
  type AgentProtocol,
  type AgentProtocolOptions,
} from '../src/protocol.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read loose JSON
export type Json = Record<string, any>;

export interface Harness {
  protocol: AgentProtocol;
  dataDir: string;
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Record<string, string>; json: Json }>;
  /** Closes this protocol and opens a new one on the same data directory (a restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** The core in process, on a fresh data directory: requests with no server. */
export async function startCore(options: Omit<AgentProtocolOptions, 'dataDir'>): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'core-test-'));
  const harness: Harness = {
    protocol: createAgentProtocol({ ...options, dataDir }),
    dataDir,
    async call(method, url, body, headers = {}) {
      const [path, query = ''] = url.split('?');
      const response = await harness.protocol.handle({
        method,
        path: path!,
        query,
        headers: { 'content-type': 'application/json', ...headers },
        body: Readable.from(body === undefined ? [] : [Buffer.from(JSON.stringify(body))]),
      });
      const json = response.body?.kind === 'json' ? (response.body.value as Json) : {};
      return { status: response.status, headers: response.headers, json };
    },
    async restart() {
      await harness.protocol.close();
      harness.protocol = createAgentProtocol({ ...options, dataDir });
    },
    async close() {
      await harness.protocol.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}
