import Ajv2020Module from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { AgentProtocolError, type IssueLocation, type ValidationIssue } from './errors.js';
import type { Route } from './router.js';
import {
  resolveRef,
  type OperationObject,
  type ParameterObject,
  type SpecDocument,
} from './spec-document.js';

// Both packages are CommonJS with an ES-style `default`; NodeNext sees the module object.
type AjvClass = typeof Ajv2020Module.default;
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvClass }).default ??
  Ajv2020Module) as AjvClass;
type AddFormats = typeof addFormatsModule.default;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  addFormatsModule) as AddFormats;

const DOCUMENT_ID = 'agent-protocol.json';

/** A JSON Schema 2020-12 validator with formats, for schemas other than the spec's. */
export function compileSchema(schema: object): ValidateFunction {
  const ajv = new Ajv2020({ strict: false, allErrors: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

/** Validates one operation's inputs. Compiled once per operation at start-up. */
export interface OperationValidator {
  /** Coerces query/path strings to their schema types, applies defaults, and throws a 422. */
  params(values: Record<string, unknown>): Record<string, unknown>;
  /** Validates a parsed JSON body (no coercion: JSON already has types). */
  body(value: unknown): void;
  hasJsonBody: boolean;
}

function pointerToField(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function toIssues(
  errors: ErrorObject[],
  locate: (field: string) => IssueLocation,
  root: string,
): ValidationIssue[] {
  return errors.map((e) => {
    let field = pointerToField(e.instancePath);
    if (e.keyword === 'required') {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      field = field ? `${field}.${missing}` : missing;
    }
    if (e.keyword === 'additionalProperties') {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      field = field ? `${field}.${extra}` : extra;
    }
    const top = field.split('.')[0] ?? '';
    return {
      location: locate(top),
      field: field || root,
      rule: e.keyword,
      message: e.message ?? 'is invalid',
    };
  });
}

/** Rewrites local refs so a fragment compiled alone still resolves into the whole document. */
function anchorRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(anchorRefs);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] =
      key === '$ref' && typeof value === 'string' && value.startsWith('#/')
        ? `${DOCUMENT_ID}${value}`
        : anchorRefs(value);
  }
  return out;
}

export class SpecValidator {
  private readonly coercing;
  private readonly strict;
  private readonly byOperation = new Map<string, OperationValidator>();

  constructor(document: SpecDocument) {
    const options = { strict: false, allErrors: false, validateSchema: false } as const;
    this.coercing = new Ajv2020({ ...options, coerceTypes: true, useDefaults: true });
    this.strict = new Ajv2020(options);
    for (const ajv of [this.coercing, this.strict]) {
      addFormats(ajv);
      ajv.addSchema(document as object, DOCUMENT_ID);
    }
  }

  forRoute(route: Route): OperationValidator {
    let validator = this.byOperation.get(route.operationId);
    if (!validator) {
      validator = this.compile(route.operation);
      this.byOperation.set(route.operationId, validator);
    }
    return validator;
  }

  /** Compiles every operation now, so the first request pays nothing and spec errors surface at start. */
  compileAll(routes: Route[]): void {
    for (const route of routes) this.forRoute(route);
  }

  private compile(operation: OperationObject): OperationValidator {
    const parameters = (operation.parameters ?? []).map((p) => resolveRef<ParameterObject>(p));
    const locations = new Map<string, IssueLocation>();
    const integers: string[] = [];
    const properties: Record<string, unknown> = {};
    const required: string[] = [];
    for (const p of parameters) {
      if (p.in === 'cookie') continue;
      const name = p.in === 'header' ? p.name.toLowerCase() : p.name;
      locations.set(name, p.in);
      properties[name] = anchorRefs(p.schema ?? {});
      if (p.schema?.type === 'integer') integers.push(name);
      if (p.required) required.push(name);
    }
    const paramsFn: ValidateFunction = this.coercing.compile({
      type: 'object',
      properties,
      required,
    });

    const requestBody = operation.requestBody && resolveRef(operation.requestBody);
    const jsonSchema = requestBody?.content?.['application/json']?.schema;
    const bodyFn = jsonSchema ? this.strict.compile(anchorRefs(jsonSchema) as object) : undefined;

    return {
      hasJsonBody: bodyFn !== undefined,
      params(values) {
        // Ajv coerces with Number(), which takes '0x10', '1e3' and ' 1': only plain decimals are integers.
        const notDecimal = integers.filter(
          (name) => typeof values[name] === 'string' && !/^-?\d+$/.test(values[name] as string),
        );
        if (notDecimal.length > 0) {
          throw AgentProtocolError.invalid(
            notDecimal.map((field) => ({
              location: locations.get(field) ?? 'query',
              field,
              rule: 'type',
              message: 'must be integer',
            })),
          );
        }
        if (!paramsFn(values)) {
          throw AgentProtocolError.invalid(
            toIssues(paramsFn.errors ?? [], (f) => locations.get(f) ?? 'query', 'query'),
          );
        }
        return values;
      },
      body(value) {
        if (bodyFn && !bodyFn(value)) {
          throw AgentProtocolError.invalid(toIssues(bodyFn.errors ?? [], () => 'body', 'body'));
        }
      },
    };
  }
}
