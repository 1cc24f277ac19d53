import { createClient, type AgentProtocolClient, type ClientAuth } from '@agent-protocol/client';
import { UsageError } from './exit-codes.js';
import { stringOption, type OptionName, type ParsedArgs } from './options.js';
import { askHidden } from './terminal/prompt.js';

/** The options every command that talks to a server takes. */
export const CONNECTION_OPTIONS: readonly OptionName[] = [
  'url',
  'token',
  'api-key',
  'api-key-header',
  'user',
  'password',
];

/** A server, and the client that talks to it. */
export interface Connection {
  /** The origin plus mount prefix the client was created with. */
  baseUrl: string;
  client: AgentProtocolClient;
}

/**
 * The base the client appends `/ap/v1/...` to. A URL that goes on into the protocol (the example
 * apps print `.../ap/v1/agent/tasks`) is cut before `/ap/`, so a pasted start line just works.
 */
export function baseUrlOf(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`'${url}' is not a URL (e.g. http://127.0.0.1:8000).`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`'${url}' is not an http:// or https:// URL.`);
  }
  const at = parsed.pathname.search(/\/ap\/v\d+(?:\/|$)/);
  const path = (at === -1 ? parsed.pathname : parsed.pathname.slice(0, at)).replace(/\/+$/, '');
  return `${parsed.origin}${path}`;
}

/** `--url`, else AGENT_PROTOCOL_URL. */
export function serverUrl(args: ParsedArgs, env: NodeJS.ProcessEnv): string {
  const url = stringOption(args, 'url') ?? env.AGENT_PROTOCOL_URL;
  if (!url) throw new UsageError('No server given: use --url URL or set AGENT_PROTOCOL_URL.');
  return baseUrlOf(url);
}

/** The credentials of the command line: one kind at most; AGENT_PROTOCOL_TOKEN when none. */
async function auth(args: ParsedArgs, env: NodeJS.ProcessEnv): Promise<ClientAuth | undefined> {
  const token = stringOption(args, 'token');
  const apiKey = stringOption(args, 'api-key');
  const header = stringOption(args, 'api-key-header');
  const user = stringOption(args, 'user');
  let password = stringOption(args, 'password');
  const kinds = [token, apiKey, user].filter((v) => v !== undefined).length;
  if (kinds > 1)
    throw new UsageError('Give one kind of credentials: --token, --api-key or --user.');
  if (header !== undefined && apiKey === undefined)
    throw new UsageError('--api-key-header names the header of --api-key: give both.');
  if (password !== undefined && user === undefined)
    throw new UsageError('--password goes with --user (HTTP Basic).');
  if (token !== undefined) return { type: 'bearer', token };
  if (apiKey !== undefined)
    return { type: 'api_key', key: apiKey, ...(header !== undefined && { header }) };
  if (user !== undefined) {
    // A password typed at a hidden prompt stays out of the shell history and the process list.
    if (password === undefined) {
      if (!process.stdin.isTTY)
        throw new UsageError('--user needs --password (or a terminal to type it in).');
      password = await askHidden(`Password for ${user}: `);
      if (password === undefined) throw new UsageError(`No password typed for ${user}.`);
    }
    return { type: 'basic', username: user, password };
  }
  const fromEnv = env.AGENT_PROTOCOL_TOKEN;
  return fromEnv ? { type: 'bearer', token: fromEnv } : undefined;
}

/** The client for the command line's server and credentials. */
export async function connect(args: ParsedArgs, env: NodeJS.ProcessEnv): Promise<Connection> {
  const baseUrl = serverUrl(args, env);
  const credentials = await auth(args, env);
  return {
    baseUrl,
    client: createClient({ baseUrl, ...(credentials && { auth: credentials }) }),
  };
}
