// Typechecked as a CommonJS TypeScript project would compile it (tsconfig.node10.json,
// tsconfig.nodenext.json): the package's types must resolve, and be the real ones.
import { ANONYMOUS, defineAgent } from '@agent-protocol/core';
import {
  AgentProtocol,
  AgentProtocolModule,
  type AgentProtocolModuleOptions,
} from '@agent-protocol/nestjs';
import { Inject, Injectable, Module } from '@nestjs/common';

@Injectable()
export class Greeter {
  greet(name: string): string {
    return `Hello, ${name}!`;
  }
}

@Module({ providers: [Greeter], exports: [Greeter] })
export class GreeterModule {}

@Injectable()
export class TaskCounter {
  constructor(@Inject(AgentProtocol) private readonly protocol: AgentProtocol) {}

  async count(): Promise<number> {
    const page = await this.protocol.service.listTasks(ANONYMOUS, { page: 1, size: 1 });
    return page.pagination.total_items;
  }
}

const options = (greeter: Greeter): AgentProtocolModuleOptions => ({
  agent: defineAgent({
    info: { name: 'Greeter', version: '1.0.0' },
    onStep: ({ input }) => ({ output: greeter.greet(String(input)) }),
  }),
  path: 'agent',
});

@Module({
  imports: [
    AgentProtocolModule.forRootAsync({
      imports: [GreeterModule],
      inject: [Greeter],
      useFactory: options,
    }),
  ],
  providers: [TaskCounter],
})
export class AppModule {}

// @ts-expect-error `path` is a string: this only compiles if the types resolved (not `any`).
AgentProtocolModule.forRoot({ agent: options(new Greeter()).agent, path: 42 });
