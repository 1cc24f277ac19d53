// The main entry: fetch, streams, Blob and TextDecoder only, so it runs in browsers as in Node.
// Node-only helpers (files) are in '@agent-protocol/client/node'.
export {
  createClient,
  type AgentProtocolClient,
  type ListOptions,
  type UploadOptions,
} from './client.js';
export { AgentProtocolClientError } from './errors.js';
export type { UploadSource } from './multipart.js';
export type { ClientAuth, ClientOptions } from './options.js';
export type {
  ClientFunctionImplementation,
  RunEvent,
  RunOptions,
  RunResult,
  SecretProvider,
} from './runner/types.js';
export type { StepEventsOptions } from './step-events.js';
export type {
  AgentInfo,
  Artifact,
  AuthDemand,
  FunctionCall,
  FunctionResult,
  SecretDemand,
  SecretKey,
  Step,
  StepEvent,
  StepRequestBody,
  Task,
  TaskRequestBody,
  ValidationIssue,
} from './types.js';
