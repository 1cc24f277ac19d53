export { closeHttpServer } from './close.js';
export { readConfig, type ExampleConfig } from './config.js';
export { checkExampleAuth, checkExampleContract, ContractFailure } from './contract.js';
export { startExampleProcess, type ExampleProcess } from './process.js';
export { runExample, type StartedExample } from './run.js';
