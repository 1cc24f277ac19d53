import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ANONYMOUS,
  defineAgent,
  MemoryStore,
  type AgentDefinition,
  type CoreResponse,
} from '@agent-protocol/core';
import {
  Body,
  Controller,
  Get,
  Inject,
  Injectable,
  Module,
  Post,
  type INestApplication,
  type ModuleMetadata,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentProtocol, AgentProtocolModule } from '../src/index.js';
import { listen } from './listen.js';

const echo: AgentDefinition = defineAgent({
  info: { name: 'Echo', version: '1.0.0' },
  onStep: ({ input }) => ({ output: `echo: ${input}`, is_last: true }),
});

/** One of the app's own services, injected into the agent's handler through Nest's DI. */
@Injectable()
class Greeter {
  readonly greeted: string[] = [];
  greet(name: string): string {
    this.greeted.push(name);
    return `Hello, ${name}!`;
  }
}

@Module({ providers: [Greeter], exports: [Greeter] })
class GreeterModule {}

/** The app's own routes, which must keep Nest's body parsing. */
@Controller('hello')
class HelloController {
  @Get()
  get(): { hello: string } {
    return { hello: 'world' };
  }

  @Post()
  post(@Body() body: unknown): { received: unknown } {
    return { received: body };
  }
}

async function post(url: string, json: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(json),
  });
}

/** Creates a task and runs one step on it; answers the step. */
async function step(base: string, input: string): Promise<{ output: string }> {
  const task = (await (await post(`${base}/ap/v1/agent/tasks`, {})).json()) as { task_id: string };
  const response = await post(`${base}/ap/v1/agent/tasks/${task.task_id}/steps`, { input });
  expect(response.status).toBe(200);
  return (await response.json()) as { output: string };
}

describe('AgentProtocolModule', () => {
  let dataDir: string;
  let app: INestApplication | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ap-nestjs-'));
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  async function start(
    imports: ModuleMetadata['imports'],
    setup?: (app: INestApplication) => void,
  ) {
    @Module({ imports, controllers: [HelloController] })
    class AppModule {}
    app = await NestFactory.create(AppModule, { logger: false });
    setup?.(app);
    return (await listen(app)).url;
  }

  it('forRoot serves the agent at /ap/v1 next to the app’s own routes', async () => {
    const url = await start([AgentProtocolModule.forRoot({ agent: echo, dataDir })]);
    expect(await step(url, 'hi')).toMatchObject({ output: 'echo: hi' });
    expect(await (await fetch(`${url}/hello`)).json()).toEqual({ hello: 'world' });
  });

  it('forRootAsync builds the agent from the app’s injected services', async () => {
    const url = await start([
      AgentProtocolModule.forRootAsync({
        imports: [GreeterModule],
        inject: [Greeter],
        useFactory: (greeter: Greeter) => ({
          agent: defineAgent({
            info: { name: 'Greeter', version: '1.0.0' },
            onStep: ({ input }) => ({ output: greeter.greet(String(input)), is_last: true }),
          }),
          dataDir,
          store: new MemoryStore(),
        }),
      }),
    ]);
    expect(await step(url, 'Ada')).toMatchObject({ output: 'Hello, Ada!' });
    expect(app!.get(Greeter).greeted).toEqual(['Ada']);
  });

  it('exports the running protocol as AgentProtocol, for the app’s own services', async () => {
    @Injectable()
    class TaskCounter {
      constructor(@Inject(AgentProtocol) private readonly protocol: AgentProtocol) {}
      async count(): Promise<number> {
        return (await this.protocol.service.listTasks(ANONYMOUS, { page: 1, size: 10 })).pagination
          .total_items;
      }
    }
    @Module({
      imports: [AgentProtocolModule.forRoot({ agent: echo, dataDir })],
      providers: [TaskCounter],
    })
    class CounterModule {}
    const url = await start([CounterModule]);
    await step(url, 'one');
    expect(await app!.get(TaskCounter).count()).toBe(1);
  });

  it('serves under the global prefix and its own path, and nowhere else', async () => {
    const url = await start(
      [AgentProtocolModule.forRoot({ agent: echo, dataDir, path: '/agent/' })],
      (app) => app.setGlobalPrefix('api'),
    );
    expect(await step(`${url}/api/agent`, 'prefixed')).toMatchObject({ output: 'echo: prefixed' });
    const outside = await fetch(`${url}/ap/v1/agent/tasks`);
    expect(outside.status).toBe(404);
    expect(await outside.json()).toMatchObject({ statusCode: 404 }); // Nest's own 404
    expect(await (await fetch(`${url}/api/hello`)).json()).toEqual({ hello: 'world' });
  });

  it('serves two agents side by side, each under its own path', async () => {
    const other = defineAgent({
      info: { name: 'Other', version: '1.0.0' },
      onStep: () => ({ output: 'other', is_last: true }),
    });
    const url = await start([
      AgentProtocolModule.forRoot({ agent: echo, dataDir: join(dataDir, 'a'), path: 'a' }),
      AgentProtocolModule.forRoot({ agent: other, dataDir: join(dataDir, 'b'), path: 'b' }),
    ]);
    expect(await step(`${url}/a`, 'x')).toMatchObject({ output: 'echo: x' });
    expect(await step(`${url}/b`, 'x')).toMatchObject({ output: 'other' });
  });

  it('reads its own request bodies: Nest’s body parser and its 100 kB limit stay out of the way', async () => {
    const url = await start([AgentProtocolModule.forRoot({ agent: echo, dataDir })]);
    const large = 'x'.repeat(200 * 1024);
    expect(await step(url, large)).toMatchObject({ output: `echo: ${large}` });
    const malformed = await fetch(`${url}/ap/v1/agent/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"input": ',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: 'bad_request' });
    // The app's own routes still get their bodies parsed by Nest.
    expect(await (await post(`${url}/hello`, { a: 1 })).json()).toEqual({ received: { a: 1 } });
  });

  it('runs the app’s own Express middleware (CORS here) ahead of the protocol', async () => {
    const url = await start([AgentProtocolModule.forRoot({ agent: echo, dataDir })], (app) =>
      app.enableCors({ origin: 'https://client.example' }),
    );
    const response = await fetch(`${url}/ap/v1/agent/info`, {
      headers: { origin: 'https://client.example' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://client.example');
  });

  it('closes the protocol (and its store) when the app shuts down', async () => {
    let closed = 0;
    class ClosingStore extends MemoryStore {
      override async close(): Promise<void> {
        closed += 1;
        await super.close();
      }
    }
    await start([AgentProtocolModule.forRoot({ agent: echo, dataDir, store: new ClosingStore() })]);
    await app!.close();
    app = undefined;
    expect(closed).toBe(1);
  });

  it('answers a failure while writing the response as the core’s JSON error (never Nest’s), and logs it', async () => {
    const unwritable: CoreResponse = {
      status: 200,
      headers: {},
      body: { kind: 'json', value: { size: 1n } }, // JSON.stringify throws on a BigInt
    };
    const logged: string[] = [];
    const logger = { info() {}, error: (message: string) => logged.push(message) };
    const moduleRef = await Test.createTestingModule({
      imports: [AgentProtocolModule.forRoot({ agent: echo, dataDir })],
    })
      .overrideProvider(AgentProtocol)
      .useValue({
        handle: async () => unwritable,
        stop: async () => {},
        close: async () => {},
        logger,
      })
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    const { url } = await listen(app);
    const response = await fetch(`${url}/ap/v1/agent/info`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ message: 'Internal server error.', code: 'internal' });
    expect(logged).toEqual(['GET /ap/v1/agent/info failed while writing the response']);
  });
});
