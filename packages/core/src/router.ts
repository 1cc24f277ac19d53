import { AgentProtocolError } from './errors.js';
import { noOperation } from './http/not-found.js';
import { HTTP_METHODS, type OperationObject, type SpecDocument } from './spec-document.js';

export interface Route {
  operationId: string;
  method: string;
  pathTemplate: string;
  operation: OperationObject;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

interface CompiledPath {
  regex: RegExp;
  paramNames: string[];
  byMethod: Map<string, Route>;
}

/** Routes every path of the spec; unknown paths are 404 and known paths with other methods 405. */
export class Router {
  private readonly exact = new Map<string, CompiledPath>();
  /** Templated paths by their number of segments: a request is tried only against its own count. */
  private readonly templated = new Map<number, CompiledPath[]>();

  constructor(document: SpecDocument) {
    for (const [template, item] of Object.entries(document.paths)) {
      const paramNames: string[] = [];
      const pattern = template
        .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
        .replace(/\{([^}]+)\}/g, (_m, name: string) => {
          paramNames.push(name);
          return '([^/]+)';
        });
      const compiled: CompiledPath = {
        regex: new RegExp(`^${pattern}$`),
        paramNames,
        byMethod: new Map(),
      };
      for (const method of HTTP_METHODS) {
        const operation = item[method] as OperationObject | undefined;
        if (!operation) continue;
        compiled.byMethod.set(method.toUpperCase(), {
          operationId: operation.operationId,
          method: method.toUpperCase(),
          pathTemplate: template,
          operation,
        });
      }
      if (paramNames.length === 0) this.exact.set(template, compiled);
      else {
        const segments = template.split('/').length;
        this.templated.set(segments, [...(this.templated.get(segments) ?? []), compiled]);
      }
    }
  }

  /** Every route, for compiling validators up front. */
  routes(): Route[] {
    return [...this.exact.values(), ...[...this.templated.values()].flat()].flatMap((c) => [
      ...c.byMethod.values(),
    ]);
  }

  /** Finds the operation for a request, or throws the 404/405 the client should get. */
  match(method: string, rawPath: string): RouteMatch {
    const path = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
    let found: { compiled: CompiledPath; values: string[] } | undefined;
    const exact = this.exact.get(path);
    if (exact) found = { compiled: exact, values: [] };
    else {
      for (const compiled of this.templated.get(path.split('/').length) ?? []) {
        const m = compiled.regex.exec(path);
        if (m) {
          found = { compiled, values: m.slice(1) };
          break;
        }
      }
    }
    if (!found) throw noOperation(method, path);
    // HEAD is answered like GET by the adapters' frameworks; route it to the GET operation.
    const route =
      found.compiled.byMethod.get(method) ??
      (method === 'HEAD' ? found.compiled.byMethod.get('GET') : undefined);
    if (!route) {
      const allow = [...found.compiled.byMethod.keys()].join(', ');
      throw new AgentProtocolError(
        'method_not_allowed',
        `${method} is not allowed on ${path}; use ${allow}.`,
        {
          headers: { allow },
        },
      );
    }
    const params: Record<string, string> = {};
    found.compiled.paramNames.forEach((name, i) => {
      params[name] = safeDecode(found.values[i]!);
    });
    return { route, params };
  }
}

function safeDecode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    throw new AgentProtocolError(
      'bad_request',
      `Path segment '${value}' is not valid percent-encoding.`,
    );
  }
}
