import { Router } from 'express';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const page = fileURLToPath(new URL('../playground/index.html', import.meta.url));
/** The client's browser build (`@agent-protocol/client/browser`), one ES module. */
const clientBundle = createRequire(import.meta.url).resolve('@agent-protocol/client/browser');

/**
 * The "try the agent" page at `/`: a form that runs a task with the browser build of the client,
 * served at `/client.js` (and its source map) from this same origin, so no CORS is needed.
 */
export function playground(): Router {
  return Router()
    .get('/', (_req, res) => res.sendFile(page))
    .get('/client.js', (_req, res) => res.type('text/javascript').sendFile(clientBundle))
    .get('/client.js.map', (_req, res) =>
      res.type('application/json').sendFile(`${clientBundle}.map`),
    );
}
