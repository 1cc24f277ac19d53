import { openapiDocument } from '@agent-protocol/spec';

/** The parts of the bundled OpenAPI document the core reads. */
export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Record<string, unknown>;
}

export interface OperationObject {
  operationId: string;
  parameters?: (ParameterObject | { $ref: string })[];
  requestBody?:
    { content?: Record<string, { schema?: Record<string, unknown> }> } | { $ref: string };
}

export interface SpecDocument {
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, unknown>;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

export const specDocument = openapiDocument as unknown as SpecDocument;

/** Follows a local `$ref` (`#/components/parameters/PageSize`) inside the document. */
export function resolveRef<T>(value: T | { $ref: string }): T {
  let current: unknown = value;
  for (let hops = 0; hops < 16; hops++) {
    if (!current || typeof current !== 'object' || !('$ref' in current)) return current as T;
    const ref = (current as { $ref: string }).$ref;
    if (!ref.startsWith('#/')) throw new Error(`Unsupported $ref ${ref}`);
    current = ref
      .slice(2)
      .split('/')
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], specDocument);
  }
  throw new Error('Too many $ref hops');
}
