import type { ConformanceCase } from '../case.js';
import { agentBehaviourCases } from './agent-behaviour.js';
import { artifactPathCases } from './artifact-paths.js';
import { artifactCases } from './artifacts.js';
import { clientHabitCases } from './client-habits.js';
import { configOptionCases } from './config-options.js';
import { httpErrorCases } from './http-errors.js';
import { infoCases } from './info.js';
import { paginationCases } from './pagination.js';
import { stepCases } from './steps.js';
import { taskCases } from './tasks.js';

export {
  agentBehaviourCases,
  artifactCases,
  artifactPathCases,
  clientHabitCases,
  configOptionCases,
  httpErrorCases,
  infoCases,
  paginationCases,
  stepCases,
  taskCases,
};

/** Every conformance case, by area. Names are unique across the whole table. */
export const conformanceCases: readonly ConformanceCase[] = [
  ...taskCases,
  ...stepCases,
  ...artifactCases,
  ...artifactPathCases,
  ...paginationCases,
  ...infoCases,
  ...configOptionCases,
  ...agentBehaviourCases,
  ...httpErrorCases,
  ...clientHabitCases,
];
