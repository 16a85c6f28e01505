import { describe, expect, it } from 'vitest';
import { DEFAULT_TRUSTED_SERVICE_URL_HOSTS } from '../../src/config.js';
import { serviceUrlTrust } from '../../src/server/trust.js';

describe('service URL trust', () => {
  const authenticated = serviceUrlTrust({ authenticated: true, hosts: DEFAULT_TRUSTED_SERVICE_URL_HOSTS });
  const anonymous = serviceUrlTrust({ authenticated: false, hosts: DEFAULT_TRUSTED_SERVICE_URL_HOSTS });

  it('with authentication: Microsoft Bot Framework / Teams hosts over https only', () => {
    for (const ok of ['https://smba.trafficmanager.net/emea/', 'https://smba.trafficmanager.net/amer/', 'https://europe.webchat.botframework.com/', 'https://smba.infra.gov.teams.microsoft.us/']) {
      expect(authenticated.isTrusted(ok), ok).toBe(true);
    }
    for (const bad of [
      'http://smba.trafficmanager.net/emea/',
      'https://smba.trafficmanager.net.evil.example/',
      'https://evilbotframework.com/',
      'https://botframework.com.evil.example/',
      'https://user:pw@smba.trafficmanager.net/',
      'http://127.0.0.1:3978/',
      'not a url',
      true,
      undefined,
    ]) {
      expect(authenticated.isTrusted(bad), String(bad)).toBe(false);
    }
  });

  it('anonymous mode: loopback only', () => {
    for (const ok of ['http://127.0.0.1:56150/_connector', 'http://localhost:56150/_connector', 'http://[::1]:4000/']) expect(anonymous.isTrusted(ok), ok).toBe(true);
    for (const bad of ['https://smba.trafficmanager.net/emea/', 'http://evil.example/', 'http://127.0.0.1.nip.io/', 'file:///etc/passwd']) expect(anonymous.isTrusted(bad), bad).toBe(false);
  });

  it('a loopback host over http with authentication only when listed explicitly', () => {
    expect(serviceUrlTrust({ authenticated: true, hosts: ['127.0.0.1'] }).isTrusted('http://127.0.0.1:9/')).toBe(true);
  });
});
