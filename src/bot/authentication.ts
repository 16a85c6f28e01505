import { AuthenticationError, type AuthenticateRequestResult, type BotFrameworkAuthentication } from 'botframework-connector';
import type { Activity, CloudAdapter } from 'botbuilder';

/** Errors of the JWT library that mean "this token is not valid", not "we failed". */
const TOKEN_ERRORS = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError', 'SyntaxError']);
const UNAUTHORIZED = 401;

/**
 * botbuilder rethrows a bad signature or a malformed token as the JWT library's own error, which
 * the adapter answers with 500. Those are the caller's fault: they become 401 like every other
 * refused token. Anything else (the OpenID metadata cannot be fetched) stays a server error.
 */
export function refuseBadTokensAs401(adapter: CloudAdapter): void {
  const auth = (adapter as unknown as { botFrameworkAuthentication: BotFrameworkAuthentication }).botFrameworkAuthentication;
  const authenticate = auth.authenticateRequest.bind(auth);
  auth.authenticateRequest = async (activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> => {
    try {
      return await authenticate(activity, authHeader);
    } catch (err) {
      if (!(err instanceof AuthenticationError) && TOKEN_ERRORS.has((err as Error).name)) throw new AuthenticationError('Unauthorized', UNAUTHORIZED);
      throw err;
    }
  };
}
