import { isLoopbackHost } from '../config.js';

/**
 * Decides whether a Bot Connector service URL may be used: to accept an activity, to store a
 * conversation reference, to read a roster or to send a message. One answer for the whole process.
 *
 * - Authentication on: https and a host of Microsoft's Bot Framework / Teams families (the
 *   configured patterns). That the URL is the one the token vouches for (its `serviceurl` claim)
 *   is checked by botbuilder's JWT validation before any handler runs.
 * - Anonymous (local) mode: loopback hosts only, http or https.
 */
export interface ServiceUrlTrust {
  isTrusted(serviceUrl: unknown): boolean;
}

export function serviceUrlTrust(options: { authenticated: boolean; hosts: string[] }): ServiceUrlTrust {
  const patterns = options.hosts.map((h) => h.trim().toLowerCase()).filter((h) => h.length > 0);
  const hostAllowed = (host: string) =>
    patterns.some((p) => (p.startsWith('*.') ? host.endsWith(p.slice(1)) && host.length > p.length - 1 : host === p));
  return {
    isTrusted(serviceUrl: unknown): boolean {
      if (typeof serviceUrl !== 'string' || serviceUrl.length > 2_048) return false;
      let url: URL;
      try {
        url = new URL(serviceUrl);
      } catch {
        return false;
      }
      if (url.username || url.password) return false;
      const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
      if (!options.authenticated) return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(host);
      if (url.protocol === 'https:') return hostAllowed(host);
      // Plain http only for an explicitly listed loopback host (a local test of the authenticated door).
      return url.protocol === 'http:' && isLoopbackHost(host) && hostAllowed(host);
    },
  };
}

/** The process's trust, from its configuration (authentication on when an app id is set). */
export function trustOf(config: { bot: { appId?: string; trustedServiceUrlHosts: string[] } }): ServiceUrlTrust {
  return serviceUrlTrust({ authenticated: Boolean(config.bot.appId), hosts: config.bot.trustedServiceUrlHosts });
}
