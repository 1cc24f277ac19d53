import { resolve } from 'node:path';
import type { AgentDefinition } from './agent.js';
import { createAuthenticator } from './auth/authenticator.js';
import type { AuthOptions, Principal } from './auth/types.js';
import { assertValidDeclarations } from './config-options.js';
import { DISCOVERY_CACHE_CONTROL, discoveryDocument } from './discovery.js';
import { AgentProtocolError, toAgentProtocolError } from './errors.js';
import { LocalCoordination } from './coordination/local.js';
import { FileStore } from './files.js';
import { readJsonBody } from './http/body.js';
import { receiveUpload } from './http/multipart.js';
import { errorResponse, jsonResponse } from './http/responses.js';
import type { CoreRequest, CoreResponse } from './http/types.js';
import { redactingLogger, silentLogger, type Logger } from './logger.js';
import { oauthCallbackOperation } from './oauth/callback.js';
import { resolveProviders, type OAuthOptions } from './oauth/providers.js';
import { OAuthService } from './oauth/service.js';
import { loadKeyring, type KeySource } from './secrets/keyring.js';
import { Redactor } from './secrets/redactor.js';
import { SecretsService } from './secrets/service.js';
import { Router } from './router.js';
import { AgentService, pagination } from './service.js';
import { specDocument } from './spec-document.js';
import { SqliteStore } from './store/sqlite.js';
import type { PageRequest, Store } from './store/types.js';
import { SpecValidator } from './validation.js';
import { resolveLimits, type AgentProtocolLimits } from './limits.js';
import { stepOperations } from './steps/operations.js';

export interface AgentProtocolOptions {
  /** The agent to serve (see `defineAgent`). */
  agent: AgentDefinition;
  /**
   * Directory holding the embedded SQLite database and the artifact files. Created if missing.
   * @default './.agent-data'
   */
  dataDir?: string;
  /**
   * Where tasks, steps and artifact records live.
   * @default a `SqliteStore` in `dataDir`
   */
  store?: Store;
  limits?: AgentProtocolLimits;
  /**
   * Who may call, and how they prove it: `none`, `api_key`, `basic`, `bearer`, `jwt`, `oauth2` or
   * `custom`. Every task, step and artifact belongs to the principal that created it.
   * @default { strategy: 'none' } (everything belongs to one anonymous principal)
   */
  auth?: AuthOptions;
  /**
   * The key sealing stored secrets (AES-256-GCM): `key` as base64 or hex (32 bytes), and `oldKeys`
   * still accepted for decryption during a rotation. Without a key, one is generated on first
   * start in `dataDir/secrets.key` (mode 0600).
   * @default { key: process.env.AGENT_SECRETS_KEY, oldKeys: process.env.AGENT_SECRETS_OLD_KEYS }
   */
  secretsKey?: KeySource;
  /**
   * Receives one line per request and every internal error.
   * @default silent
   */
  logger?: Logger;
  /**
   * On `close()` (SIGTERM in the example apps): no new step is taken (503), running steps get
   * this long to finish, then they are stopped (their `ctx.signal` fires) and complete
   * `failed` / `interrupted`, their streams ending. Background steps still waiting run after the
   * next start.
   * @default 10000
   */
  shutdownGraceMs?: number;
  /**
   * Delegated login (the agent's `oauthProviders`): the public URL the providers send a user's
   * browser back to (`redirectBaseUrl`, required when the agent declares providers without their
   * own `redirectUri`) and how long a sign-in link works.
   * @default {} (no providers: the callback answers every `state` as unknown)
   */
  oauth?: OAuthOptions;
  /** Event streams of steps (`GET .../steps/{step_id}/events`). */
  streams?: {
    /**
     * A `: keep-alive` comment at least this often while nothing else is sent.
     * @default 15000
     */
    keepAliveMs?: number;
    /**
     * Bytes a subscriber may leave unread before it is dropped (its stream ends; it reconnects
     * with `Last-Event-ID` and misses nothing): a stalled reader never grows the server's memory.
     * @default 1048576 (1 MiB)
     */
    maxBufferedBytes?: number;
  };
}

/** The framework-free server: adapters call `handle` and write back what it returns. */
export interface AgentProtocol {
  handle(request: CoreRequest): Promise<CoreResponse>;
  /** The service underneath, for embedding the protocol's operations without HTTP. */
  readonly service: AgentService;
  /** The protocol's own logger: what an adapter logs goes through it, so secrets stay masked. */
  readonly logger: Logger;
  /**
   * Stops taking steps (503) and lets running ones finish within `shutdownGraceMs`, then stops
   * them (`failed` / `interrupted`), which ends their event streams. Reads still work. Call it
   * before closing the HTTP server, so open streams end instead of holding the server open.
   * Idempotent; `close()` calls it too.
   */
  stop(): Promise<void>;
  /** `stop()`, then closes the store. Call it once the HTTP server no longer takes requests. */
  close(): Promise<void>;
}

interface Call {
  request: CoreRequest;
  params: Record<string, unknown>;
  body: unknown;
  principal: Principal;
}

/** Operations that answer without credentials (showing only their public part). */
const PUBLIC_OPERATIONS = new Set(['getAgentInfo', 'getAgentInfoV2']);
/**
 * Operations that never look at credentials, not even invalid ones: they answer every caller
 * with the same document, which caches may share.
 */
const ANONYMOUS_OPERATIONS = new Set([
  'getAgentDiscovery',
  'getHealth',
  'getReadiness',
  // A provider's redirect carries no credentials of ours: its single-use `state` is the credential.
  'oauthCallback',
]);

type Operation = (call: Call) => Promise<CoreResponse>;

const json = jsonResponse;

/** RFC 6266 `Content-Disposition` with an ASCII fallback and the exact UTF-8 name. */
function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  // RFC 8187 attr-chars exclude ' ( ) *, which encodeURIComponent leaves alone.
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** A probe's answer: never cached, and `Retry-After` when not ready. */
function probe(status: 200 | 503, value: { status: string; reason?: string }): CoreResponse {
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (status === 503) headers['retry-after'] = '5';
  return { status, headers, body: { kind: 'json', value } };
}

function queryObject(query: CoreRequest['query']): Record<string, string> {
  const params = typeof query === 'string' ? new URLSearchParams(query) : query;
  const out: Record<string, string> = {};
  for (const [key, value] of params) if (!(key in out)) out[key] = value;
  return out;
}

export function createAgentProtocol(options: AgentProtocolOptions): AgentProtocol {
  assertValidDeclarations(options.agent.configOptions);
  // Options checked before anything is opened, so a bad one leaves nothing behind.
  const limits = resolveLimits(options.limits);
  const providers = resolveProviders(options.agent.oauthProviders, options.oauth);
  const loginTtlSeconds = options.oauth?.loginTtlSeconds ?? 600;
  if (!(loginTtlSeconds > 0)) {
    throw new RangeError(`oauth.loginTtlSeconds must be more than 0, not ${loginTtlSeconds}.`);
  }
  const dataDir = resolve(options.dataDir ?? './.agent-data');
  const keySource = options.secretsKey ?? {
    key: process.env.AGENT_SECRETS_KEY,
    oldKeys: process.env.AGENT_SECRETS_OLD_KEYS,
  };
  const store: Store = options.store ?? new SqliteStore({ dataDir });
  const coordination = store.coordination?.() ?? new LocalCoordination(store);
  if (coordination.shared && !keySource.key) {
    throw new Error(
      'A store shared by several processes needs `secretsKey` (or AGENT_SECRETS_KEY), the same in every process: a key generated per process could not open the secrets another one stored.',
    );
  }
  const files = store.artifactFiles?.() ?? new FileStore(dataDir);
  const redactor = new Redactor();
  const logger = redactingLogger(options.logger ?? silentLogger, redactor);
  const keyring = loadKeyring(dataDir, keySource);
  const secrets = new SecretsService(store, keyring, redactor);
  const oauth = new OAuthService({
    providers,
    loginTtlMs: loginTtlSeconds * 1000,
    store,
    keyring,
    secrets,
    redactor,
    logger,
    coordination,
  });
  const service = new AgentService(
    options.agent,
    store,
    files,
    secrets,
    logger,
    coordination,
    options.auth?.maxConcurrentStepsPerPrincipal,
    oauth,
  );
  const authenticator = createAuthenticator(options.auth);
  const router = new Router(specDocument);
  const validator = new SpecValidator(specDocument);
  validator.compileAll(router.routes());
  const ready = service.recover();

  let stopping: Promise<void> | undefined;

  const page = (params: Record<string, unknown>): PageRequest => ({
    page: params.current_page as number,
    size: Math.min(params.page_size as number, limits.maxPageSize),
  });
  const id = (params: Record<string, unknown>, name: string) => params[name] as string;

  const info: Operation = async (c) =>
    json(200, service.info(authenticator.describe(), !!c.principal));
  const operations: Record<string, Operation> = {
    getAgentInfo: info,
    getAgentInfoV2: info,
    // What a caller without credentials sees at /ap/v1/agent/info: everything when auth is off,
    // the public part otherwise (a custom `verify` is not asked about an empty request).
    getHealth: async () => probe(200, { status: 'ok' }),
    getReadiness: async () => {
      if (stopping) return probe(503, { status: 'not_ready', reason: 'shutting down' });
      try {
        await store.ping();
      } catch (error) {
        logger.error('readiness: the store does not answer', error);
        return probe(503, { status: 'not_ready', reason: 'the store does not answer' });
      }
      return probe(200, { status: 'ready' });
    },
    getAgentDiscovery: async (c) => ({
      status: 200,
      headers: { 'cache-control': DISCOVERY_CACHE_CONTROL },
      body: {
        kind: 'json',
        value: discoveryDocument(
          service.info(authenticator.describe(), authenticator.scheme === 'none'),
          c.request.mountPath ?? '',
        ),
      },
    }),
    createAgentTask: async (c) =>
      json(200, await service.createTask(c.principal, c.body as object)),
    listAgentTasks: async (c) => json(200, await service.listTasks(c.principal, page(c.params))),
    getAgentTask: async (c) =>
      json(200, await service.getTask(c.principal, id(c.params, 'task_id'))),
    ...stepOperations(service, {
      keepAliveMs: options.streams?.keepAliveMs ?? 15_000,
      maxBufferedBytes: options.streams?.maxBufferedBytes ?? 1024 * 1024,
    }),
    listAgentTaskSteps: async (c) =>
      json(200, await service.listSteps(c.principal, id(c.params, 'task_id'), page(c.params))),
    getAgentTaskStep: async (c) =>
      json(
        200,
        await service.getStep(c.principal, id(c.params, 'task_id'), id(c.params, 'step_id')),
      ),
    listAgentTaskArtifacts: async (c) =>
      json(200, await service.listArtifacts(c.principal, id(c.params, 'task_id'), page(c.params))),
    uploadAgentTaskArtifacts: async (c) =>
      json(
        200,
        await service.addUpload(c.principal, id(c.params, 'task_id'), () =>
          receiveUpload(c.request, files, limits.maxUploadBytes),
        ),
      ),
    listAgentSecretKeys: async (c) => {
      const { secret_keys, total } = await secrets.list(c.principal, page(c.params));
      return json(200, { secret_keys, pagination: pagination(total, page(c.params)) });
    },
    addAgentSecret: async (c) => {
      const body = c.body as { secret_key: string; secret_value: string };
      return json(200, await secrets.put(c.principal, body.secret_key, body.secret_value));
    },
    oauthCallback: oauthCallbackOperation(oauth, logger),
    revokeAgentSecret: async (c) => {
      await secrets.revoke(c.principal, id(c.params, 'secret_id'));
      return { status: 204, headers: {} };
    },
    downloadAgentTaskArtifact: async (c) => {
      const { record, stream } = await service.download(
        c.principal,
        id(c.params, 'task_id'),
        id(c.params, 'artifact_id'),
      );
      return {
        status: 200,
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(record.size),
          'content-disposition': contentDisposition(record.file_name),
        },
        body: { kind: 'stream', stream },
      };
    },
  };

  async function dispatch(request: CoreRequest): Promise<CoreResponse> {
    await ready;
    const { route, params: pathParams } = router.match(request.method, request.path);
    const operation = operations[route.operationId];
    if (!operation) {
      throw new AgentProtocolError(
        'not_implemented',
        `${route.operationId} is described by the spec but not served by this version.`,
      );
    }
    // Credentials before validation: a caller who may not call learns nothing about the input.
    const principal = ANONYMOUS_OPERATIONS.has(route.operationId)
      ? undefined
      : PUBLIC_OPERATIONS.has(route.operationId)
        ? await authenticator.identify(request.headers)
        : await authenticator.require(request.headers);
    const validate = validator.forRoute(route);
    const params = validate.params({ ...queryObject(request.query), ...pathParams });
    let body: unknown;
    if (validate.hasJsonBody) {
      body = await readJsonBody(request, limits);
      validate.body(body);
    }
    // Public operations see `principal` undefined when no credential was sent, anonymous ones always.
    return operation({ request, params, body, principal: principal as Principal });
  }

  return {
    service,
    logger,
    async handle(request) {
      const started = performance.now();
      let response: CoreResponse;
      try {
        response = await dispatch(request);
      } catch (thrown) {
        const error = toAgentProtocolError(thrown);
        if (error.code === 'unavailable') {
          // Expected while stopping (no cause: the response says it all) or while the database
          // is away, where a stack per refused request would bury the log: one line with why.
          if (error.cause !== undefined) {
            const why = error.cause instanceof Error ? error.cause.message : String(error.cause);
            logger.error(`${request.method} ${request.path} unavailable: ${why}`);
          }
        } else if (error.status >= 500) {
          logger.error(`${request.method} ${request.path} failed`, error.cause ?? error);
        }
        response = errorResponse(error);
      }
      if (options.logger) {
        const ms = (performance.now() - started).toFixed(1);
        logger.info(`${request.method} ${request.path} ${response.status} ${ms}ms`);
      }
      return response;
    },
    stop() {
      stopping ??= ready
        .catch(() => undefined)
        .then(() => service.drain(options.shutdownGraceMs ?? 10_000));
      return stopping;
    },
    async close() {
      await this.stop();
      await store.close();
    },
  };
}
