// The one server-closing helper, from the fixture, shared by the example apps too.
export { closeServer } from '@agent-protocol/conformance';
export { readConfig, type ExampleConfig } from './config.js';
export { checkExampleAuth, checkExampleContract, ContractFailure } from './contract.js';
export { checkKillLosesNothing } from './kill.js';
export { startExampleProcess, type ExampleProcess } from './process.js';
export { runExample, type StartedExample } from './run.js';
