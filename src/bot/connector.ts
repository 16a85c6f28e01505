import type { AuthenticateRequestResult, BotFrameworkAuthentication, ClaimsIdentity, ConnectorClient, ConnectorFactory } from 'botframework-connector';
import type { Activity, CloudAdapter } from 'botbuilder';
import type { ServiceUrlTrust } from '../server/trust.js';

/** The raised error when the bot is asked to call a service URL it does not trust. */
export class UntrustedServiceUrlError extends Error {
  constructor() {
    super('connector call to an untrusted service URL refused');
    this.name = 'UntrustedServiceUrlError';
  }
}

interface MinimalRequest {
  timeout: number;
  abortSignal?: AbortSignal;
}
interface MinimalPipeline {
  addPolicy(policy: { name: string; sendRequest(request: MinimalRequest, next: (r: MinimalRequest) => Promise<unknown>): Promise<unknown> }): void;
}

/**
 * Every Bot Connector client the adapter creates (replies, proactive sends, roster reads) comes
 * from its ConnectorFactory. This wraps that factory once so that (1) a client is only created
 * for a trusted service URL and (2) each call, its retries included, ends within `timeoutMs`:
 * a dead or slow host can no longer hold a turn for the length of the built-in retries.
 */
export function guardConnectorCalls(adapter: CloudAdapter, trust: ServiceUrlTrust, timeoutMs: number): void {
  const auth = (adapter as unknown as { botFrameworkAuthentication: BotFrameworkAuthentication }).botFrameworkAuthentication;
  const create = auth.createConnectorFactory.bind(auth);
  auth.createConnectorFactory = (identity: ClaimsIdentity) => new GuardedConnectorFactory(create(identity), trust, timeoutMs);
  // An incoming turn's factory comes with its authentication result, made by botbuilder's inner object.
  const authenticate = auth.authenticateRequest.bind(auth);
  auth.authenticateRequest = async (activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> => {
    const result = await authenticate(activity, authHeader);
    return result.connectorFactory ? { ...result, connectorFactory: new GuardedConnectorFactory(result.connectorFactory, trust, timeoutMs) } : result;
  };
}

class GuardedConnectorFactory implements ConnectorFactory {
  constructor(
    private readonly inner: ConnectorFactory,
    private readonly trust: ServiceUrlTrust,
    private readonly timeoutMs: number,
  ) {}

  async create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    if (!this.trust.isTrusted(serviceUrl)) throw new UntrustedServiceUrlError();
    const client = await this.inner.create(serviceUrl, audience);
    const pipeline = (client as unknown as { client?: { pipeline?: MinimalPipeline } }).client?.pipeline;
    const timeoutMs = this.timeoutMs;
    pipeline?.addPolicy({
      name: 'schakelConnectorDeadline',
      // Without a phase this runs outside the retry policy: the deadline covers all attempts.
      sendRequest(request, next) {
        const deadline = AbortSignal.timeout(timeoutMs);
        request.abortSignal = request.abortSignal ? AbortSignal.any([request.abortSignal, deadline]) : deadline;
        if (!request.timeout || request.timeout > timeoutMs) request.timeout = timeoutMs;
        return next(request);
      },
    });
    return client;
  }
}
