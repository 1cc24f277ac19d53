// Serves one agent through each adapter, loaded with require(), and answers a step on each.
const { defineAgent, createAgentProtocol } = require('@agent-protocol/core');
const { agentRouter: expressRouter } = require('@agent-protocol/express');
const { agentRouter: koaRouter } = require('@agent-protocol/koa');
const { createAgentServer } = require('@agent-protocol/node');
const { openapiDocument } = require('@agent-protocol/spec');
const express = require('express');
const Koa = require('koa');
const { once } = require('node:events');
const { join } = require('node:path');

const dataDir = process.argv[2];
const agent = defineAgent({
  info: { name: 'cjs', version: '1.0.0' },
  onStep: ({ input }) => ({ output: `required: ${input}` }),
});

async function exercise(server) {
  await once(server, 'listening');
  const base = `http://127.0.0.1:${server.address().port}/ap/v1/agent/tasks`;
  const post = (url, body) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.json());
  const task = await post(base, {});
  const step = await post(`${base}/${task.task_id}/steps`, { input: 'hello' });
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  return step.output;
}

(async () => {
  const results = { spec: openapiDocument.paths['/ap/v1/agent/tasks'] !== undefined };
  const viaExpress = expressRouter({ agent, dataDir: join(dataDir, 'express') });
  results.express = await exercise(express().use(viaExpress).listen(0, '127.0.0.1'));
  await viaExpress.protocol.close();
  const viaKoa = koaRouter({ agent, dataDir: join(dataDir, 'koa') });
  results.koa = await exercise(new Koa().use(viaKoa.routes()).listen(0, '127.0.0.1'));
  await viaKoa.protocol.close();
  const viaNode = createAgentServer({
    protocol: createAgentProtocol({ agent, dataDir: join(dataDir, 'node') }),
  });
  viaNode.server.listen(0, '127.0.0.1');
  results.node = await exercise(viaNode.server);
  await viaNode.protocol.close();
  console.log(JSON.stringify(results));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
