/**
 * A server child process: starts one server on 127.0.0.1:0, reports its port, then answers the
 * bench's IPC requests for its own CPU time and RSS. Run as `child.ts <json ChildConfig>`.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { ChildConfig, ChildMessage, Request, RssSample } from '../protocol.js';
import { createAdapterServer } from './adapter.js';
import { createBareServer } from './bare.js';

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
const send = (message: ChildMessage) => process.send?.(message);
mkdirSync(config.dataDir, { recursive: true });

let baseline = process.memoryUsage.rss();
let peak = baseline;
const sample = () => {
  const rss = process.memoryUsage.rss();
  if (rss > peak) peak = rss;
};
setInterval(sample, 20).unref();

const server =
  config.server === 'adapter'
    ? createAdapterServer({ store: config.store, dataDir: config.dataDir })
    : createBareServer({ uploadDir: config.dataDir });

const seedStarted = performance.now();
await server.seed(config.seed);
const seedMs = performance.now() - seedStarted;
globalThis.gc?.();

const http = server.app.listen(0, '127.0.0.1', () => {
  send({ type: 'ready', port: (http.address() as AddressInfo).port, seedMs });
});

process.on('message', (message: Request) => {
  sample();
  let value: unknown;
  switch (message.command) {
    case 'cpu': {
      const { user, system } = process.cpuUsage();
      value = { micros: user + system };
      break;
    }
    case 'rss-reset':
      globalThis.gc?.();
      baseline = process.memoryUsage.rss();
      peak = baseline;
      value = { baseline, peak } satisfies RssSample;
      break;
    case 'rss-peak':
      value = { baseline, peak } satisfies RssSample;
      break;
    case 'exit':
      http.close();
      http.closeAllConnections();
      void server.close().finally(() => {
        send({ type: 'reply', id: message.id, value: null });
        process.exit(0);
      });
      return;
  }
  send({ type: 'reply', id: message.id, value });
});

// The parent died: do not linger.
process.on('disconnect', () => process.exit(0));
