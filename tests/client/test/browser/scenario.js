// Run as a module in the example app's page (/), with the browser build it serves at /client.js:
// a task, a streamed background step, an upload and a download, and a whole run.
/* global location, performance, Blob, File, FormData, fetch, Response, window -- a module run in the browser page */
import { createClient } from '/client.js';

const client = createClient({ baseUrl: location.origin });
const started = performance.now();
const at = () => Math.round(performance.now() - started);
try {
  const info = await client.info();
  const task = await client.tasks.create({ input: 'from the browser' });
  const step = await client.steps.start(task.task_id, { input: 'stream 3 50' });
  const events = [];
  for await (const event of client.steps.events(task.task_id, step.step_id)) {
    events.push({
      id: event.id,
      event: event.event,
      text: event.event === 'output.delta' ? event.data.text : undefined,
      output: event.event === 'step.completed' ? event.data.output : undefined,
      at: at(),
    });
  }
  const blob = new Blob(['bytes from a page']);
  const artifact = await client.artifacts.upload(task.task_id, blob, {
    fileName: 'page.txt',
  });
  const downloaded = await new Response(
    await client.artifacts.download(task.task_id, artifact.artifact_id),
  ).text();
  // A page's own form upload: the browser writes the quotes of the name as %22.
  const form = new FormData();
  form.append('file', new File(['quoted'], 'say "hi".txt'));
  const posted = await fetch(`/ap/v1/agent/tasks/${task.task_id}/artifacts`, {
    method: 'POST',
    body: form,
  });
  const formUpload = (await posted.json()).file_name;
  const runEvents = [];
  const run = await client.run('stream 2 30', {
    onEvent: (e) => runEvents.push(e.type === 'output' ? `output ${e.text}` : e.type),
  });
  window.__result = {
    ok: true,
    capabilities: info.capabilities,
    events,
    downloaded,
    formUpload,
    run: { ended: run.ended, events: runEvents },
  };
} catch (error) {
  window.__result = { ok: false, error: String(error && error.stack ? error.stack : error) };
}
