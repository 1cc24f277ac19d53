import 'reflect-metadata';
import {
  Body,
  Catch,
  Controller,
  Get,
  HttpCode,
  Inject,
  Module,
  Param,
  Post,
  Query,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Response } from 'express';
import { BareTasks, HttpError, errorAnswer } from './bare-tasks.js';
import type { BenchServer } from './types.js';

/*
 * The bare server's work (`bare-tasks.ts`) as an ordinary NestJS 11 app on the default Express
 * platform: a controller with route decorators, the store injected as a provider, `@Body()` from
 * Nest's JSON body parser (1 MiB, as `app.useBodyParser` sets it), errors rendered by an exception
 * filter, and handlers returning plain objects for Nest to serialise.
 *
 * tsx compiles this file with esbuild, which applies the legacy decorators (bench/tsconfig.json:
 * `experimentalDecorators`) but emits no `design:paramtypes` metadata: every constructor
 * dependency names its token with `@Inject(...)` instead, which Nest reads without metadata.
 */

@Controller('ap/v1/agent/tasks')
class TasksController {
  constructor(@Inject(BareTasks) private readonly tasks: BareTasks) {}

  @Post()
  @HttpCode(200)
  create(@Body() body: unknown) {
    return this.tasks.createTask(body);
  }

  @Get()
  list(@Query('current_page') currentPage?: string, @Query('page_size') pageSize?: string) {
    return this.tasks.listTasks(currentPage, pageSize);
  }

  @Get(':task_id')
  get(@Param('task_id') taskId: string) {
    return this.tasks.getTask(taskId);
  }

  @Post(':task_id/steps')
  @HttpCode(200)
  step(@Param('task_id') taskId: string, @Body() body: unknown) {
    return this.tasks.executeStep(taskId, body);
  }
}

/** The bare server's own errors as `{ message, field? }` JSON; Nest renders everything else. */
@Catch(HttpError)
class HttpErrorFilter implements ExceptionFilter {
  catch(error: HttpError, host: ArgumentsHost) {
    const { status, body } = errorAnswer(error);
    host.switchToHttp().getResponse<Response>().status(status).json(body);
  }
}

export async function createNestBare(): Promise<BenchServer> {
  const tasks = new BareTasks();

  @Module({ controllers: [TasksController], providers: [{ provide: BareTasks, useValue: tasks }] })
  class AppModule {}

  const app = await NestFactory.create<NestExpressApplication>(AppModule, { logger: false });
  app.set('etag', false); // the adapter writes responses without an ETag; do the same work
  app.useBodyParser('json', { limit: '1mb' }); // the adapter's JSON limit (Nest's default: 100 kB)
  app.useGlobalFilters(new HttpErrorFilter());
  await app.init();
  return {
    server: app.getHttpServer(),
    seed: async (count) => tasks.seed(count),
    close: () => app.close(),
  };
}
