import type { TokenCredential } from '@azure/identity';
import { Client, HTTPMessageHandler, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import type { Logger } from '../log.js';
import { DEFAULT_RETRY, isRetryable, retryDelayMs, type RetryOptions } from './retryPolicy.js';

export const GRAPH_DEFAULT_BASE_URL = 'https://graph.microsoft.com';

/** App registration of Schakel in Entra ID (application permissions, client secret). */
export interface GraphCredentialSettings {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /**
   * Token authority, default login.microsoftonline.com. Must be https: @azure/identity refuses
   * anything else, so tests run a fake authority on loopback with a self-signed certificate.
   */
  authorityHost?: string;
  /** PEM certificate(s) to trust for the authority instead of the public CAs (tests only). */
  trustedCa?: string;
}

/**
 * The app's client-secret credential. @azure/identity (and MSAL under it) is imported on the
 * first token request, so a process without Graph never loads it.
 */
export function graphCredential(s: GraphCredentialSettings): TokenCredential {
  let real: Promise<TokenCredential> | undefined;
  const load = async (): Promise<TokenCredential> => {
    const { ClientSecretCredential } = await import('@azure/identity');
    return new ClientSecretCredential(s.tenantId, s.clientId, s.clientSecret, {
      ...(s.authorityHost ? { authorityHost: s.authorityHost, disableInstanceDiscovery: true } : {}),
      ...(s.trustedCa ? { tlsOptions: { ca: s.trustedCa } } : {}),
    });
  };
  return {
    getToken: async (scopes, options) => {
      real ??= load();
      return (await real).getToken(scopes, options);
    },
  };
}

export interface GraphClientOptions {
  /** Graph root without version, e.g. https://graph.microsoft.com (config GRAPH_BASE_URL). */
  baseUrl?: string;
  credential: TokenCredential;
  retry?: Partial<RetryOptions>;
  log: Logger;
  /** Requests that must not be repeated after a 500/502/504 (the server may have acted). */
  isIdempotent?: (method: string, url: string) => boolean;
}

/**
 * A Graph client whose middleware is: bounded retry → bearer token → fetch. The SDK's own
 * AuthenticationHandler is not used: it attaches tokens only to https URLs, so a fake Graph on
 * plain-http loopback would get none. Ours attaches the token to the configured base URL's
 * origin only, and the scope follows that origin (national clouds, fake servers).
 */
export function createGraphClient(options: GraphClientOptions): Client {
  const baseUrl = (options.baseUrl ?? GRAPH_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const origin = new URL(baseUrl).origin;
  const retry = new BoundedRetry({ ...DEFAULT_RETRY, ...options.retry }, options.isIdempotent ?? (() => true), options.log);
  const auth = new BearerToken(options.credential, `${origin}/.default`, origin);
  const send = new HTTPMessageHandler();
  retry.setNext(auth);
  auth.setNext(send);
  return Client.initWithMiddleware({ baseUrl, middleware: retry });
}

const urlOf = (ctx: Context) => (typeof ctx.request === 'string' ? ctx.request : ctx.request.url);
const methodOf = (ctx: Context) => (typeof ctx.request === 'string' ? (ctx.options?.method ?? 'GET') : ctx.request.method).toUpperCase();

function setHeader(ctx: Context, name: string, value: string | undefined): void {
  if (typeof ctx.request !== 'string') {
    if (value === undefined) ctx.request.headers.delete(name);
    else ctx.request.headers.set(name, value);
    return;
  }
  ctx.options ??= {};
  const headers = new Headers(ctx.options.headers as ConstructorParameters<typeof Headers>[0]);
  if (value === undefined) headers.delete(name);
  else headers.set(name, value);
  ctx.options.headers = Object.fromEntries(headers.entries());
}

class BearerToken implements Middleware {
  private next?: Middleware;
  constructor(
    private readonly credential: TokenCredential,
    private readonly scope: string,
    private readonly origin: string,
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(ctx: Context): Promise<void> {
    if (new URL(urlOf(ctx)).origin === this.origin) {
      // The credential caches the token and renews it shortly before it expires.
      const token = await this.credential.getToken(this.scope);
      if (!token) throw new Error('Graph: no access token');
      setHeader(ctx, 'Authorization', `Bearer ${token.token}`);
    } else {
      setHeader(ctx, 'Authorization', undefined); // never leak the token to another host (e.g. a nextLink)
    }
    await this.next?.execute(ctx);
  }
}

/**
 * Retries throttling and transient failures within fixed limits (see RetryOptions), so a card
 * action or a scheduler tick never hangs on Graph. The SDK's RetryHandler is not used: it has
 * no total bound, retries a POST after a 504, and never retries 500/502.
 */
class BoundedRetry implements Middleware {
  private next?: Middleware;
  constructor(
    private readonly options: RetryOptions,
    private readonly isIdempotent: (method: string, url: string) => boolean,
    private readonly log: Logger,
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(ctx: Context): Promise<void> {
    const idempotent = this.isIdempotent(methodOf(ctx), urlOf(ctx));
    let waited = 0;
    for (let retry = 1; ; retry++) {
      await this.next?.execute(ctx);
      const response = ctx.response;
      if (!response || !isRetryable(response.status, idempotent)) return;
      const delay = retryDelayMs(retry, response.headers.get('Retry-After'), waited, this.options, Date.now(), Math.random);
      if (delay === undefined) return; // the caller sees the last failure
      this.log.warn({ status: response.status, retry, delayMs: delay }, 'graph request failed; retrying');
      await response.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, delay));
      waited += delay;
    }
  }
}
