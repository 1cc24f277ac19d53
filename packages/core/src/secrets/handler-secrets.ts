import type { HandlerContext, SecretDeclaration, SecretRequest } from '../agent.js';
import type { Principal } from '../auth/types.js';
import { SecretDeclinedError, type RunState, type SecretDemand } from '../pause.js';
import type { SecretsService } from './service.js';

export interface HandlerSecretsOptions {
  secrets: SecretsService;
  principal: Principal;
  /** The agent's declared secrets, for names and descriptions of keys asked for by name. */
  declared: Record<string, SecretDeclaration>;
  /** Keys the user declined in this task: never demanded again. */
  declined: ReadonlySet<string>;
  /** The step's run, which a missing secret pauses; undefined while a task is created. */
  state: RunState | undefined;
}

/** `ctx.secrets`: stored values, demands for missing ones, and the user's refusals. */
export function handlerSecrets(options: HandlerSecretsOptions): HandlerContext['secrets'] {
  const { secrets, principal, declared, declined, state } = options;

  const demandOf = (entry: SecretRequest): SecretDemand => {
    if (typeof entry !== 'string') return entry;
    const known = Object.hasOwn(declared, entry) ? declared[entry] : undefined;
    return {
      key: entry,
      name: known?.name ?? entry,
      description: known?.description ?? `The secret ${entry}.`,
    };
  };

  /**
   * Stored values by key; missing keys the user declined come back in `refused`. Missing keys
   * not declined pause the step. A value stored after a refusal is used: the user changed their mind.
   */
  const resolve = async (what: string, keys: SecretRequest[]) => {
    const values: Record<string, string | undefined> = {};
    const missing: SecretDemand[] = [];
    const refused: string[] = [];
    for (const entry of keys) {
      const demand = demandOf(entry);
      const value = await secrets.read(principal, demand.key);
      values[demand.key] = value;
      if (value !== undefined) continue;
      if (declined.has(demand.key)) refused.push(demand.key);
      else missing.push(demand);
    }
    if (missing.length > 0) {
      if (!state) throw new Error(`${what} can only pause a step, not task creation.`);
      state.demand(missing);
    }
    return { values, refused };
  };

  return {
    get: (key) => secrets.read(principal, key),
    require: async (...keys) => {
      const { values, refused } = await resolve('ctx.secrets.require', keys);
      if (refused.length > 0) throw new SecretDeclinedError(refused);
      return values as Record<string, string>;
    },
    request: async (...keys) => (await resolve('ctx.secrets.request', keys)).values,
  };
}
