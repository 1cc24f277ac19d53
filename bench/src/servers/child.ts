/**
 * A server child process: builds one server (`servers/index.ts`), seeds it, starts it on
 * 127.0.0.1:0, reports its port and the first seeded task ids, then answers the bench's IPC
 * requests for its own CPU time and RSS. Run as `child.ts <json ChildConfig>`.
 */
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import {
  POOL,
  type ChildConfig,
  type ChildMessage,
  type MemoryBreakdown,
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
// Where the memory is (V8 heap, Buffers), at the baseline and at the peak: read only when the
// peak moves, so sampling stays one cheap RSS read.
let usage = { baseline: breakdown(), peak: breakdown() };
let sampler: NodeJS.Timeout | undefined;
const sample = () => {
  const rss = process.memoryUsage.rss();
  if (rss > peak) {
    peak = rss;
    usage.peak = breakdown();
  }
};

function breakdown(): MemoryBreakdown {
  const { heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  return { heapUsed, heapTotal, external, arrayBuffers };
}

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

// `--profile`: one CPU profile per measurement, started and stopped by the bench around it, so a
// profile shows one operation alone (the child serves create, get and step in turn).
let profiler: Session | undefined;
async function profile(command: 'profile-start' | 'profile-stop', file?: string): Promise<void> {
  if (command === 'profile-start') {
    if (!profiler) {
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.setSamplingInterval', { interval: 250 }); // µs
    }
    await profiler.post('Profiler.start');
    return;
  }
  const { profile } = await profiler!.post('Profiler.stop');
  mkdirSync(dirname(file!), { recursive: true });
  await writeFile(file!, JSON.stringify(profile));
}

process.on('message', (message: Request) => {
  if (sampler) sample();
  let value: unknown;
  switch (message.command) {
    case 'profile-start':
    case 'profile-stop':
      void profile(message.command, message.file).then(
        () => send({ type: 'reply', id: message.id, value: null }),
        (error: unknown) => {
          console.error(`${config.server}: ${message.command} failed`, error);
          process.exit(1);
        },
      );
      return;
    case 'cpu': {
      const { user, system } = process.cpuUsage();
      value = { micros: user + system };
      break;
    }
    case 'rss-reset':
      globalThis.gc?.();
      baseline = process.memoryUsage.rss();
      peak = baseline;
      usage = { baseline: breakdown(), peak: breakdown() };
      sampler ??= setInterval(sample, 20).unref();
      value = { baseline, peak, usage } satisfies RssSample;
      break;
    case 'rss-peak':
      value = { baseline, peak, usage } satisfies RssSample;
      break;
    case 'connections':
      // The server's open sockets: shows the bench that the server, not the client, closed one.
      http.getConnections((error, count) => {
        send({ type: 'reply', id: message.id, value: error ? -1 : count });
      });
      return;
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
