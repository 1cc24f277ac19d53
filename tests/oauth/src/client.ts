import type { RunningProvider } from './provider.js';

export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
}

/** Every token value the provider has issued so far (access, refresh, codes). */
export const issuedValues = (provider: RunningProvider) =>
  (['AccessToken', 'RefreshToken', 'AuthorizationCode'] as const).flatMap((model) =>
    provider.issued(model).map((i) => i.token),
  );

/**
 * One principal's client of the agent: its bearer token on every request, and every answer
 * checked for every token the provider has issued so far (in the body and the headers).
 */
export interface Client {
  send<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Answer<T>>;
  get<T = Record<string, unknown>>(path: string): Promise<Answer<T>>;
  post<T = Record<string, unknown>>(
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Answer<T>>;
}

export function clientOf(baseUrl: string, bearer: string, provider: RunningProvider): Client {
  const send = async <T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer<T>> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const everything = `${text}\n${[...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}`;
    for (const token of issuedValues(provider)) {
      if (everything.includes(token)) {
        throw new Error(`${method} ${path}: the answer holds a token the provider issued`);
      }
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json: json as T };
  };
  return {
    send,
    get: <T = Record<string, unknown>>(path: string) => send<T>('GET', path),
    post: <T = Record<string, unknown>>(
      path: string,
      body: unknown = {},
      headers: Record<string, string> = {},
    ) => send<T>('POST', path, body, headers),
  };
}
