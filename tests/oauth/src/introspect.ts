import * as oauth from 'oauth4webapi';

export interface Introspection {
  active: boolean;
  sub?: string;
  client_id?: string;
  scope?: string;
}

/** RFC 7662 token introspection at the test's provider, as its registered client. */
export async function introspect(
  endpoint: string,
  client: { id: string; secret: string },
  token: string,
): Promise<Introspection> {
  const issuer = new URL(endpoint).origin;
  const as: oauth.AuthorizationServer = { issuer, introspection_endpoint: endpoint };
  const response = await oauth.introspectionRequest(
    as,
    { client_id: client.id },
    oauth.ClientSecretBasic(client.secret),
    token,
    // The provider listens on 127.0.0.1 over plain http: a test, never production.
    { [oauth.allowInsecureRequests]: true },
  );
  const result = await oauth.processIntrospectionResponse(as, { client_id: client.id }, response);
  return {
    active: result.active,
    ...(typeof result.sub === 'string' && { sub: result.sub }),
    ...(typeof result.client_id === 'string' && { client_id: result.client_id }),
    ...(typeof result.scope === 'string' && { scope: result.scope }),
  };
}
