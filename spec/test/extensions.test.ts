// The extension surface the server is written against (PROTOCOL.md sections 2-5 and 7-8):
// operation and component names, the security of every operation, the error responses each
// documents, and the long-running steps (background, event stream, cancel, outcome).
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  asArray,
  derefObject,
  isObject,
  listOperations,
  loadBundledSpec,
  refName,
  type JsonObject,
} from './support/bundled-spec.js';
import { parseEventStream } from './support/event-stream.js';

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
  ['getHealth', 'GET /healthz', ANONYMOUS, [405]],
  ['getReadiness', 'GET /readyz', ANONYMOUS, [405]],
  ['listAgentSecretKeys', 'GET /ap/v1/agent/secrets', PROTECTED, [401, 403, 422]],
  ['addAgentSecret', 'POST /ap/v1/agent/secrets', PROTECTED, [400, 401, 403, 413, 415, 422]],
  ['revokeAgentSecret', 'DELETE /ap/v1/agent/secrets/{secret_id}', PROTECTED, [401, 403, 404]],
  [
    'streamAgentTaskStepEvents',
    'GET /ap/v1/agent/tasks/{task_id}/steps/{step_id}/events',
    PROTECTED,
    [401, 403, 404, 422],
  ],
  [
    'cancelAgentTaskStep',
    'POST /ap/v1/agent/tasks/{task_id}/steps/{step_id}/cancel',
    PROTECTED,
    [401, 403, 404, 409],
  ],
  // The sign-in callback: the provider sends a browser here, with `state` as the credential.
  ['oauthCallback', 'GET /ap/v1/agent/oauth/callback', ANONYMOUS, [400, 405]],
];

/** The 2xx response of each extension operation: status and schema component (none for 204). */
const EXTENSION_SUCCESS: Record<string, [status: string, schema: string | undefined]> = {
  getAgentInfo: ['200', 'AgentInfo'],
  getAgentInfoV2: ['200', 'AgentInfo'],
  getAgentDiscovery: ['200', 'AgentDiscovery'],
  getHealth: ['200', 'Health'],
  getReadiness: ['200', 'Health'],
  listAgentSecretKeys: ['200', 'TaskSecretKeysListResponse'],
  addAgentSecret: ['200', 'SecretKey'],
  revokeAgentSecret: ['204', undefined],
  cancelAgentTaskStep: ['202', 'Step'],
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
    AuthDemand: { required: ['provider', 'authorization_url', 'expires_at'] },
    OAuthProviderInfo: { required: ['scopes'] },
    FunctionCall: { required: ['id', 'name', 'arguments'] },
    FunctionResult: { required: ['id'] },
    TaskSecretKeysListResponse: { required: ['secret_keys', 'pagination'] },
    SecretRequestBody: { required: ['secret_key', 'secret_value'] },
    SecretKey: { required: ['secret_id', 'secret_key', 'created_at', 'updated_at'] },
    Error: { required: ['message'] },
    StepError: { required: ['code', 'message'] },
    OutputDelta: { required: ['text'] },
    StepEvent: {
      required: ['id', 'event', 'data'],
      enums: {
        event: [
          'step.created',
          'step.running',
          'output.delta',
          'artifact.created',
          'step.paused',
          'step.completed',
        ],
      },
    },
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
  405: 'MethodNotAllowed',
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

  // The sign-in callback answers a browser with a page, its errors too (tested below).
  const answeringJson = OPERATIONS.filter(([operationId]) => operationId !== 'oauthCallback');
  it.each(answeringJson)('%s answers every error with the JSON Error schema', (operationId) => {
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
    expect(refName(props.oauth_providers?.additionalProperties)).toBe('OAuthProviderInfo');
    expect(refName(props.auth)).toBe('AuthInfo');
    expect(refName((props.client_functions as JsonObject).items)).toBe('ClientFunction');
  });
});

// ---------------------------------------------------------------------------------------------
// Delegated login (PROTOCOL.md section 10)
// ---------------------------------------------------------------------------------------------

describe('delegated login', () => {
  it('adds auth_demands to Step as an optional field', () => {
    const step = (schemaOf('Step').allOf as JsonObject[])[1] as JsonObject;
    const props = step.properties as Record<string, JsonObject>;
    expect(refName((props.auth_demands as JsonObject).items)).toBe('AuthDemand');
    expect(asArray(step.required)).not.toContain('auth_demands');
    const demand = schemaOf('AuthDemand').properties as Record<string, JsonObject>;
    expect(demand.authorization_url).toMatchObject({ type: 'string', format: 'uri' });
    expect(demand.expires_at).toMatchObject({ type: 'string', format: 'date-time' });
  });

  it('lists providers in AgentInfo by name, never with a client id or secret', () => {
    const info = schemaOf('AgentInfo').properties as Record<string, JsonObject>;
    expect(info.oauth_providers?.propertyNames).toEqual({
      pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$',
    });
    expect(Object.keys(schemaOf('OAuthProviderInfo').properties as JsonObject).sort()).toEqual([
      'description',
      'scopes',
    ]);
  });

  it("takes the provider's redirect at GET /ap/v1/agent/oauth/callback, all parameters optional", () => {
    const { operation, parameters } = findOperation('oauthCallback');
    expect(operation.tags).toEqual(['oauth']);
    expect(operation.requestBody).toBeUndefined();
    expect(parameters.map((p) => [p.name, p.in, p.required])).toEqual([
      ['code', 'query', false],
      ['state', 'query', false],
      ['error', 'query', false],
      ['error_description', 'query', false],
    ]);
  });

  it('answers a page on success, and JSON or the page on a 400, never cached', () => {
    const ok = responseOf('oauthCallback', '200');
    expect(Object.keys(ok.content as JsonObject)).toEqual(['text/html']);
    const failed = responseOf('oauthCallback', '400');
    expect(Object.keys(failed.content as JsonObject)).toEqual(['application/json', 'text/html']);
    expect(refName(mediaOf(failed, 'application/json').schema)).toBe('Error');
    const codes = Object.values(exampleValues(mediaOf(failed, 'application/json'))).map(
      (v) => (v as JsonObject).code,
    );
    expect(codes.sort()).toEqual(['authorization_failed', 'bad_request', 'invalid_state']);
    for (const response of [ok, failed]) {
      expect(headersOf(response)['Cache-Control']).toMatchObject({
        required: true,
        schema: { const: 'no-store' },
      });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Long-running steps (PROTOCOL.md section 8)
// ---------------------------------------------------------------------------------------------

const STEP_EVENT_DATA: Record<string, string> = {
  'step.created': 'Step',
  'step.running': 'Step',
  'output.delta': 'OutputDelta',
  'artifact.created': 'Artifact',
  'step.paused': 'Step',
  'step.completed': 'Step',
};

/** Ajv with the whole bundle registered, as the server validates. */
function schemaValidator(name: string) {
  const ajv = new Ajv2020({ allErrors: true });
  addFormatsModule.default(ajv);
  for (const field of ['openapi', 'info', 'servers', 'tags', 'paths', 'components']) {
    ajv.addKeyword(field);
  }
  ajv.addSchema(loadBundledSpec(), 'openapi.json');
  const validate = ajv.getSchema(`openapi.json#/components/schemas/${name}`);
  if (!validate) throw new Error(`No schema ${name}`);
  return (value: unknown) =>
    validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

function responseOf(operationId: string, status: string): JsonObject {
  const responses = findOperation(operationId).operation.responses as JsonObject;
  return derefObject(doc, responses[status]);
}

function headersOf(response: JsonObject): Record<string, JsonObject> {
  const headers = isObject(response.headers) ? response.headers : {};
  return Object.fromEntries(
    Object.entries(headers).map(([name, header]) => [name, derefObject(doc, header)]),
  );
}

function mediaOf(response: JsonObject, type: string): JsonObject {
  const media = (response.content as Record<string, JsonObject>)[type];
  if (!media) throw new Error(`No ${type} content`);
  return media;
}

/** The values of a media type's examples, refs followed. */
function exampleValues(media: JsonObject): Record<string, unknown> {
  const examples = isObject(media.examples) ? media.examples : {};
  return Object.fromEntries(
    Object.entries(examples).map(([name, example]) => [name, derefObject(doc, example).value]),
  );
}

/** Every `text/event-stream` media type of the document, with where it is. */
function eventStreamMedia(): Array<[where: string, media: JsonObject]> {
  const found: Array<[string, JsonObject]> = [];
  for (const { operation, method, path } of operations) {
    for (const [status, response] of Object.entries(operation.responses as JsonObject)) {
      const content = derefObject(doc, response).content;
      if (isObject(content) && isObject(content['text/event-stream'])) {
        found.push([`${method.toUpperCase()} ${path} ${status}`, content['text/event-stream']]);
      }
    }
  }
  return found;
}

describe('long-running steps', () => {
  const stepProps = () =>
    ((schemaOf('Step').allOf as JsonObject[])[1] as JsonObject).properties as Record<
      string,
      JsonObject
    >;

  it('adds outcome and error to Step as optional fields, status keeping its three values', () => {
    const props = stepProps();
    expect(props.status?.enum).toEqual(['created', 'running', 'completed']);
    expect(props.outcome).toMatchObject({
      type: 'string',
      enum: ['succeeded', 'failed', 'cancelled'],
    });
    expect(props.outcome?.description).toMatch(/Absent means `succeeded`/);
    expect(props.outcome?.description).toMatch(/reject unknown enum values/);
    expect(refName(props.error)).toBe('StepError');
    const required = (schemaOf('Step').allOf as JsonObject[]).flatMap((part) =>
      asArray(derefObject(doc, part).required),
    );
    expect(required).not.toContain('outcome');
    expect(required).not.toContain('error');
  });

  it('names the StepError codes step_failed and interrupted', () => {
    const code = (schemaOf('StepError').properties as Record<string, JsonObject>).code!;
    expect(code.type).toBe('string');
    expect(code.enum).toBeUndefined(); // an open set: new codes may be added
    expect(code.description).toMatch(/`step_failed`/);
    expect(code.description).toMatch(/`interrupted`/);
  });

  it('validates failed, cancelled and succeeded steps, and rejects an unknown outcome', () => {
    const validateStep = schemaValidator('Step');
    const step = {
      task_id: 't',
      step_id: 's',
      status: 'completed',
      artifacts: [],
      is_last: false,
    };
    expect(
      validateStep({
        ...step,
        outcome: 'failed',
        error: { code: 'step_failed', message: 'The agent failed.' },
      }),
    ).toEqual([]);
    expect(validateStep({ ...step, outcome: 'cancelled' })).toEqual([]);
    expect(validateStep(step)).toEqual([]);
    expect(validateStep({ ...step, outcome: 'paused' })).not.toEqual([]);
    expect(validateStep({ ...step, status: 'failed' })).not.toEqual([]);
    expect(validateStep({ ...step, outcome: 'failed', error: { code: 'x' } })).not.toEqual([]);
  });

  it('lets executeAgentTaskStep run in the background with Prefer: respond-async', () => {
    const { parameters } = findOperation('executeAgentTaskStep');
    const prefer = parameters.find((p) => p.name === 'Prefer');
    expect(prefer).toMatchObject({ in: 'header', required: false, schema: { type: 'string' } });
    expect(prefer?.example).toBe('respond-async');

    const accepted = responseOf('executeAgentTaskStep', '202');
    const headers = headersOf(accepted);
    expect(Object.keys(headers).sort()).toEqual(['Location', 'Preference-Applied']);
    expect(headers['Preference-Applied']).toMatchObject({
      required: true,
      schema: { const: 'respond-async' },
    });
    const location = headers.Location!;
    expect(location.required).toBe(true);
    const pattern = new RegExp((location.schema as JsonObject).pattern as string);
    expect(location.example).toMatch(pattern);
    expect('/ap/v1/agent/tasks/t1/steps/s1').toMatch(pattern);
    expect('/ap/v1/agent/tasks/t1').not.toMatch(pattern);

    const media = mediaOf(accepted, 'application/json');
    expect(refName(media.schema)).toBe('Step');
    const statuses = Object.values(exampleValues(media)).map((v) => (v as JsonObject).status);
    expect(statuses.sort()).toEqual(['created', 'running']);
  });

  it('streams executeAgentTaskStep with Accept: text/event-stream, v1 JSON staying the 200', () => {
    const ok = responseOf('executeAgentTaskStep', '200');
    expect(Object.keys(ok.content as JsonObject)).toEqual([
      'application/json',
      'text/event-stream',
    ]);
    expect(refName(mediaOf(ok, 'application/json').schema)).toBe('Step');
    expect(refName(mediaOf(ok, 'text/event-stream').schema)).toBe('StepEventStream');
    // Sent with the stream only, so not required of the JSON answer.
    const headers = headersOf(ok);
    expect(headers['Cache-Control']).toMatchObject({
      required: false,
      schema: { const: 'no-cache' },
    });
    expect(headers['X-Accel-Buffering']).toMatchObject({
      required: false,
      schema: { const: 'no' },
    });
    // A header parameter named Accept is ignored by OpenAPI: content negotiation is the content.
    const names = findOperation('executeAgentTaskStep').parameters.map((p) => p.name);
    expect(names).not.toContain('Accept');
  });

  it('answers a failed synchronous step with 200, outcome failed and step_failed', () => {
    const ok = responseOf('executeAgentTaskStep', '200');
    const failed = exampleValues(mediaOf(ok, 'application/json')).Failed as JsonObject;
    expect(failed).toMatchObject({
      status: 'completed',
      outcome: 'failed',
      error: { code: 'step_failed' },
    });
    const responses = findOperation('executeAgentTaskStep').operation.responses as JsonObject;
    expect(Object.keys(responses).filter((s) => s.startsWith('5'))).toEqual([]);
    expect(findOperation('executeAgentTaskStep').operation.description).toMatch(
      /answered with 200.*`outcome: failed`.*`error.code: step_failed`/s,
    );
  });

  it("serves a step's events at GET .../steps/{step_id}/events", () => {
    const { operation, parameters } = findOperation('streamAgentTaskStepEvents');
    expect(operation.tags).toEqual(['steps']);
    expect(operation.requestBody).toBeUndefined();
    const byName = Object.fromEntries(parameters.map((p) => [p.name, p]));
    expect(Object.keys(byName).sort()).toEqual(['Last-Event-ID', 'after', 'step_id', 'task_id']);
    expect(byName.after).toMatchObject({
      in: 'query',
      required: false,
      schema: { type: 'integer', minimum: 0 },
    });
    expect(byName['Last-Event-ID']).toMatchObject({
      in: 'header',
      required: false,
      schema: { type: 'integer', minimum: 0 },
    });
    for (const name of ['after', 'Last-Event-ID']) {
      expect(byName[name]?.description).toMatch(/when both are sent, the later position/);
    }

    const responses = operation.responses as JsonObject;
    expect(Object.keys(responses).filter((s) => s.startsWith('2'))).toEqual(['200']);
    const ok = responseOf('streamAgentTaskStepEvents', '200');
    expect(Object.keys(ok.content as JsonObject)).toEqual(['text/event-stream']);
    expect(refName(mediaOf(ok, 'text/event-stream').schema)).toBe('StepEventStream');
    const headers = headersOf(ok);
    expect(headers['Cache-Control']).toMatchObject({
      required: true,
      schema: { const: 'no-cache' },
    });
    expect(headers['X-Accel-Buffering']).toMatchObject({ required: true, schema: { const: 'no' } });
    expect(refName(responses['404'])).toBe('NotFound');
  });

  it('describes the stream: keep-alive every 15 s, replay of a finished step, then close', () => {
    const { description } = findOperation('streamAgentTaskStepEvents').operation;
    expect(description).toMatch(/`: keep-alive`\) comes at least every\s+15 seconds/);
    expect(description).toMatch(/finished step is replayed whole and the stream closed/);
    expect(description).toMatch(/`\?after=<its last id>` on a\s+finished step sends nothing/);
    const stream = schemaOf('StepEventStream');
    expect(stream).toMatchObject({ type: 'string', contentMediaType: 'text/event-stream' });
    const parsed = stream.contentSchema as JsonObject;
    expect(parsed.type).toBe('array');
    expect(refName(parsed.items)).toBe('StepEvent');
  });

  it("types each event's data by its name (StepEvent oneOf)", () => {
    const event = schemaOf('StepEvent');
    expect((event.properties as Record<string, JsonObject>).id).toMatchObject({
      type: 'integer',
      minimum: 1,
    });
    const variants = Object.fromEntries(
      (event.oneOf as JsonObject[]).map((variant) => {
        const props = variant.properties as Record<string, JsonObject>;
        return [props.event?.const as string, refName(props.data)];
      }),
    );
    expect(variants).toEqual(STEP_EVENT_DATA);
    expect(schemaOf('OutputDelta').properties).toEqual({
      text: expect.objectContaining({ type: 'string' }),
    });

    const validateEvent = schemaValidator('StepEvent');
    expect(validateEvent({ id: 3, event: 'output.delta', data: { text: '1 ' } })).toEqual([]);
    expect(validateEvent({ id: 3, event: 'output.delta', data: { step_id: 's' } })).not.toEqual([]);
    expect(validateEvent({ id: 3, event: 'step.failed', data: {} })).not.toEqual([]);
    expect(validateEvent({ id: 0, event: 'output.delta', data: { text: '' } })).not.toEqual([]);
  });

  it('gives every text/event-stream response wire-format examples of valid events', () => {
    const media = eventStreamMedia();
    expect(media.map(([where]) => where).sort()).toEqual([
      'GET /ap/v1/agent/tasks/{task_id}/steps/{step_id}/events 200',
      'POST /ap/v1/agent/tasks/{task_id}/steps 200',
    ]);
    const validateEvent = schemaValidator('StepEvent');
    for (const [where, m] of media) {
      const examples = Object.entries(exampleValues(m));
      expect(examples.length, where).toBeGreaterThan(0);
      for (const [name, text] of examples) {
        const at = `${where} ${name}`;
        expect(typeof text, at).toBe('string');
        const stream = parseEventStream(text as string);
        expect(stream.undispatched, at).toBe(false);
        expect(stream.events.length, at).toBeGreaterThan(0);
        for (const comment of stream.comments) expect(comment, at).toBe('keep-alive');
        const ids = stream.events.map((e) => Number(e.id));
        for (const [i, id] of ids.entries()) {
          expect(String(id), at).toBe(stream.events[i]!.id);
          if (i > 0) expect(id, at).toBeGreaterThan(ids[i - 1]!);
        }
        for (const e of stream.events) {
          expect(e.data, at).not.toContain('\n'); // one data line per event
          const event = { id: Number(e.id), event: e.event, data: JSON.parse(e.data) as unknown };
          expect(validateEvent(event), `${at} event ${e.id}`).toEqual([]);
        }
        // Exactly one terminal event, the last, carrying the final step with its outcome.
        const names = stream.events.map((e) => e.event);
        expect(
          names.filter((n) => n === 'step.completed'),
          at,
        ).toHaveLength(1);
        expect(names.at(-1), at).toBe('step.completed');
        const final = JSON.parse(stream.events.at(-1)!.data) as JsonObject;
        expect(final.status, at).toBe('completed');
        expect(final.outcome, at).toBeDefined();
      }
    }
  });

  it('shows a whole stream in order: created, running, deltas adding up to the output', () => {
    const ok = responseOf('streamAgentTaskStepEvents', '200');
    const whole = exampleValues(mediaOf(ok, 'text/event-stream')).Whole as string;
    const { events, comments } = parseEventStream(whole);
    expect(events.slice(0, 2).map((e) => e.event)).toEqual(['step.created', 'step.running']);
    expect(events[0]!.id).toBe('1');
    expect(comments).toContain('keep-alive');
    const deltas = events.filter((e) => e.event === 'output.delta');
    const text = deltas.map((e) => (JSON.parse(e.data) as { text: string }).text).join('');
    const final = JSON.parse(events.at(-1)!.data) as JsonObject;
    expect(text).toBe(final.output);
    expect(final.outcome).toBe('succeeded');
  });

  it('cancels a step with POST .../steps/{step_id}/cancel: 202 with the Step, 409 if completed', () => {
    const { operation } = findOperation('cancelAgentTaskStep');
    expect(operation.tags).toEqual(['steps']);
    expect(operation.requestBody).toBeUndefined();
    expect(operation.description).toMatch(/`AbortSignal`/);
    expect(operation.description).toMatch(/queued step .* is\s+cancelled without running/s);
    const responses = operation.responses as JsonObject;
    expect(Object.keys(responses).filter((s) => s.startsWith('2'))).toEqual(['202']);
    const accepted = mediaOf(responseOf('cancelAgentTaskStep', '202'), 'application/json');
    const outcomes = Object.values(exampleValues(accepted)).map((v) => (v as JsonObject).outcome);
    expect(outcomes).toContain('cancelled');
    const conflict = derefObject(doc, doc.components.responses?.Conflict);
    expect(conflict.description).toMatch(/cancel\s+of a step that has already completed/);
  });

  it('routes the new paths under the step they belong to, tagged steps', () => {
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/ap/v1/agent/tasks/{task_id}/steps/{step_id}/events',
        '/ap/v1/agent/tasks/{task_id}/steps/{step_id}/cancel',
      ]),
    );
    for (const { operation, path } of operations) {
      if (path.startsWith('/ap/v1/agent/tasks/{task_id}/steps')) {
        expect(operation.tags).toEqual(['steps']);
      }
    }
  });
});
