import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import { createServer } from 'node:http';
import { BareTasks, HttpError, errorAnswer } from './bare-tasks.js';
import type { BenchServer } from './types.js';

/**
 * The bare server's work (`bare-tasks.ts`) in plain Koa 3 + @koa/router, as a careful developer
 * would write it: `@koa/bodyparser` (JSON only, 1 MiB) on the routes that take a body, an error
 * middleware answering `{ message, field? }` JSON, and objects assigned to `ctx.body` (Koa
 * serialises them; like the adapter, it computes no ETag).
 */
export function createKoaBare(): BenchServer {
  const tasks = new BareTasks();
  const app = new Koa();
  app.use(async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined)
        throw new HttpError(404, `No route for ${ctx.method} ${ctx.path}.`);
    } catch (error) {
      const { status, body } = errorAnswer(error);
      ctx.status = status;
      ctx.body = body;
    }
  });

  const router = new Router();
  const json = bodyParser({ enableTypes: ['json'], jsonLimit: '1mb' });
  router.post('/ap/v1/agent/tasks', json, (ctx) => {
    ctx.body = tasks.createTask(ctx.request.body);
  });
  router.get('/ap/v1/agent/tasks', (ctx) => {
    ctx.body = tasks.listTasks(ctx.query.current_page, ctx.query.page_size);
  });
  router.get('/ap/v1/agent/tasks/:task_id', (ctx) => {
    ctx.body = tasks.getTask(ctx.params.task_id);
  });
  router.post('/ap/v1/agent/tasks/:task_id/steps', json, (ctx) => {
    ctx.body = tasks.executeStep(ctx.params.task_id, ctx.request.body);
  });
  app.use(router.routes());

  return {
    server: createServer(app.callback()),
    seed: async (count) => tasks.seed(count),
    close: async () => undefined,
  };
}
