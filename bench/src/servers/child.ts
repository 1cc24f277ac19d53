/**
 * A server child process: builds one server (`servers/index.ts`), seeds it, starts it on
 * 127.0.0.1:0, reports its port and the first seeded task ids, then answers the bench's IPC
 * requests for its own CPU time and RSS. Run as `child.ts <json ChildConfig>`.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import {
  POOL,
  type ChildConfig,
  type ChildMessage,
  type Request,
  type RssSample,
} from '../protocol.js';
import { SERVERS } from './index.js';

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
const send = (message: ChildMessage) => process.send?.(message);
mkdirSync(config.dataDir, { recursive: true });

// RSS is sampled only once the bench asks for it (transfers): an idle child must not wake up
// 50 times a second while other children are being measured on the same cores.
let baseline = process.memoryUsage.rss();
let peak = baseline;
let sampler: NodeJS.Timeout | undefined;
const sample = () => {
  const rss = process.memoryUsage.rss();
  if (rss > peak) peak = rss;
};

const server = await (await SERVERS[config.server]())(config);

const seedStarted = performance.now();
const ids = await server.seed(config.seed);
const seedMs = performance.now() - seedStarted;
globalThis.gc?.();

const http = server.server;
http.listen(0, '127.0.0.1', () => {
  send({
    type: 'ready',
    port: (http.address() as AddressInfo).port,
    seedMs,
    ids: ids.slice(0, POOL),
  });
});

process.on('message', (message: Request) => {
  if (sampler) sample();
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
      sampler ??= setInterval(sample, 20).unref();
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
