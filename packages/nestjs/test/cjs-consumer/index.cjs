// A CommonJS Nest app, as many are: it require()s @agent-protocol/nestjs (an ES module, loaded
// through Node's require(esm), Node >= 20.19), serves an agent and answers one step.
const { Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { defineAgent, MemoryStore } = require('@agent-protocol/core');
const { AgentProtocolModule } = require('@agent-protocol/nestjs');

const agent = defineAgent({
  info: { name: 'CommonJS', version: '1.0.0' },
  onStep: ({ input }) => ({ output: `required: ${input}`, is_last: true }),
});

class AppModule {}
Module({
  imports: [
    AgentProtocolModule.forRoot({ agent, dataDir: process.argv[2], store: new MemoryStore() }),
  ],
})(AppModule);

async function post(url, json) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(json),
  });
  return response.json();
}

async function main() {
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${app.getHttpServer().address().port}/ap/v1/agent/tasks`;
  const task = await post(base, { input: 'from CommonJS' });
  const step = await post(`${base}/${task.task_id}/steps`, { input: 'hello' });
  await app.close();
  console.log(JSON.stringify({ output: step.output }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
