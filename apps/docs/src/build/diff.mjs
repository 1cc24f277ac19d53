// "What changed" between two bundled OpenAPI documents: operations, their parameters and the
// component schemas, added or removed. Computed from the JSON, so it is right even when a
// changelog entry forgot to mention something.

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * @typedef {Record<string, any>} OpenApiDocument
 *
 * @typedef {object} OperationInfo
 * @property {string} operationId
 * @property {string} method   upper-case
 * @property {string} path
 * @property {string} summary
 * @property {string} tag      the first tag, or `default`
 * @property {string[]} parameters  `in:name`, sorted
 *
 * @typedef {object} OperationMove
 * @property {string} operationId
 * @property {string} from  `METHOD /path`
 * @property {string} to
 *
 * @typedef {object} ParameterChange
 * @property {string} operationId
 * @property {string[]} added    `in:name`
 * @property {string[]} removed
 *
 * @typedef {object} SchemaChange
 * @property {string} name
 * @property {string[]} propertiesAdded
 * @property {string[]} propertiesRemoved
 * @property {string[]} nowRequired
 * @property {string[]} noLongerRequired
 *
 * @typedef {object} SpecDiff
 * @property {OperationInfo[]} operationsAdded
 * @property {OperationInfo[]} operationsRemoved
 * @property {OperationMove[]} operationsMoved
 * @property {ParameterChange[]} parametersChanged
 * @property {string[]} schemasAdded
 * @property {string[]} schemasRemoved
 * @property {SchemaChange[]} schemasChanged
 */

/**
 * Follows a local `$ref` (`#/components/...`) once or more.
 * @param {OpenApiDocument} document
 * @param {any} node
 */
export function deref(document, node) {
  let current = node;
  for (let hops = 0; current && typeof current.$ref === 'string' && hops < 20; hops++) {
    const ref = /** @type {string} */ (current.$ref);
    if (!ref.startsWith('#/')) return current;
    current = ref
      .slice(2)
      .split('/')
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((/** @type {any} */ at, key) => (at == null ? undefined : at[key]), document);
  }
  return current;
}

/**
 * Every operation of a document, in document order (paths, then methods).
 * @param {OpenApiDocument} document
 * @returns {OperationInfo[]}
 */
export function listOperations(document) {
  /** @type {OperationInfo[]} */
  const out = [];
  for (const [path, rawItem] of Object.entries(document.paths ?? {})) {
    const item = deref(document, rawItem) ?? {};
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    // In the document's own order, as Redoc shows them.
    for (const method of Object.keys(item).filter((key) => HTTP_METHODS.includes(key))) {
      const operation = item[method];
      if (!operation || typeof operation !== 'object') continue;
      const params = [
        ...shared,
        ...(Array.isArray(operation.parameters) ? operation.parameters : []),
      ]
        .map((p) => deref(document, p))
        .filter((p) => p && typeof p.name === 'string')
        .map((p) => `${p.in}:${p.name}`);
      out.push({
        operationId: operation.operationId ?? `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        summary: operation.summary ?? operation.operationId ?? `${method.toUpperCase()} ${path}`,
        tag:
          Array.isArray(operation.tags) && operation.tags.length > 0
            ? String(operation.tags[0])
            : 'default',
        parameters: [...new Set(params)].sort(),
      });
    }
  }
  return out;
}

/**
 * @param {string[]} before
 * @param {string[]} after
 */
function setDiff(before, after) {
  const b = new Set(before);
  const a = new Set(after);
  return { added: after.filter((x) => !b.has(x)), removed: before.filter((x) => !a.has(x)) };
}

/**
 * The top-level properties and required list of a schema, looking through `allOf`.
 * @param {OpenApiDocument} document
 * @param {any} schema
 * @param {number} [depth]
 * @returns {{ properties: string[]; required: string[] }}
 */
function shape(document, schema, depth = 0) {
  const s = deref(document, schema) ?? {};
  const properties = new Set(Object.keys(s.properties ?? {}));
  const required = new Set(Array.isArray(s.required) ? s.required.map(String) : []);
  if (Array.isArray(s.allOf) && depth < 10) {
    for (const part of s.allOf) {
      const inner = shape(document, part, depth + 1);
      inner.properties.forEach((p) => properties.add(p));
      inner.required.forEach((r) => required.add(r));
    }
  }
  return { properties: [...properties].sort(), required: [...required].sort() };
}

/**
 * What changed from `older` to `newer`.
 * @param {OpenApiDocument} older
 * @param {OpenApiDocument} newer
 * @returns {SpecDiff}
 */
export function diffSpecs(older, newer) {
  const before = new Map(listOperations(older).map((o) => [o.operationId, o]));
  const after = new Map(listOperations(newer).map((o) => [o.operationId, o]));
  /** @type {SpecDiff} */
  const diff = {
    operationsAdded: [...after.values()].filter((o) => !before.has(o.operationId)),
    operationsRemoved: [...before.values()].filter((o) => !after.has(o.operationId)),
    operationsMoved: [],
    parametersChanged: [],
    schemasAdded: [],
    schemasRemoved: [],
    schemasChanged: [],
  };
  for (const [id, now] of after) {
    const was = before.get(id);
    if (!was) continue;
    if (was.method !== now.method || was.path !== now.path) {
      diff.operationsMoved.push({
        operationId: id,
        from: `${was.method} ${was.path}`,
        to: `${now.method} ${now.path}`,
      });
    }
    const params = setDiff(was.parameters, now.parameters);
    if (params.added.length || params.removed.length)
      diff.parametersChanged.push({ operationId: id, ...params });
  }

  const oldSchemas = older.components?.schemas ?? {};
  const newSchemas = newer.components?.schemas ?? {};
  const names = setDiff(Object.keys(oldSchemas), Object.keys(newSchemas));
  diff.schemasAdded = names.added.sort();
  diff.schemasRemoved = names.removed.sort();
  for (const name of Object.keys(newSchemas).sort()) {
    if (!(name in oldSchemas)) continue;
    const was = shape(older, oldSchemas[name]);
    const now = shape(newer, newSchemas[name]);
    const props = setDiff(was.properties, now.properties);
    const req = setDiff(was.required, now.required);
    if (props.added.length || props.removed.length || req.added.length || req.removed.length) {
      diff.schemasChanged.push({
        name,
        propertiesAdded: props.added,
        propertiesRemoved: props.removed,
        nowRequired: req.added,
        noLongerRequired: req.removed,
      });
    }
  }
  return diff;
}

/** @param {SpecDiff} diff */
export function isEmptyDiff(diff) {
  return Object.values(diff).every((list) => list.length === 0);
}
