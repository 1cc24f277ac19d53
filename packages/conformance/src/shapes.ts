/**
 * Matchers for the wire shapes of PROTOCOL.md section 1, reused by the cases. Each names every
 * required field, so a response that drops one fails every case that sees it.
 */

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const JSON_CONTENT_TYPE = /^application\/json\b/i;

export const artifactShape = {
  artifact_id: { $type: 'string' },
  agent_created: { $type: 'boolean' },
  file_name: { $type: 'string' },
};

export const taskShape = {
  task_id: { $type: 'string' },
  artifacts: { $type: 'array' },
};

export const stepShape = {
  task_id: { $type: 'string' },
  step_id: { $type: 'string' },
  status: /^(created|running|completed)$/,
  artifacts: { $type: 'array' },
  is_last: { $type: 'boolean' },
};

/** An RFC 3339 date-time, as `created_at` and `updated_at` are. */
export const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** A SecretKey: exactly its id, key and timestamps. Never a value, nor any other field. */
export function secretKeyShape(secret_key: string, fields: Record<string, unknown> = {}) {
  return {
    $and: [
      { $keys: ['secret_id', 'secret_key', 'created_at', 'updated_at'] },
      {
        secret_id: { $type: 'string' },
        secret_key,
        created_at: DATE_TIME,
        updated_at: DATE_TIME,
        ...fields,
      },
    ],
  };
}

/** One entry of a step's `secret_demands`: exactly `key`, `name` and `description`. */
export function secretDemand(key: string, name: string, description: string) {
  return { $and: [{ $keys: ['key', 'name', 'description'] }, { key, name, description }] };
}

/** One entry of a step's `function_calls`: exactly `id`, `name` and `arguments`. */
export function functionCall(
  name: string,
  args: Record<string, unknown>,
  id: unknown = { $type: 'string' },
) {
  const exactly = { $and: [{ $keys: Object.keys(args) }, args] };
  return { $and: [{ $keys: ['id', 'name', 'arguments'] }, { id, name, arguments: exactly }] };
}

export function pagination(
  total_items: number,
  total_pages: number,
  current_page: number,
  page_size: number,
) {
  return { total_items, total_pages, current_page, page_size };
}

/** A JSON error body: `message`, and the stable `code` when given. */
export function error(code?: string, extra: Record<string, unknown> = {}) {
  return { message: { $type: 'string' }, ...(code ? { code } : {}), ...extra };
}

/** A 422 body naming the offending field (and where it was). */
export function invalid(field: string, location = 'body', rule?: string) {
  return error('validation_failed', {
    errors: { $contains: { field, location, ...(rule ? { rule } : {}) } },
  });
}
