import type { ValidateFunction } from 'ajv';
import type { ClientFunction } from './agent.js';
import { AgentProtocolError } from './errors.js';
import { compileSchema } from './validation.js';

/** The agent's client-executed functions, their argument validators compiled once. */
export class ClientFunctions {
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly declared: ClientFunction[] = []) {
    for (const fn of declared) {
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(fn.name))
        throw new Error(`Client function name '${fn.name}' is not valid.`);
      if (this.validators.has(fn.name))
        throw new Error(`Client function '${fn.name}' is declared twice.`);
      this.validators.set(fn.name, compileSchema(fn.parameters));
    }
  }

  /** A task may opt in only to functions the agent declares. */
  assertKnown(names: string[] | undefined): void {
    const issues = (names ?? []).flatMap((name, i) =>
      this.validators.has(name)
        ? []
        : [
            {
              location: 'body' as const,
              field: `client_functions.${i}`,
              rule: 'enum',
              message: `'${name}' is not a function this agent declares`,
            },
          ],
    );
    if (issues.length > 0) throw AgentProtocolError.invalid(issues);
  }

  /** Throws (a handler bug, not a client error) when arguments don't match the parameters. */
  assertArguments(name: string, args: Record<string, unknown>): void {
    const validate = this.validators.get(name);
    if (!validate) throw new Error(`The agent does not declare a client function '${name}'.`);
    if (!validate(args)) {
      const e = validate.errors?.[0];
      throw new Error(
        `Arguments for ${name} do not match its parameters: ${e?.instancePath || '(root)'} ${e?.message}.`,
      );
    }
  }
}
