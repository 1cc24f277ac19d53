import type { Server } from 'node:http';
import type { ChildConfig } from '../protocol.js';

/** What every server file builds: a node:http server, not yet listening, and its data. */
export interface BenchServer {
  server: Server;
  /** Creates `count` tasks in-process (no HTTP), as the server's own code would, and returns their ids. */
  seed(count: number): Promise<string[]>;
  /** Closes what the server holds beyond its sockets (the store, the Nest app). */
  close(): Promise<void>;
}

export type ServerFactory = (config: ChildConfig) => BenchServer | Promise<BenchServer>;
