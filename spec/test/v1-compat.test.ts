// Wire compatibility with upstream Agent Protocol v1 (OpenAPI 3.0.1). The tables below are our
// own transcription of the v1 contract (PROTOCOL.md section 1): every operation, parameter and
// schema a v1 client relies on. The bundled document must contain each of them unchanged.
// Extensions may add optional properties, operations and error responses, never more.
import { describe, expect, it } from 'vitest';
import type { OpenAPIDocument } from '@agent-protocol/spec';
import {
  asArray,
  deref,
  derefObject,
  isObject,
  listOperations,
  loadBundledSpec,
  refName,
  type JsonObject,
} from './support/bundled-spec.js';

// ---------------------------------------------------------------------------------------------
// The v1 contract
// ---------------------------------------------------------------------------------------------

interface V1Parameter {
  name: string;
  in: 'path' | 'query';
  type: 'string' | 'integer';
  format?: string;
  minimum?: number;
  default?: unknown;
}

interface V1Operation {
  method: string;
  path: string;
  operationId: string;
  parameters: V1Parameter[];
  /** Media type and schema component of the request body, if any. */
  request?: [mediaType: string, schema: string];
  /** Media type and schema component (or inline type/format) of the 200 response. */
  response: [mediaType: string, schema: string | { type: string; format: string }];
}

const taskId: V1Parameter = { name: 'task_id', in: 'path', type: 'string' };
const stepId: V1Parameter = { name: 'step_id', in: 'path', type: 'string' };
const artifactId: V1Parameter = { name: 'artifact_id', in: 'path', type: 'string' };
const paging: V1Parameter[] = [
  { name: 'current_page', in: 'query', type: 'integer', format: 'int32', minimum: 1, default: 1 },
  { name: 'page_size', in: 'query', type: 'integer', format: 'int32', minimum: 1, default: 10 },
];
const json = 'application/json';

const V1_OPERATIONS: V1Operation[] = [
  {
    method: 'post',
    path: '/ap/v1/agent/tasks',
    operationId: 'createAgentTask',
    parameters: [],
    request: [json, 'TaskRequestBody'],
    response: [json, 'Task'],
  },
  {
    method: 'get',
    path: '/ap/v1/agent/tasks',
    operationId: 'listAgentTasks',
    parameters: paging,
    response: [json, 'TaskListResponse'],
  },
  {
    method: 'get',
    path: '/ap/v1/agent/tasks/{task_id}',
    operationId: 'getAgentTask',
    parameters: [taskId],
    response: [json, 'Task'],
  },
  {
    method: 'get',
    path: '/ap/v1/agent/tasks/{task_id}/steps',
    operationId: 'listAgentTaskSteps',
    parameters: [taskId, ...paging],
    response: [json, 'TaskStepsListResponse'],
  },
  {
    method: 'post',
    path: '/ap/v1/agent/tasks/{task_id}/steps',
    operationId: 'executeAgentTaskStep',
    parameters: [taskId],
    request: [json, 'StepRequestBody'],
    response: [json, 'Step'],
  },
  {
    method: 'get',
    path: '/ap/v1/agent/tasks/{task_id}/steps/{step_id}',
    operationId: 'getAgentTaskStep',
    parameters: [taskId, stepId],
    response: [json, 'Step'],
  },
  {
    method: 'get',
    path: '/ap/v1/agent/tasks/{task_id}/artifacts',
    operationId: 'listAgentTaskArtifacts',
    parameters: [taskId, ...paging],
    response: [json, 'TaskArtifactsListResponse'],
  },
  {
    method: 'post',
    path: '/ap/v1/agent/tasks/{task_id}/artifacts',
    operationId: 'uploadAgentTaskArtifacts',
    parameters: [taskId],
    request: ['multipart/form-data', 'ArtifactUpload'],
    response: [json, 'Artifact'],
  },
  {
    method: 'get',
    path: '/ap/v1/agent/tasks/{task_id}/artifacts/{artifact_id}',
    operationId: 'downloadAgentTaskArtifact',
    parameters: [taskId, artifactId],
    response: ['application/octet-stream', { type: 'string', format: 'binary' }],
  },
];

/** A v1 property: its 3.0 type (`nullable` for 3.1's `type: [X, 'null']`), or a component ref. */
interface V1Property {
  type?: 'string' | 'integer' | 'boolean' | 'array' | 'object';
  nullable?: boolean;
  format?: string;
  enum?: string[];
  default?: unknown;
  /** The component the property refers to (`$ref`). */
  ref?: string;
  /** The component the array's items refer to. */
  items?: string;
}

interface V1Schema {
  type: 'object';
  nullable?: boolean;
  /** Exactly these are required: none dropped, none added. */
  required: string[];
  properties: Record<string, V1Property>;
}

const str: V1Property = { type: 'string' };
const int: V1Property = { type: 'integer' };
const nullableString: V1Property = { type: 'string', nullable: true };
const artifacts: V1Property = { type: 'array', items: 'Artifact', default: [] };

/** Task and Step are `allOf` compositions; their properties and required lists are the union. */
const V1_SCHEMAS: Record<string, V1Schema> = {
  Pagination: {
    type: 'object',
    required: ['total_items', 'total_pages', 'current_page', 'page_size'],
    properties: { total_items: int, total_pages: int, current_page: int, page_size: int },
  },
  TaskListResponse: {
    type: 'object',
    required: ['tasks', 'pagination'],
    properties: { tasks: { type: 'array', items: 'Task' }, pagination: { ref: 'Pagination' } },
  },
  TaskStepsListResponse: {
    type: 'object',
    required: ['steps', 'pagination'],
    properties: { steps: { type: 'array', items: 'Step' }, pagination: { ref: 'Pagination' } },
  },
  TaskArtifactsListResponse: {
    type: 'object',
    required: ['artifacts', 'pagination'],
    properties: {
      artifacts: { type: 'array', items: 'Artifact' },
      pagination: { ref: 'Pagination' },
    },
  },
  TaskInput: { type: 'object', required: [], properties: {} },
  StepInput: { type: 'object', required: [], properties: {} },
  StepOutput: { type: 'object', nullable: true, required: [], properties: {} },
  Artifact: {
    type: 'object',
    required: ['artifact_id', 'agent_created', 'file_name'],
    properties: {
      artifact_id: str,
      agent_created: { type: 'boolean' },
      file_name: str,
      relative_path: nullableString,
    },
  },
  ArtifactUpload: {
    type: 'object',
    required: ['file'],
    properties: { file: { type: 'string', format: 'binary' }, relative_path: str },
  },
  TaskRequestBody: {
    type: 'object',
    required: [],
    properties: { input: nullableString, additional_input: { ref: 'TaskInput' } },
  },
  Task: {
    type: 'object',
    required: ['task_id', 'artifacts'],
    properties: {
      input: nullableString,
      additional_input: { ref: 'TaskInput' },
      task_id: str,
      artifacts,
    },
  },
  StepRequestBody: {
    type: 'object',
    required: [],
    properties: { input: nullableString, additional_input: { ref: 'StepInput' } },
  },
  Step: {
    type: 'object',
    required: ['step_id', 'task_id', 'status', 'is_last', 'artifacts'],
    properties: {
      input: nullableString,
      additional_input: { ref: 'StepInput' },
      task_id: str,
      step_id: str,
      name: nullableString,
      status: { type: 'string', enum: ['created', 'running', 'completed'] },
      output: nullableString,
      additional_output: { ref: 'StepOutput' },
      artifacts,
      is_last: { type: 'boolean', default: false },
    },
  },
};

/** The security scheme upstream v1 declares. */
const V1_SECURITY_SCHEME = { name: 'HTTPBearer', type: 'http', scheme: 'bearer' };

// ---------------------------------------------------------------------------------------------
// The check
// ---------------------------------------------------------------------------------------------

/** A 3.1 `type` as the 3.0 pair (type, nullable). */
function typeOf(schema: JsonObject): { type: unknown; nullable: boolean } {
  if (Array.isArray(schema.type)) {
    const types = schema.type.filter((t) => t !== 'null');
    return {
      type: types.length === 1 ? types[0] : types,
      nullable: types.length < schema.type.length,
    };
  }
  return { type: schema.type, nullable: schema.nullable === true };
}

/** A schema's own properties and required list merged with those of its `allOf` members. */
function flatten(
  doc: OpenAPIDocument,
  node: unknown,
): { schemas: JsonObject[]; props: JsonObject; required: string[] } {
  const schema = derefObject(doc, node);
  const schemas = [schema];
  const props: JsonObject = { ...(isObject(schema.properties) ? schema.properties : {}) };
  const required = asArray(schema.required).map(String);
  for (const member of asArray(schema.allOf)) {
    const inner = flatten(doc, member);
    schemas.push(...inner.schemas);
    Object.assign(props, inner.props);
    required.push(...inner.required);
  }
  return { schemas, props, required: [...new Set(required)] };
}

function checkProperty(
  doc: OpenAPIDocument,
  where: string,
  node: unknown,
  want: V1Property,
): string[] {
  const problems: string[] = [];
  if (want.ref !== undefined) {
    if (refName(node) !== want.ref)
      problems.push(`${where} must be a $ref to ${want.ref}, got ${JSON.stringify(node)}`);
    return problems;
  }
  const schema = derefObject(doc, node);
  const { type, nullable } = typeOf(schema);
  if (type !== want.type)
    problems.push(`${where} type must be ${want.type}, got ${JSON.stringify(type)}`);
  if (nullable !== (want.nullable ?? false))
    problems.push(`${where} nullable must be ${want.nullable ?? false}`);
  if (want.format !== undefined && schema.format !== want.format) {
    problems.push(`${where} format must be ${want.format}, got ${String(schema.format)}`);
  }
  if (want.enum !== undefined && JSON.stringify(schema.enum) !== JSON.stringify(want.enum)) {
    problems.push(
      `${where} enum must be ${JSON.stringify(want.enum)}, got ${JSON.stringify(schema.enum)}`,
    );
  }
  if ('default' in want && JSON.stringify(schema.default) !== JSON.stringify(want.default)) {
    problems.push(
      `${where} default must be ${JSON.stringify(want.default)}, got ${JSON.stringify(schema.default)}`,
    );
  }
  if (want.items !== undefined && refName(schema.items) !== want.items) {
    problems.push(
      `${where} items must be a $ref to ${want.items}, got ${JSON.stringify(schema.items)}`,
    );
  }
  return problems;
}

function checkSchema(doc: OpenAPIDocument, name: string, want: V1Schema): string[] {
  const where = `schema ${name}`;
  const node = doc.components.schemas?.[name];
  if (node === undefined) return [`${where} is missing`];
  const problems: string[] = [];
  const { schemas, props, required } = flatten(doc, node);
  const types = schemas.map(typeOf).filter((t) => t.type !== undefined);
  if (!types.every((t) => t.type === want.type && t.nullable === (want.nullable ?? false))) {
    problems.push(
      `${where} must be type ${want.type}${want.nullable ? ' (nullable)' : ''}, got ${JSON.stringify(types)}`,
    );
  }
  if (schemas.some((s) => s.additionalProperties === false)) {
    problems.push(
      `${where} must not set additionalProperties: false (v1 clients send unknown keys)`,
    );
  }
  if (JSON.stringify([...required].sort()) !== JSON.stringify([...want.required].sort())) {
    problems.push(
      `${where} required must be exactly ${JSON.stringify(want.required)}, got ${JSON.stringify(required)}`,
    );
  }
  for (const [prop, wantProp] of Object.entries(want.properties)) {
    if (!(prop in props)) problems.push(`${where} property ${prop} is missing`);
    else problems.push(...checkProperty(doc, `${where} property ${prop}`, props[prop], wantProp));
  }
  return problems;
}

function checkParameter(
  where: string,
  actual: JsonObject | undefined,
  want: V1Parameter,
): string[] {
  if (actual === undefined) return [`${where} parameter ${want.name} (${want.in}) is missing`];
  const problems: string[] = [];
  const schema = isObject(actual.schema) ? actual.schema : {};
  const got = {
    type: schema.type,
    format: schema.format,
    minimum: schema.minimum,
    default: schema.default,
  };
  const expected = {
    type: want.type,
    format: want.format,
    minimum: want.minimum,
    default: want.default,
  };
  if (JSON.stringify(got) !== JSON.stringify(expected)) {
    problems.push(
      `${where} parameter ${want.name} must be ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`,
    );
  }
  if ((actual.required === true) !== (want.in === 'path')) {
    problems.push(
      `${where} parameter ${want.name} must be ${want.in === 'path' ? 'required' : 'optional'}`,
    );
  }
  return problems;
}

function checkOperation(doc: OpenAPIDocument, want: V1Operation): string[] {
  const where = `${want.method.toUpperCase()} ${want.path}`;
  const entry = listOperations(doc).find((e) => e.path === want.path && e.method === want.method);
  if (entry === undefined) return [`${where} is missing`];
  const { operation, parameters } = entry;
  const problems: string[] = [];
  if (operation.operationId !== want.operationId) {
    problems.push(
      `${where} operationId must be ${want.operationId}, got ${String(operation.operationId)}`,
    );
  }
  for (const param of want.parameters) {
    const actual = parameters.find((p) => p.name === param.name && p.in === param.in);
    problems.push(...checkParameter(where, actual, param));
  }
  for (const extra of parameters) {
    const known = want.parameters.some((p) => p.name === extra.name && p.in === extra.in);
    if (!known && extra.required === true)
      problems.push(`${where} must not require the new parameter ${String(extra.name)}`);
  }
  if (want.request !== undefined) {
    const [mediaType, schemaName] = want.request;
    const content = derefObject(doc, operation.requestBody).content;
    const media = isObject(content) ? content[mediaType] : undefined;
    if (!isObject(media) || refName(media.schema) !== schemaName) {
      problems.push(`${where} request body must be ${mediaType} ${schemaName}`);
    }
  } else if (operation.requestBody !== undefined) {
    problems.push(`${where} must not declare a request body`);
  }
  const [mediaType, schema] = want.response;
  const ok = deref(doc, isObject(operation.responses) ? operation.responses['200'] : undefined);
  const media = isObject(ok) && isObject(ok.content) ? ok.content[mediaType] : undefined;
  const actualSchema = isObject(media) ? media.schema : undefined;
  const matches =
    typeof schema === 'string'
      ? refName(actualSchema) === schema
      : isObject(actualSchema) &&
        actualSchema.type === schema.type &&
        actualSchema.format === schema.format;
  if (!matches)
    problems.push(`${where} 200 response must be ${mediaType} ${JSON.stringify(schema)}`);
  return problems;
}

/** Every way the document breaks the v1 contract, in words. Empty when it is compatible. */
function findV1Incompatibilities(doc: OpenAPIDocument): string[] {
  const problems: string[] = [];
  for (const operation of V1_OPERATIONS) problems.push(...checkOperation(doc, operation));
  for (const [name, schema] of Object.entries(V1_SCHEMAS))
    problems.push(...checkSchema(doc, name, schema));
  const scheme = doc.components.securitySchemes?.[V1_SECURITY_SCHEME.name];
  if (
    !isObject(scheme) ||
    scheme.type !== V1_SECURITY_SCHEME.type ||
    scheme.scheme !== V1_SECURITY_SCHEME.scheme
  ) {
    problems.push(
      `security scheme ${V1_SECURITY_SCHEME.name} must be http ${V1_SECURITY_SCHEME.scheme}`,
    );
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

describe('v1 compatibility', () => {
  it('keeps every v1 operation, parameter, schema, required list and enum unchanged', () => {
    expect(findV1Incompatibilities(loadBundledSpec())).toEqual([]);
  });

  it('covers all nine v1 operations', () => {
    expect(V1_OPERATIONS.map((o) => o.operationId)).toHaveLength(9);
  });

  // The check must catch a break: each case breaks a fresh copy of the document and names the
  // problem it must cause.
  const breaks: Array<[string, (doc: OpenAPIDocument) => void, string]> = [
    [
      'a renamed operationId',
      (doc) => (op(doc, '/ap/v1/agent/tasks/{task_id}', 'get').operationId = 'fetchTask'),
      'operationId must be getAgentTask',
    ],
    [
      'a removed enum value',
      (doc) => (stepStatus(doc).enum = ['created', 'completed']),
      'schema Step property status enum',
    ],
    [
      'an added enum value',
      (doc) => (stepStatus(doc).enum = ['created', 'running', 'completed', 'paused']),
      'schema Step property status enum',
    ],
    [
      'a new required field',
      (doc) => schema(doc, 'Artifact').required.push('created_at'),
      'schema Artifact required must be exactly',
    ],
    [
      'a dropped required field',
      (doc) => (schema(doc, 'Pagination').required = ['total_items']),
      'schema Pagination required must be exactly',
    ],
    [
      'additionalProperties: false',
      (doc) => (schema(doc, 'TaskRequestBody').additionalProperties = false),
      'schema TaskRequestBody must not set additionalProperties: false',
    ],
    [
      'a nullable made non-nullable',
      (doc) => (schema(doc, 'Artifact').properties.relative_path!.type = 'string'),
      'schema Artifact property relative_path nullable must be true',
    ],
    [
      'a changed page_size default',
      (doc) => (parameter(doc, 'PageSize').schema.default = 20),
      'parameter page_size must be',
    ],
    [
      'a removed operation',
      (doc) => delete doc.paths['/ap/v1/agent/tasks/{task_id}/artifacts/{artifact_id}'],
      'GET /ap/v1/agent/tasks/{task_id}/artifacts/{artifact_id} is missing',
    ],
    [
      'a removed property',
      (doc) => delete schema(doc, 'Artifact').properties.file_name,
      'schema Artifact property file_name is missing',
    ],
    [
      'a removed security scheme',
      (doc) => delete doc.components.securitySchemes!.HTTPBearer,
      'security scheme HTTPBearer',
    ],
  ];

  it.each(breaks)('fails on %s', (_name, breakIt, expected) => {
    const doc = loadBundledSpec();
    breakIt(doc);
    expect(findV1Incompatibilities(doc).join('\n')).toContain(expected);
  });
});

type MutableSchema = JsonObject & { required: string[]; properties: Record<string, JsonObject> };

function schema(doc: OpenAPIDocument, name: string): MutableSchema {
  return doc.components.schemas![name] as MutableSchema;
}

function op(doc: OpenAPIDocument, path: string, method: string): JsonObject {
  return (doc.paths[path] as Record<string, JsonObject>)[method]!;
}

function parameter(doc: OpenAPIDocument, name: string): { schema: JsonObject } {
  return doc.components.parameters![name] as { schema: JsonObject };
}

function stepStatus(doc: OpenAPIDocument): JsonObject {
  const members = schema(doc, 'Step').allOf as MutableSchema[];
  return members.find((m) => m.properties?.status)!.properties.status!;
}
