import { isDeepStrictEqual } from 'node:util';
import type { ConfigOption, ConfigScope } from './agent.js';
import { AgentProtocolError, type ValidationIssue } from './errors.js';

function matchesType(option: ConfigOption, value: unknown): boolean {
  switch (option.type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'list':
      return Array.isArray(value);
    case 'dict':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}

function problem(
  name: string,
  option: ConfigOption,
  value: unknown,
  scope: ConfigScope,
): ValidationIssue | undefined {
  const field = `additional_input.${name}`;
  if (option.scope && option.scope.length > 0 && !option.scope.includes(scope)) {
    return {
      location: 'body',
      field,
      rule: 'scope',
      message: `cannot be set on a ${scope} (allowed on: ${option.scope.join(', ')})`,
    };
  }
  if (!matchesType(option, value)) {
    return { location: 'body', field, rule: 'type', message: `must be of type ${option.type}` };
  }
  if (option.options && !option.options.some((allowed) => isDeepStrictEqual(allowed, value))) {
    return {
      location: 'body',
      field,
      rule: 'enum',
      message: `must be one of ${JSON.stringify(option.options)}`,
    };
  }
  return undefined;
}

/**
 * Checks the options a request sets against the agent's declarations and returns the resolved
 * values: defaults, overridden by `inherited` (a task's options, for its steps), overridden by
 * the request's own. Unknown keys are left alone so that clients that know nothing of the
 * options keep working.
 */
export function resolveConfig(
  declared: Record<string, ConfigOption> | undefined,
  additionalInput: Record<string, unknown> | undefined,
  scope: ConfigScope,
  inherited: Record<string, unknown> = {},
): Record<string, unknown> {
  const resolved: Record<string, unknown> = {};
  if (!declared) return resolved;
  const issues: ValidationIssue[] = [];
  for (const [name, option] of Object.entries(declared)) {
    if (additionalInput && Object.hasOwn(additionalInput, name)) {
      const value = additionalInput[name];
      const issue = problem(name, option, value, scope);
      if (issue) issues.push(issue);
      else resolved[name] = value;
    } else {
      resolved[name] = Object.hasOwn(inherited, name) ? inherited[name] : option.default;
    }
  }
  if (issues.length > 0) throw AgentProtocolError.invalid(issues);
  return resolved;
}

/** Rejects, at start-up, an agent whose declared defaults break its own rules. */
export function assertValidDeclarations(declared: Record<string, ConfigOption> | undefined): void {
  for (const [name, option] of Object.entries(declared ?? {})) {
    if (option.default === null) continue; // null means "unset", allowed for any type
    const issue = problem(name, { ...option, scope: [] }, option.default, 'task');
    if (issue) throw new Error(`Config option '${name}': its default ${issue.message}.`);
  }
}
