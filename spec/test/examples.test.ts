// Every example in the bundled spec validates against its schema: schema `examples`, and the
// `example`/`examples` of every parameter, header and media type. Redocly checks the same at
// lint time; this checks it with Ajv (JSON Schema 2020-12), the validator the server uses.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { OpenAPIDocument } from '@agent-protocol/spec';
import {
  asArray,
  derefObject,
  isObject,
  listOperations,
  loadBundledSpec,
  type JsonObject,
} from './support/bundled-spec.js';

const addFormats = addFormatsModule.default;
const DOC_ID = 'openapi.json';

interface ExampleCase {
  /** Where the example is, e.g. `#/components/schemas/Step/allOf/1/properties/status examples[0]`. */
  name: string;
  /** JSON pointer of the schema it must satisfy. */
  schemaPointer: string;
  value: unknown;
}

/** Keywords under which a schema holds subschemas. */
const SUBSCHEMA_MAPS = ['properties', 'patternProperties', '$defs'];
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SUBSCHEMA_SINGLES = ['items', 'additionalProperties', 'propertyNames', 'not', 'contains'];

const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** The OpenAPI document's top-level fields: annotations to Ajv, so the whole document registers. */
const OPENAPI_ROOT_FIELDS = [
  'openapi',
  'info',
  'jsonSchemaDialect',
  'servers',
  'paths',
  'webhooks',
  'components',
  'security',
  'tags',
  'externalDocs',
];

/** Ajv with the whole document registered, so `openapi.json#/components/...` refs resolve. */
function createValidator(doc: OpenAPIDocument): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true });
  addFormats(ajv);
  for (const field of OPENAPI_ROOT_FIELDS) ajv.addKeyword(field);
  ajv.addSchema(doc, DOC_ID);
  return ajv;
}

/** The `examples` of a schema and of all its subschemas. */
function schemaExamples(schema: unknown, pointer: string): ExampleCase[] {
  if (!isObject(schema) || '$ref' in schema) return [];
  const cases: ExampleCase[] = asArray(schema.examples).map((value, i) => ({
    name: `${pointer} examples[${i}]`,
    schemaPointer: pointer,
    value,
  }));
  if ('example' in schema) {
    cases.push({ name: `${pointer} example`, schemaPointer: pointer, value: schema.example });
  }
  for (const keyword of SUBSCHEMA_MAPS) {
    const map = schema[keyword];
    if (!isObject(map)) continue;
    for (const [key, sub] of Object.entries(map)) {
      cases.push(...schemaExamples(sub, `${pointer}/${keyword}/${escape(key)}`));
    }
  }
  for (const keyword of SUBSCHEMA_LISTS) {
    asArray(schema[keyword]).forEach((sub, i) => {
      cases.push(...schemaExamples(sub, `${pointer}/${keyword}/${i}`));
    });
  }
  for (const keyword of SUBSCHEMA_SINGLES) {
    cases.push(...schemaExamples(schema[keyword], `${pointer}/${keyword}`));
  }
  return cases;
}

/**
 * The examples of an object with a `schema` (a parameter, a header, a media type): `example`,
 * and each Example Object's `value` in `examples` (refs to components/examples followed).
 */
function holderExamples(doc: OpenAPIDocument, holder: JsonObject, pointer: string): ExampleCase[] {
  const schemaPointer = `${pointer}/schema`;
  const cases: ExampleCase[] = [];
  if ('example' in holder) {
    cases.push({ name: `${pointer} example`, schemaPointer, value: holder.example });
  }
  if (isObject(holder.examples)) {
    for (const [exampleName, example] of Object.entries(holder.examples)) {
      const value = derefObject(doc, example).value;
      cases.push({ name: `${pointer} examples.${exampleName}`, schemaPointer, value });
    }
  }
  return cases;
}

/** Every object in the document that has a `schema` and may have examples. */
function findSchemaHolders(node: unknown, pointer: string, found: [string, JsonObject][]) {
  if (Array.isArray(node)) {
    node.forEach((item, i) => findSchemaHolders(item, `${pointer}/${i}`, found));
    return;
  }
  if (!isObject(node)) return;
  if (isObject(node.schema)) found.push([pointer, node]);
  for (const [key, value] of Object.entries(node)) {
    // Schemas are walked by schemaExamples; example values are data, not spec.
    if (['schema', 'schemas', 'example', 'examples'].includes(key)) continue;
    findSchemaHolders(value, `${pointer}/${escape(key)}`, found);
  }
}

function collectExamples(doc: OpenAPIDocument): ExampleCase[] {
  const cases: ExampleCase[] = [];
  for (const [name, schema] of Object.entries(doc.components.schemas ?? {})) {
    cases.push(...schemaExamples(schema, `#/components/schemas/${escape(name)}`));
  }
  const holders: [string, JsonObject][] = [];
  findSchemaHolders(doc, '#', holders);
  for (const [pointer, holder] of holders) {
    cases.push(...schemaExamples(holder.schema, `${pointer}/schema`));
    cases.push(...holderExamples(doc, holder, pointer));
  }
  return cases;
}

const doc = loadBundledSpec();
const ajv = createValidator(doc);
const examples = collectExamples(doc);

function validate(schemaPointer: string, value: unknown): string[] {
  const check = ajv.getSchema(`${DOC_ID}${schemaPointer}`);
  if (!check) throw new Error(`No schema at ${schemaPointer}`);
  return check(value)
    ? []
    : (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

describe('examples in the bundled spec', () => {
  it('finds the examples', () => {
    expect(examples.length).toBeGreaterThan(100);
  });

  it.each(examples.map((c) => [c.name, c] as const))('%s is valid', (_name, example) => {
    expect(validate(example.schemaPointer, example.value)).toEqual([]);
  });

  it('gives every operation a request example and a success response example', () => {
    const missing: string[] = [];
    for (const { method, path, operation } of listOperations(doc)) {
      const where = `${method.toUpperCase()} ${path}`;
      if (operation.requestBody !== undefined) {
        const content = derefObject(doc, operation.requestBody).content;
        for (const [type, media] of Object.entries(isObject(content) ? content : {})) {
          if (!isObject(media) || !isObject(media.examples))
            missing.push(`${where} request ${type}`);
        }
      }
      for (const [status, response] of Object.entries(derefObject(doc, operation.responses))) {
        const content = derefObject(doc, response).content;
        if (!isObject(content)) continue; // 204
        for (const [type, media] of Object.entries(content)) {
          if (!isObject(media) || !isObject(media.examples)) {
            missing.push(`${where} ${status} ${type}`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('rejects what the schemas forbid (the validator is not vacuous)', () => {
    expect(validate('#/components/schemas/Step', { task_id: 't', step_id: 's' })).not.toEqual([]);
    expect(
      validate('#/components/schemas/FunctionResult', { id: 'c', output: 1, error: 'both' }),
    ).not.toEqual([]);
    expect(
      validate('#/components/schemas/FunctionResult', { id: 'c', refused: false }),
    ).not.toEqual([]);
    expect(validate('#/components/schemas/FunctionResult', { id: 'c', output: null })).toEqual([]);
  });
});
