// The extension surface the server is written against (PROTOCOL.md sections 2-5): operation and
// component names, the security of every operation, and the error responses each documents.
import { describe, expect, it } from 'vitest';
import {
  derefObject,
  isObject,
  listOperations,
  loadBundledSpec,
  refName,
  type JsonObject,
} from './support/bundled-spec.js';

const doc = loadBundledSpec();
const operations = listOperations(doc);

const PROTECTED = [
  { ApiKeyAuth: [] },
  { BasicAuth: [] },
  { HTTPBearer: [] },
  { JWTAuth: [] },
  { OAuth2: [] },
  {},
];
/** The info endpoints answer anonymous callers too (with a public subset). */
const PUBLIC = [{}, ...PROTECTED.slice(0, -1)];
/** The discovery document never looks at credentials: the same for everyone, so cacheable. */
const ANONYMOUS = [{}];

/** Every operation: its security and exactly the 4xx responses it documents. */
const OPERATIONS: Array<
  [operationId: string, route: string, security: object[], errors: number[]]
> = [
  ['createAgentTask', 'POST /ap/v1/agent/tasks', PROTECTED, [400, 401, 403, 413, 415, 422]],
  ['listAgentTasks', 'GET /ap/v1/agent/tasks', PROTECTED, [401, 403, 422]],
  ['getAgentTask', 'GET /ap/v1/agent/tasks/{task_id}', PROTECTED, [401, 403, 404]],
  ['listAgentTaskSteps', 'GET /ap/v1/agent/tasks/{task_id}/steps', PROTECTED, [401, 403, 404, 422]],
  [
    'executeAgentTaskStep',
    'POST /ap/v1/agent/tasks/{task_id}/steps',
    PROTECTED,
    [400, 401, 403, 404, 409, 413, 415, 422, 429],
  ],
  [
    'getAgentTaskStep',
    'GET /ap/v1/agent/tasks/{task_id}/steps/{step_id}',
    PROTECTED,
    [401, 403, 404],
  ],
  [
    'listAgentTaskArtifacts',
    'GET /ap/v1/agent/tasks/{task_id}/artifacts',
    PROTECTED,
    [401, 403, 404, 422],
  ],
  [
    'uploadAgentTaskArtifacts',
    'POST /ap/v1/agent/tasks/{task_id}/artifacts',
    PROTECTED,
    [400, 401, 403, 404, 413, 415, 422],
  ],
  [
    'downloadAgentTaskArtifact',
    'GET /ap/v1/agent/tasks/{task_id}/artifacts/{artifact_id}',
    PROTECTED,
    [401, 403, 404],
  ],
  ['getAgentInfo', 'GET /ap/v1/agent/info', PUBLIC, [401]],
  ['getAgentInfoV2', 'GET /ap/v2/agent/info', PUBLIC, [401]],
  ['getAgentDiscovery', 'GET /.well-known/agent-protocol', ANONYMOUS, [404]],
  ['listAgentSecretKeys', 'GET /ap/v1/agent/secrets', PROTECTED, [401, 403, 422]],
  ['addAgentSecret', 'POST /ap/v1/agent/secrets', PROTECTED, [400, 401, 403, 413, 415, 422]],
  ['revokeAgentSecret', 'DELETE /ap/v1/agent/secrets/{secret_id}', PROTECTED, [401, 403, 404]],
];

/** The 2xx response of each extension operation: status and schema component (none for 204). */
const EXTENSION_SUCCESS: Record<string, [status: string, schema: string | undefined]> = {
  getAgentInfo: ['200', 'AgentInfo'],
  getAgentInfoV2: ['200', 'AgentInfo'],
  getAgentDiscovery: ['200', 'AgentDiscovery'],
  listAgentSecretKeys: ['200', 'TaskSecretKeysListResponse'],
  addAgentSecret: ['200', 'SecretKey'],
  revokeAgentSecret: ['204', undefined],
};

/** Required list, and the enum of a property, of the extension schemas. */
const EXTENSION_SCHEMAS: Record<string, { required: string[]; enums?: Record<string, string[]> }> =
  {
    AgentInfo: { required: ['name', 'protocol', 'version'] },
    ConfigOption: {
      required: ['type', 'default', 'description'],
      enums: { type: ['string', 'integer', 'float', 'boolean', 'list', 'dict'] },
    },
    AuthInfo: { required: ['schemes'] },
    SecretDemandInfo: { required: ['name', 'description'] },
    ClientFunction: { required: ['name', 'description', 'parameters'] },
    SecretDemand: { required: ['key', 'name', 'description'] },
    FunctionCall: { required: ['id', 'name', 'arguments'] },
    FunctionResult: { required: ['id'] },
    TaskSecretKeysListResponse: { required: ['secret_keys', 'pagination'] },
    SecretRequestBody: { required: ['secret_key', 'secret_value'] },
    SecretKey: { required: ['secret_id', 'secret_key', 'created_at', 'updated_at'] },
    Error: { required: ['message'] },
    ValidationIssue: {
      required: ['location', 'field', 'rule', 'message'],
      enums: { location: ['path', 'query', 'header', 'body'] },
    },
  };

const ERROR_RESPONSES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  422: 'UnprocessableEntity',
  429: 'TooManyRequests',
};

function findOperation(operationId: string) {
  const entry = operations.find((e) => e.operation.operationId === operationId);
  if (!entry) throw new Error(`No operation ${operationId}`);
  return entry;
}

function schemaOf(name: string): JsonObject {
  return derefObject(doc, doc.components.schemas?.[name]);
}

describe('operations', () => {
  it('are exactly the ones listed', () => {
    const actual = operations.map(
      (e) => `${e.operation.operationId} ${e.method.toUpperCase()} ${e.path}`,
    );
    expect(actual.sort()).toEqual(OPERATIONS.map(([id, route]) => `${id} ${route}`).sort());
  });

  it.each(OPERATIONS)('%s has the expected security', (operationId, _route, security) => {
    expect(findOperation(operationId).operation.security).toEqual(security);
  });

  it.each(OPERATIONS)(
    '%s documents exactly its 4xx responses',
    (operationId, _route, _s, errors) => {
      const responses = findOperation(operationId).operation.responses as JsonObject;
      const documented = Object.keys(responses).filter((status) => status.startsWith('4'));
      expect(documented.map(Number).sort()).toEqual([...errors].sort());
    },
  );

  it.each(OPERATIONS)('%s answers every error with the JSON Error schema', (operationId) => {
    const responses = findOperation(operationId).operation.responses as JsonObject;
    for (const [status, response] of Object.entries(responses)) {
      if (!status.startsWith('4')) continue;
      const shared = ERROR_RESPONSES[Number(status)];
      // The info endpoints describe their own 401 (credentials sent but invalid), the discovery
      // document its own 404 (not served at this origin).
      if (!operationId.startsWith('getAgent')) expect(refName(response)).toBe(shared);
      const content = derefObject(doc, response).content as JsonObject;
      expect(Object.keys(content)).toEqual(['application/json']);
      expect(refName((content['application/json'] as JsonObject).schema)).toBe('Error');
    }
  });

  it.each(Object.entries(EXTENSION_SUCCESS))('%s answers %j', (operationId, [status, schema]) => {
    const responses = findOperation(operationId).operation.responses as JsonObject;
    const success = Object.keys(responses).filter((s) => s.startsWith('2'));
    expect(success).toEqual([status]);
    const content = derefObject(doc, responses[status]).content;
    if (schema === undefined) expect(content).toBeUndefined();
    else
      expect(refName((content as Record<string, JsonObject>)['application/json']?.schema)).toBe(
        schema,
      );
  });

  it('takes a SecretRequestBody on addAgentSecret', () => {
    const body = derefObject(doc, findOperation('addAgentSecret').operation.requestBody);
    expect(body.required).toBe(true);
    expect(refName((body.content as Record<string, JsonObject>)['application/json']?.schema)).toBe(
      'SecretRequestBody',
    );
  });

  it('pages the secret list like the other lists', () => {
    const names = findOperation('listAgentSecretKeys').parameters.map((p) => p.name);
    expect(names).toEqual(['current_page', 'page_size']);
  });
});

describe('shared responses', () => {
  it('challenge with WWW-Authenticate on 401', () => {
    const headers = derefObject(doc, doc.components.responses?.Unauthorized).headers;
    expect(isObject(headers) && 'WWW-Authenticate' in headers).toBe(true);
  });

  it('say when to retry on 429', () => {
    const headers = derefObject(doc, doc.components.responses?.TooManyRequests).headers;
    expect(isObject(headers) && 'Retry-After' in headers).toBe(true);
  });

  it('name the file of a download in Content-Disposition', () => {
    const { operation } = findOperation('downloadAgentTaskArtifact');
    const ok = derefObject(doc, (operation.responses as JsonObject)['200']);
    expect(isObject(ok.headers) && 'Content-Disposition' in ok.headers).toBe(true);
  });
});

describe('security schemes', () => {
  it('are the five schemes', () => {
    expect(doc.components.securitySchemes).toEqual({
      ApiKeyAuth: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
      BasicAuth: expect.objectContaining({ type: 'http', scheme: 'basic' }),
      HTTPBearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      JWTAuth: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
      OAuth2: expect.objectContaining({
        type: 'oauth2',
        flows: { clientCredentials: expect.objectContaining({ scopes: {} }) },
      }),
    });
  });
});

describe('extension schemas', () => {
  it.each(Object.entries(EXTENSION_SCHEMAS))(
    '%s has its required fields and enums',
    (name, want) => {
      const schema = schemaOf(name);
      expect(schema.required).toEqual(want.required);
      for (const [prop, values] of Object.entries(want.enums ?? {})) {
        expect((schema.properties as Record<string, JsonObject>)[prop]?.enum).toEqual(values);
      }
    },
  );

  it('never returns a secret value', () => {
    expect(Object.keys(schemaOf('SecretKey').properties as JsonObject).sort()).toEqual([
      'created_at',
      'secret_id',
      'secret_key',
      'updated_at',
    ]);
  });

  it('lets a task opt in to client functions and echoes them on the task', () => {
    const requestBody = schemaOf('TaskRequestBody').properties as Record<string, JsonObject>;
    expect(requestBody.client_functions).toMatchObject({
      type: 'array',
      items: { type: 'string' },
    });
    expect((schemaOf('Task').allOf as JsonObject[])[0]).toEqual({
      $ref: '#/components/schemas/TaskRequestBody',
    });
  });

  it('adds the pause fields to Step and StepRequestBody as optional properties', () => {
    const step = (schemaOf('Step').allOf as JsonObject[])[1] as JsonObject;
    const props = step.properties as Record<string, JsonObject>;
    expect(refName((props.secret_demands as JsonObject).items)).toBe('SecretDemand');
    expect(refName((props.function_calls as JsonObject).items)).toBe('FunctionCall');
    const request = schemaOf('StepRequestBody').properties as Record<string, JsonObject>;
    expect(refName((request.function_results as JsonObject).items)).toBe('FunctionResult');
    expect(request.declined_secrets).toMatchObject({
      type: 'array',
      uniqueItems: true,
      items: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_.-]{0,127}$' },
    });
    expect(schemaOf('StepRequestBody').required).toBeUndefined();
  });

  it('makes the discovery document the info plus endpoints.v1 (and docs), cacheable by anyone', () => {
    const [info, own] = schemaOf('AgentDiscovery').allOf as JsonObject[];
    expect(refName(info)).toBe('AgentInfo');
    expect(own?.required).toEqual(['endpoints']);
    const endpoints = (own?.properties as Record<string, JsonObject>).endpoints!;
    expect(endpoints.required).toEqual(['v1']);
    expect(Object.keys(endpoints.properties as JsonObject).sort()).toEqual(['docs', 'v1']);
    const ok = derefObject(
      doc,
      (findOperation('getAgentDiscovery').operation.responses as JsonObject)['200'],
    );
    const cacheControl = derefObject(doc, (ok.headers as JsonObject)['Cache-Control']);
    expect(cacheControl.example).toBe('public, max-age=300');
  });

  it('types the AgentInfo maps', () => {
    const props = schemaOf('AgentInfo').properties as Record<string, JsonObject>;
    expect(refName(props.config_options?.additionalProperties)).toBe('ConfigOption');
    expect(refName(props.secrets?.additionalProperties)).toBe('SecretDemandInfo');
    expect(refName(props.auth)).toBe('AuthInfo');
    expect(refName((props.client_functions as JsonObject).items)).toBe('ClientFunction');
  });
});
