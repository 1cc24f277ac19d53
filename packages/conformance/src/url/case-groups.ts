import type { ConformanceCase } from '../case.js';
import * as allCases from '../cases/index.js';

/**
 * Short group names a user picks with `--only`, for the case arrays of `src/cases` whose export
 * name would read badly as one (`taskCases` → `tasks`). Any other `<name>Cases` array exported
 * there gets the kebab-case of `<name>` (`oauthCallbackCases` → `oauth-callback`), so a case
 * file added later has a group without a change here.
 */
const NAMES: Record<string, string> = {
  taskCases: 'tasks',
  stepCases: 'steps',
  artifactCases: 'artifacts',
  artifactPathCases: 'artifact-paths',
  paginationCases: 'pagination',
  infoCases: 'info',
  discoveryCases: 'discovery',
  probeCases: 'probes',
  configOptionCases: 'config-options',
  secretCases: 'secrets',
  secretDeclineCases: 'secret-declines',
  clientFunctionCases: 'client-functions',
  backgroundStepCases: 'background-steps',
  httpErrorCases: 'http-errors',
  clientHabitCases: 'client-habits',
};

/** Where a case is in no exported array of its own (never today). */
const OTHER = 'other';

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const isCaseList = (value: unknown): value is readonly ConformanceCase[] =>
  Array.isArray(value) && value.every((c) => typeof (c as ConformanceCase)?.name === 'string');

/**
 * The group of every protocol case (`conformanceCases`), by name: the file it is written in. A
 * case that needs the reference agent's own words is reported in the group `reference-agent`
 * instead (`reference-words.ts`); the auth groups and the isolation cases are named in `plan.ts`.
 */
export function groupByCaseName(): Map<string, string> {
  const groups = new Map<string, string>();
  for (const [exported, value] of Object.entries(allCases)) {
    if (exported === 'conformanceCases' || !exported.endsWith('Cases') || !isCaseList(value))
      continue;
    const group = NAMES[exported] ?? kebab(exported.slice(0, -'Cases'.length));
    for (const testCase of value) groups.set(testCase.name, group);
  }
  for (const testCase of allCases.conformanceCases) {
    if (!groups.has(testCase.name)) groups.set(testCase.name, OTHER);
  }
  return groups;
}
