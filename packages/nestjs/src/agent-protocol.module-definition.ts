import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { AgentProtocolModuleOptions } from './agent-protocol.options.js';

export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: AGENT_PROTOCOL_MODULE_OPTIONS,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<AgentProtocolModuleOptions>()
  .setClassMethodName('forRoot')
  .build();

/** What `AgentProtocolModule.forRootAsync()` takes: `imports`, `inject`, `useFactory`, ... */
export type AgentProtocolModuleAsyncOptions = typeof ASYNC_OPTIONS_TYPE;
