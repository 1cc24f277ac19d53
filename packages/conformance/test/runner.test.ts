import { runConformance, startReferenceServer } from '../src/index.js';

runConformance('node:http (the core bridge, no framework)', startReferenceServer);
