import type { AuthCaseGroup } from '../auth-group.js';
import type { ConformanceCase } from '../case.js';
import { agentBehaviourCases } from './agent-behaviour.js';
import { apiKeyGroup, apiKeyHeaderGroup } from './auth-api-key.js';
import { basicGroup } from './auth-basic.js';
import { bearerGroup } from './auth-bearer.js';
import { customGroup } from './auth-custom.js';
import { jwtJwksDownGroup, jwtJwksGroup } from './auth-jwks.js';
import { jwtSecretGroup } from './auth-jwt.js';
import { noAuthGroup } from './auth-none.js';
import {
  oauth2IntrospectionDownGroup,
  oauth2IntrospectionGroup,
  oauth2IntrospectionRefusedGroup,
  oauth2IntrospectionTtlGroup,
} from './auth-oauth2-introspection.js';
import { oauth2JwksGroup, oauth2JwtScopesGroup } from './auth-oauth2-jwks.js';
import { artifactPathCases } from './artifact-paths.js';
import { artifactCases } from './artifacts.js';
import { backgroundStepCases } from './background-steps.js';
import { benchmarkFlowCases } from './benchmark-flow.js';
import { clientFunctionCases } from './client-functions.js';
import { clientHabitCases } from './client-habits.js';
import { configOptionCases } from './config-options.js';
import { discoveryAuthGroup, discoveryCases } from './discovery.js';
import { httpErrorCases } from './http-errors.js';
import { infoCases } from './info.js';
import { jsonDepthCases } from './json-depth.js';
import { oauthCallbackAuthGroup, oauthCallbackCases } from './oauth-callback.js';
import { paginationCases } from './pagination.js';
import { probeCases, probesAuthGroup } from './probes.js';
import { secretDeclineCases } from './secret-declines.js';
import { secretCases } from './secrets.js';
import { secretsBearerGroup } from './secrets-isolation.js';
import { stepCases } from './steps.js';
import { taskCases } from './tasks.js';

export {
  agentBehaviourCases,
  apiKeyGroup,
  apiKeyHeaderGroup,
  basicGroup,
  bearerGroup,
  customGroup,
  jwtJwksDownGroup,
  jwtJwksGroup,
  jwtSecretGroup,
  noAuthGroup,
  oauth2IntrospectionDownGroup,
  oauth2IntrospectionGroup,
  oauth2IntrospectionRefusedGroup,
  oauth2IntrospectionTtlGroup,
  oauth2JwksGroup,
  oauth2JwtScopesGroup,
  artifactCases,
  artifactPathCases,
  backgroundStepCases,
  benchmarkFlowCases,
  clientFunctionCases,
  clientHabitCases,
  configOptionCases,
  discoveryAuthGroup,
  discoveryCases,
  httpErrorCases,
  infoCases,
  jsonDepthCases,
  oauthCallbackAuthGroup,
  oauthCallbackCases,
  paginationCases,
  probeCases,
  probesAuthGroup,
  secretCases,
  secretDeclineCases,
  secretsBearerGroup,
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
  ...discoveryCases,
  ...probeCases,
  ...configOptionCases,
  ...agentBehaviourCases,
  ...benchmarkFlowCases,
  ...backgroundStepCases,
  ...httpErrorCases,
  ...jsonDepthCases,
  ...clientHabitCases,
  ...secretCases,
  ...secretDeclineCases,
  ...clientFunctionCases,
  ...oauthCallbackCases,
];

/**
 * Every auth case, in groups by the server configuration they need (PROTOCOL.md section 3): each
 * strategy of the core, each group's cases on servers started with its `auth`, the secrets
 * of two principals kept apart (section 4), and the discovery document of an agent that requires
 * credentials (section 7).
 */
export const authCaseGroups: readonly AuthCaseGroup[] = [
  noAuthGroup,
  apiKeyGroup,
  apiKeyHeaderGroup,
  basicGroup,
  bearerGroup,
  jwtSecretGroup,
  jwtJwksGroup,
  jwtJwksDownGroup,
  oauth2JwksGroup,
  oauth2JwtScopesGroup,
  oauth2IntrospectionGroup,
  oauth2IntrospectionTtlGroup,
  oauth2IntrospectionRefusedGroup,
  oauth2IntrospectionDownGroup,
  customGroup,
  secretsBearerGroup,
  discoveryAuthGroup,
  probesAuthGroup,
  oauthCallbackAuthGroup,
];
