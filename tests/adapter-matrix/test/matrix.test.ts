import { fixtureOnEveryAdapter } from '../src/every-adapter.js';

// The whole fixture on Express, Koa, NestJS and node:http with the embedded store, compared case
// for case.
fixtureOnEveryAdapter();
