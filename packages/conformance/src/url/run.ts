import type { Expected } from '../case.js';
import { runCase, type CaseOutcome } from '../run-case.js';
import { send, type Observed } from '../send.js';
import { planUrlRun, REFERENCE_AGENT_GROUP, urlGroups, type PlannedCase } from './plan.js';
import { protocolCheck } from './protocol-check.js';
import { keysStoredBy, revokeStoredSecrets, secretCount, secretKeys } from './secrets-state.js';

/** How `runAgainstUrl` reaches the server and what it runs. */
export interface RunAgainstUrlOptions {
  /**
   * Where the protocol is served: the origin plus the mount prefix, such as
   * `http://127.0.0.1:8000` or `https://example.com/agent`. A URL that goes on into the protocol
   * (`.../ap/v1/agent/tasks`, as the example apps print it) is cut before `/ap/`.
   */
  url: string;
  /** A bearer token sent with every request, for a server that requires credentials. */
  token?: string;
  /**
   * A second principal's bearer token: with `token`, the isolation cases run (each principal's
   * tasks and secrets are the other's 404).
   */
  tokenB?: string;
  /**
   * Only the cases of these groups (`urlGroups()` lists them).
   * @default every group
   */
  only?: readonly string[];
  /** Called after each case, in order: progress for a long run. */
  onResult?: (result: CaseResult) => void;
}

/** How one case went. */
export interface CaseResult {
  name: string;
  group: string;
  status: 'passed' | 'failed' | 'skipped';
  /** Every problem of a failed case, the first one first; empty otherwise. */
  problems: string[];
  /** Why a skipped case did not run. */
  reason?: string;
  durationMs: number;
}

/** Counts of one group, in the order groups first appear. */
export interface GroupSummary {
  group: string;
  passed: number;
  failed: number;
  skipped: number;
}

/** What `runAgainstUrl` found. */
export interface Report {
  /** The base URL the cases ran against. */
  url: string;
  /** The agent's `name` and `version` from its info, when it answered. */
  agent?: { name?: string; version?: string };
  /** Whether the agent's info says `name: "reference-agent"`: the `reference-agent` group runs. */
  referenceAgent: boolean;
  /** Things the user should know about the run as a whole (a group skipped, and why). */
  notices: string[];
  results: CaseResult[];
  groups: GroupSummary[];
  passed: number;
  failed: number;
  skipped: number;
  durationMs: number;
}

/** The server could not be reached at all: no case could say anything. */
export class UnreachableServerError extends Error {
  override name = 'UnreachableServerError';
}

/** Cuts a URL that goes on into the protocol (`/ap/v1/...`) back to its base. */
export function baseUrlOf(url: string): string {
  const parsed = new URL(url);
  const at = parsed.pathname.search(/\/ap\/v\d+(?:\/|$)/);
  const path = (at === -1 ? parsed.pathname : parsed.pathname.slice(0, at)).replace(/\/+$/, '');
  return `${parsed.origin}${path}`;
}

async function readInfo(baseUrl: string, token: string | undefined) {
  const observed: Observed = await send(baseUrl, {
    method: 'GET',
    path: '/ap/v1/agent/info',
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  if (observed.status === 0) {
    throw new UnreachableServerError(
      `Nothing answers at ${baseUrl}: ${observed.error ?? 'connection failed'}`,
    );
  }
  const info = observed.json as { name?: unknown; version?: unknown } | undefined;
  return observed.status === 200 && info
    ? {
        name: typeof info.name === 'string' ? info.name : undefined,
        version: typeof info.version === 'string' ? info.version : undefined,
      }
    : undefined;
}

function summarise(results: readonly CaseResult[]): GroupSummary[] {
  const groups = new Map<string, GroupSummary>();
  for (const r of results) {
    const g = groups.get(r.group) ?? { group: r.group, passed: 0, failed: 0, skipped: 0 };
    g[r.status]++;
    groups.set(r.group, g);
  }
  return [...groups.values()];
}

const RESET = /ECONNRESET|EPIPE|other side closed|socket hang up/i;

interface RunContext {
  baseUrl: string;
  referenceAgent: boolean;
  agentName: string | undefined;
  token: string | undefined;
  tokenB: string | undefined;
  secrets: string[];
  /** The keys of the secrets the principals held before the run: never overwritten. */
  heldSecrets: Set<string>;
}

/** Why a planned case does not run against this server, decided now that the server is known. */
async function skipNow(p: PlannedCase, ctx: RunContext): Promise<string | undefined> {
  if (p.skip) return p.skip;
  if (p.group === REFERENCE_AGENT_GROUP && !ctx.referenceAgent) {
    return `needs the reference agent's words, and this agent is ${ctx.agentName === undefined ? 'unnamed' : `"${ctx.agentName}"`}`;
  }
  const overwritten = keysStoredBy(p.testCase).filter((key) => ctx.heldSecrets.has(key));
  if (overwritten.length > 0) {
    return `would overwrite, then revoke, the secret ${overwritten.join(', ')} the principal already holds`;
  }
  if (p.listsAllSecrets) {
    const principals = [ctx.token, ...(ctx.tokenB === undefined ? [] : [ctx.tokenB])];
    for (const token of principals) {
      const count = await secretCount(
        ctx.baseUrl,
        token === undefined ? {} : { authorization: `Bearer ${token}` },
      );
      if (count !== undefined && count > 0) {
        return `lists every secret of the principal, who already holds ${count} (store them elsewhere, or use a principal that holds none)`;
      }
    }
  }
  return undefined;
}

async function runPlanned(p: PlannedCase, ctx: RunContext): Promise<CaseResult> {
  const started = Date.now();
  const done = (
    status: CaseResult['status'],
    problems: string[] = [],
    reason?: string,
  ): CaseResult => ({
    name: p.name,
    group: p.group,
    status,
    problems,
    ...(reason === undefined ? {} : { reason }),
    durationMs: Date.now() - started,
  });
  const reason = await skipNow(p, ctx);
  if (reason) return done('skipped', [], reason);
  const then =
    p.referenceFollowUpsFrom !== undefined && !ctx.referenceAgent
      ? p.testCase.then?.slice(0, p.referenceFollowUpsFrom)
      : p.testCase.then;
  // Only single-request cases have other statuses allowed: their follow-ups are none.
  const judge = (observed: Observed, want: Expected) =>
    protocolCheck(observed, want, p.alsoAccepted);
  const attempt = async () => {
    let outcome: CaseOutcome | undefined;
    try {
      outcome = await runCase(
        ctx.baseUrl,
        { ...p.testCase, then },
        { judge, secrets: ctx.secrets },
      );
    } finally {
      if (outcome) await revokeStoredSecrets(ctx.baseUrl, outcome);
    }
    return outcome;
  };
  let outcome = await attempt();
  // A kept-alive connection the server closed (after refusing a body it did not read) can reset
  // the next request sent on it: that says nothing of the protocol, so the case runs once more.
  if (outcome.exchanges.some((e) => e.observed.status === 0 && RESET.test(e.observed.error ?? '')))
    outcome = await attempt();
  if (outcome.skipped) return done('skipped', [], outcome.skipped);
  return outcome.problems.length > 0 ? done('failed', outcome.problems) : done('passed');
}

/**
 * Runs the conformance cases against a server that is already running, over HTTP, and judges
 * the protocol as PROTOCOL.md and the spec define it (`protocolCheck`), not this project's own
 * wording and choices: an independent, correct implementation passes. Cases that need a server
 * started with particular options (an auth strategy and the fixture's credentials, the fixture's
 * limits, a fresh store) are skipped, each with its reason; the cases that need the reference
 * agent's words run only when the agent's info says `name: "reference-agent"`. The cases create
 * tasks on the server (there is no way to delete one) and store and revoke secrets: point it at
 * a test deployment. Never throws for a non-conforming server; throws `UnreachableServerError`
 * when nothing answers at all, and an Error for an unknown group in `only`.
 */
export async function runAgainstUrl(options: RunAgainstUrlOptions): Promise<Report> {
  const started = Date.now();
  const baseUrl = baseUrlOf(options.url);
  if (options.only) {
    const known = urlGroups();
    const unknown = options.only.filter((g) => !known.includes(g));
    if (unknown.length > 0) {
      throw new Error(`Unknown group(s): ${unknown.join(', ')}. The groups: ${known.join(', ')}.`);
    }
  }
  const agent = await readInfo(baseUrl, options.token);
  const referenceAgent = agent?.name === 'reference-agent';
  const notices: string[] = [];
  if (!agent) notices.push('The agent info (GET /ap/v1/agent/info) did not answer 200 with JSON.');
  if (!referenceAgent) {
    notices.push(
      `The agent is not the reference agent (its info says name: ${JSON.stringify(agent?.name)}): the group "${REFERENCE_AGENT_GROUP}" is skipped, and cases stop before a follow-up that needs its words.`,
    );
  }
  const ctx: RunContext = {
    baseUrl,
    referenceAgent,
    agentName: agent?.name,
    token: options.token,
    tokenB: options.tokenB,
    secrets: [options.token, options.tokenB].filter((t): t is string => t !== undefined),
    heldSecrets: new Set(),
  };
  for (const token of [options.token, ...(options.tokenB === undefined ? [] : [options.tokenB])]) {
    const headers: Record<string, string> =
      token === undefined ? {} : { authorization: `Bearer ${token}` };
    for (const key of await secretKeys(baseUrl, headers)) ctx.heldSecrets.add(key);
  }
  const results: CaseResult[] = [];
  const planned = planUrlRun({ token: options.token, tokenB: options.tokenB }).filter(
    (p) => !options.only || options.only.includes(p.group),
  );
  for (const p of planned) {
    const result = await runPlanned(p, ctx);
    results.push(result);
    options.onResult?.(result);
  }
  const count = (status: CaseResult['status']) => results.filter((r) => r.status === status).length;
  return {
    url: baseUrl,
    ...(agent ? { agent } : {}),
    referenceAgent,
    notices,
    results,
    groups: summarise(results),
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    durationMs: Date.now() - started,
  };
}
