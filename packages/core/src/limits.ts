/** Limits on what one request may ask of the server (the `limits` option). */
export interface AgentProtocolLimits {
  /**
   * Largest accepted artifact upload, in bytes; larger uploads get 413.
   * @default 536870912 (512 MiB)
   */
  maxUploadBytes?: number;
  /**
   * Largest accepted JSON request body, in bytes; larger bodies get 413.
   * @default 1048576 (1 MiB)
   */
  maxJsonBytes?: number;
  /**
   * Deepest nesting accepted in a JSON request body, counted in objects and arrays open at once:
   * the body's own object is level 1, so `{"additional_input": {"a": [1]}}` is 3 levels deep and
   * `{}` is 1. A deeper body (task, step or secret request; `additional_input`,
   * `function_results` or any other field) gets 400 `json_too_deep` and nothing is stored, so
   * every body accepted can be stored and served back whole. The same limit holds for a body a
   * framework's parser (`express.json()`, a Koa body parser) already read. An integer from 1 to
   * 1000: JavaScript's `JSON.stringify` overflows the stack a few thousand levels down.
   * @default 64
   */
  maxJsonDepth?: number;
  /**
   * Largest page served; a larger `page_size` is served as this size (and said so in `pagination`).
   * @default 1000
   */
  maxPageSize?: number;
}

/** Every limit with its default, checked. */
export type ResolvedLimits = Required<AgentProtocolLimits>;

/** The deepest `limits.maxJsonDepth` allowed: far below where serialising overflows the stack. */
const MAX_JSON_DEPTH_LIMIT = 1000;

function integerIn(name: keyof AgentProtocolLimits, value: number, max: number): number {
  // A string ('1mb'), NaN, 0 or a negative number is an operator's mistake: refuse to start
  // rather than refuse every request (or none) later.
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER ? 'a positive integer' : `an integer from 1 to ${max}`;
    throw new RangeError(
      `limits.${name} must be ${range}, not ${JSON.stringify(value) ?? String(value)}.`,
    );
  }
  return value;
}

/** The limits with their defaults; throws a RangeError naming the first one out of range. */
export function resolveLimits(limits: AgentProtocolLimits = {}): ResolvedLimits {
  const any = Number.MAX_SAFE_INTEGER;
  return {
    maxUploadBytes: integerIn('maxUploadBytes', limits.maxUploadBytes ?? 512 * 1024 * 1024, any),
    maxJsonBytes: integerIn('maxJsonBytes', limits.maxJsonBytes ?? 1024 * 1024, any),
    maxJsonDepth: integerIn('maxJsonDepth', limits.maxJsonDepth ?? 64, MAX_JSON_DEPTH_LIMIT),
    maxPageSize: integerIn('maxPageSize', limits.maxPageSize ?? 1000, any),
  };
}
