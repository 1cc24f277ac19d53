// Typechecked as a CommonJS TypeScript project would compile it (tsconfig.node10.json,
// tsconfig.nodenext.json): every package's types must resolve, and be the real ones.
import {
  createAgentProtocol,
  defineAgent,
  type AgentProtocol,
  type Step,
} from '@agent-protocol/core';
import { agentRouter as expressRouter } from '@agent-protocol/express';
import { agentMiddleware, agentRouter as koaRouter } from '@agent-protocol/koa';
import { createAgentServer, createRequestListener } from '@agent-protocol/node';
import type { components } from '@agent-protocol/spec';

const agent = defineAgent({
  info: { name: 'typed', version: '1.0.0' },
  onStep: ({ input, ctx }) => ({
    output: `${ctx.principal.id}: ${input}`,
    is_last: input === 'finish',
  }),
});

const protocol: AgentProtocol = createAgentProtocol({ agent, dataDir: '.agent-data' });
export const routers = [expressRouter({ protocol }), koaRouter({ protocol, prefix: '/agent' })];
export const middleware = agentMiddleware(protocol);
export const listener = createRequestListener({ protocol, basePath: '/agent' });
export const server = createAgentServer({ protocol });

export const step: Step = {
  task_id: 't',
  step_id: 's',
  status: 'completed',
  is_last: false,
  artifacts: [],
  function_calls: [{ id: 'c', name: 'send_email', arguments: { to: 'a@example.com' } }],
};
export const info: components['schemas']['AgentInfo'] = { name: 'n', protocol: 1, version: '1' };

// @ts-expect-error -- the types are real: a step's status is an enum, not any string
export const wrong: Step = { ...step, status: 'paused' };
