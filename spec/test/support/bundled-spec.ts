// Reading the bundled document (dist/openapi.json) in tests: loading, following refs, walking
// operations. Built by `pnpm build`, which turbo runs before the tests.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { OpenAPIDocument } from '@agent-protocol/spec';

export type JsonObject = Record<string, unknown>;

/** The package root (spec/). */
export const packageDir = fileURLToPath(new URL('../..', import.meta.url));

export const bundledSpecPath = fileURLToPath(new URL('../../dist/openapi.json', import.meta.url));

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** A fresh copy of the bundled document, so a test may change it. */
export function loadBundledSpec(): OpenAPIDocument {
  return JSON.parse(readFileSync(bundledSpecPath, 'utf8')) as OpenAPIDocument;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a JSON pointer (`#/components/schemas/Step`) of the document. */
export function resolvePointer(doc: OpenAPIDocument, pointer: string): unknown {
  if (!pointer.startsWith('#')) throw new Error(`Not a local ref: ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, segment) => {
      if (!isObject(node) && !Array.isArray(node)) throw new Error(`Unresolvable ref: ${pointer}`);
      return (node as JsonObject)[segment];
    }, doc);
}

/** Follows `$ref`s until a node without one. */
export function deref(doc: OpenAPIDocument, node: unknown): unknown {
  let current = node;
  for (let hops = 0; isObject(current) && typeof current.$ref === 'string'; hops++) {
    if (hops > 20) throw new Error(`Ref cycle at ${current.$ref}`);
    current = resolvePointer(doc, current.$ref);
  }
  return current;
}

/** `deref`, asserting the result is an object. */
export function derefObject(doc: OpenAPIDocument, node: unknown): JsonObject {
  const resolved = deref(doc, node);
  if (!isObject(resolved)) throw new Error(`Expected an object, got ${JSON.stringify(resolved)}`);
  return resolved;
}

/** The component name a `{ $ref: '#/components/<kind>/<Name>' }` points at, if it is one. */
export function refName(node: unknown): string | undefined {
  return isObject(node) && typeof node.$ref === 'string' ? node.$ref.split('/').pop() : undefined;
}

export interface OperationEntry {
  path: string;
  method: string;
  operation: JsonObject;
  /** Path-item and operation parameters, refs resolved (the operation's win on a clash). */
  parameters: JsonObject[];
}

export function listOperations(doc: OpenAPIDocument): OperationEntry[] {
  const entries: OperationEntry[] = [];
  for (const [path, rawPathItem] of Object.entries(doc.paths)) {
    const pathItem = derefObject(doc, rawPathItem);
    const shared = asArray(pathItem.parameters).map((p) => derefObject(doc, p));
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (!isObject(operation)) continue;
      const own = asArray(operation.parameters).map((p) => derefObject(doc, p));
      const key = (p: JsonObject) => `${String(p.in)}:${String(p.name)}`;
      const ownKeys = new Set(own.map(key));
      const parameters = [...shared.filter((p) => !ownKeys.has(key(p))), ...own];
      entries.push({ path, method, operation, parameters });
    }
  }
  return entries;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
