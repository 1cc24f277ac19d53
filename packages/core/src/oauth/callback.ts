import { AgentProtocolError, toAgentProtocolError } from '../errors.js';
import { errorResponse } from '../http/responses.js';
import type { CoreRequest, CoreResponse } from '../http/types.js';
import type { Logger } from '../logger.js';
import { CALLBACK_HEADERS, callbackPage, prefersHtml } from './page.js';
import { CALLBACK_PATH } from './providers.js';
import type { CallbackParams, OAuthService } from './service.js';

interface CallbackCall {
  request: CoreRequest;
  params: Record<string, unknown>;
}

/**
 * `GET /ap/v1/agent/oauth/callback` (`oauthCallback`): where a provider sends the browser back.
 * Anonymous (the `state` is the credential). Success is the small page saying the window can be
 * closed; a failure is the core's JSON error, or the same page with the reason for a browser.
 */
export function oauthCallbackOperation(service: OAuthService, logger: Logger) {
  return async (c: CallbackCall): Promise<CoreResponse> => {
    const browser = prefersHtml(c.request.headers.accept);
    try {
      // A HEAD (a link checker, a preview) must not use up the single-use state.
      if (c.request.method === 'HEAD') {
        throw new AgentProtocolError(
          'method_not_allowed',
          `HEAD is not allowed on ${CALLBACK_PATH}: a sign-in is completed by the browser's GET.`,
          { headers: { allow: 'GET' } },
        );
      }
      const query =
        typeof c.request.query === 'string'
          ? new URLSearchParams(c.request.query)
          : c.request.query;
      const { provider } = await service.complete(c.params as CallbackParams, query);
      return callbackPage(
        200,
        `Signed in to ${provider}`,
        'You can close this window and go back to the agent.',
      );
    } catch (thrown) {
      const error = toAgentProtocolError(thrown);
      if (error.status >= 500) {
        logger.error('GET /ap/v1/agent/oauth/callback failed', error.cause ?? error);
      }
      if (browser) {
        const title = error.status >= 500 ? 'Something went wrong' : 'Sign-in not completed';
        const page = callbackPage(error.status, title, error.message);
        return { ...page, headers: { ...error.headers, ...page.headers } };
      }
      const response = errorResponse(error);
      return { ...response, headers: { ...response.headers, ...CALLBACK_HEADERS } };
    }
  };
}
