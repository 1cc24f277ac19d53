import type { AgentProtocolClient, ClientFunctionImplementation } from '@agent-protocol/client';
import { UsageError } from './exit-codes.js';

/**
 * The command line executes no client function of its own (PROTOCOL.md section 5). With
 * `--functions`, the task opts in to functions the agent declares so that the user sees each
 * call and approves or refuses it; an approved call is answered with an error saying that this
 * command line cannot execute it, which is the truth the agent needs to go on. A program that
 * implements functions uses `client.run({ functions })` of @agent-protocol/client.
 */
export async function optedInFunctions(
  client: AgentProtocolClient,
  option: string | undefined,
): Promise<string[]> {
  if (option === undefined) return [];
  const declared = ((await client.info()).client_functions ?? []).map((f) => f.name);
  if (option === 'all') return declared;
  const names = option
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  const unknown = names.filter((n) => !declared.includes(n));
  if (unknown.length > 0) {
    throw new UsageError(
      `The agent declares no function ${unknown.join(', ')} (it declares: ${declared.join(', ') || 'none'}).`,
    );
  }
  return names;
}

/** Stand-ins that say, as the call's error result, that the command line cannot run them. */
export function unavailableFunctions(names: readonly string[]) {
  return Object.fromEntries(
    names.map((name): [string, ClientFunctionImplementation] => [
      name,
      () => {
        throw new Error(
          `The agent-protocol command line cannot execute ${name}: it runs no client functions. The user approved the call, but nothing was done.`,
        );
      },
    ]),
  );
}
