import { defineAgent, type AgentDefinition } from '@agent-protocol/core';

/**
 * The agent both servers imitate: a step's output echoes its input. Deliberately trivial, so
 * the numbers measure the HTTP layer and the protocol around the agent, not the agent.
 */
export const echoAgent: AgentDefinition = defineAgent({
  info: { name: 'bench-echo', version: '0.0.0', description: 'Echoes step input as output.' },
  onStep: ({ input }) => ({ output: input ?? '', is_last: false }),
});
