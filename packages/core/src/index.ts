export {
  defineAgent,
  type AgentDefinition,
  type AgentInfo,
  type AgentInfoInput,
  type Artifact,
  type ClientFunction,
  type SecretDeclaration,
  type ConfigOption,
  type ConfigOptionType,
  type ConfigScope,
  type CreateArtifactInput,
  type HandlerContext,
  type Step,
  type StepHandlerArgs,
  type StepResult,
  type Task,
  type TaskHandlerArgs,
} from './agent.js';
export { createAuthenticator, type Authenticator } from './auth/authenticator.js';
export { authFromEnvironment } from './auth/environment.js';
export {
  ANONYMOUS,
  type ApiKeyAuthOptions,
  type AuthOptions,
  type AuthScheme,
  type BasicAuthOptions,
  type BearerAuthOptions,
  type CommonAuthOptions,
  type CustomAuthOptions,
  type IntrospectionOptions,
  type JwtAuthOptions,
  type JwtVerification,
  type NoAuthOptions,
  type OAuth2AuthOptions,
  type Principal,
  type RequestHeaders,
} from './auth/types.js';
export {
  AgentProtocolError,
  STATUS_BY_CODE,
  toAgentProtocolError,
  type ErrorBody,
  type ErrorCode,
  type IssueLocation,
  type ValidationIssue,
} from './errors.js';
export { DISCOVERY_CACHE_CONTROL, DISCOVERY_PATH, type AgentDiscovery } from './discovery.js';
export { fromIncomingMessage, pathUnder, writeNodeResponse } from './http/node.js';
export { notFoundResponse } from './http/not-found.js';
export { isDiscoveryPath, isProtocolPath, PROBE_PATHS } from './http/paths.js';
export { errorResponse, jsonResponse } from './http/responses.js';
export type { CoreRequest, CoreResponse } from './http/types.js';
export { consoleLogger, silentLogger, type Logger } from './logger.js';
export {
  FunctionCallError,
  SecretDeclinedError,
  type AuthDemand,
  type SecretDemand,
} from './pause.js';
export { CALLBACK_PATH, type OAuthOptions, type OAuthProvider } from './oauth/providers.js';
export { OAUTH_SECRET_PREFIX, oauthSecretKey, type StoredTokens } from './oauth/tokens.js';
export { createAgentProtocol, type AgentProtocol, type AgentProtocolOptions } from './protocol.js';
export type { AgentProtocolLimits } from './limits.js';
export { AgentService } from './service.js';
export { KeyedQueue } from './task-queue.js';
export { stepLimitError } from './auth/step-limit.js';
export { LocalCoordination } from './coordination/local.js';
export type { Coordination, Orphan, Turn, TurnRequest } from './coordination/types.js';
export type { ArtifactFiles } from './store/artifact-files.js';
export { MemoryStore } from './store/memory.js';
export {
  stepBody,
  stepFromRow,
  taskBody,
  taskFromRow,
  type StepRow,
  type TaskRow,
} from './store/bodies.js';
export { SqliteStore, type SqliteStoreOptions } from './store/sqlite.js';
export type {
  ArtifactRecord,
  OAuthLoginRecord,
  SecretRecord,
  StepEventRecord,
  Page,
  PageRequest,
  Reseal,
  StepRecord,
  StepStatus,
  Store,
  TaskRecord,
} from './store/types.js';
