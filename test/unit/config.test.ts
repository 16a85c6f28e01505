import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactedSummary } from '../../src/config.js';

describe('loadConfig', () => {
  it('needs no variables in local mode', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ env: 'development', port: 3978, cosmos: { endpoint: undefined, database: 'schakel' }, graph: undefined, reminderLocalTime: '08:30' });
    expect(c.bot.allowedTenantIds).toEqual([]);
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
    expect(() => loadConfig({ COSMOS_ENDPOINT: 'not a url' })).toThrow(/COSMOS_ENDPOINT/);
    expect(() => loadConfig({ REMINDER_LOCAL_TIME: '8.30' })).toThrow(/REMINDER_LOCAL_TIME/);
    expect(() => loadConfig({ TIME_ZONE: 'Europe/Rotterdam' })).toThrow(/TIME_ZONE/);
    expect(() => loadConfig({ GRAPH_CLIENT_ID: 'x' })).toThrow(/GRAPH_CLIENT_ID/);
  });

  it('refuses production without bot authentication or a real database', () => {
    try {
      loadConfig({ NODE_ENV: 'production' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/MICROSOFT_APP_ID/);
      expect(problems).toMatch(/COSMOS_ENDPOINT/);
      expect(problems).toMatch(/COORDINATOR_AAD_IDS: required in production/);
    }
    const complete = { NODE_ENV: 'production', MICROSOFT_APP_ID: 'id', MICROSOFT_APP_PASSWORD: 'secret', MICROSOFT_APP_TENANT_ID: 't', COSMOS_ENDPOINT: 'https://x.documents.azure.com:443/', ALLOWED_TENANT_IDS: 't', DOWNLOAD_SIGNING_KEY: 'k'.repeat(32), PARENT_LINK_SIGNING_KEY: 'p'.repeat(32) };
    expect(() => loadConfig(complete)).toThrow(/COORDINATOR_AAD_IDS/);
    expect(loadConfig({ ...complete, COORDINATOR_AAD_IDS: 'a,b' }).coordinators).toEqual(['a', 'b']);
  });

  it('refuses production without a tenant allow-list, naming ALLOWED_TENANT_IDS and why', () => {
    const prod = { NODE_ENV: 'production', MICROSOFT_APP_ID: 'id', MICROSOFT_APP_PASSWORD: 'p', MICROSOFT_APP_TENANT_ID: 't', COSMOS_ENDPOINT: 'https://x.documents.azure.com:443/' };
    expect(() => loadConfig(prod)).toThrow(/ALLOWED_TENANT_IDS: required in production: without a tenant allow-list/);
    expect(() => loadConfig({ ...prod, ALLOWED_TENANT_IDS: 't' })).not.toThrow(/ALLOWED_TENANT_IDS/);
  });

  it('anonymous mode listens on loopback only: default 127.0.0.1, another HOST refused', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '::1' }).host).toBe('::1');
    expect(loadConfig({ HOST: 'localhost' }).host).toBe('localhost');
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/HOST: without MICROSOFT_APP_ID/);
    expect(() => loadConfig({ HOST: '192.168.1.5' })).toThrow(/HOST/);
    const auth = { MICROSOFT_APP_ID: 'id', MICROSOFT_APP_PASSWORD: 'p', MICROSOFT_APP_TENANT_ID: 't' };
    expect(loadConfig(auth).host).toBe('0.0.0.0');
    expect(loadConfig({ ...auth, HOST: '10.0.0.4' }).host).toBe('10.0.0.4');
  });

  it('trusts Microsoft service URL hosts by default; the list is configurable', () => {
    expect(loadConfig({}).bot.trustedServiceUrlHosts).toContain('smba.trafficmanager.net');
    expect(loadConfig({ TRUSTED_SERVICE_URL_HOSTS: 'a.example, *.b.example' }).bot.trustedServiceUrlHosts).toEqual(['a.example', '*.b.example']);
  });

  it('requires the secret and tenant with an app id', () => {
    expect(() => loadConfig({ MICROSOFT_APP_ID: 'id' })).toThrow(/MICROSOFT_APP_PASSWORD[\s\S]*MICROSOFT_APP_TENANT_ID/);
  });

  it('splits the tenant allow-list and never shows secrets in the summary', () => {
    const c = loadConfig({
      ALLOWED_TENANT_IDS: ' t1, t2 ,',
      COSMOS_ENDPOINT: 'https://x.documents.azure.com:443/',
      COSMOS_KEY: 'c2VjcmV0',
      GRAPH_TENANT_ID: 't',
      GRAPH_CLIENT_ID: 'c',
      GRAPH_CLIENT_SECRET: 'very-secret',
    });
    expect(c.bot.allowedTenantIds).toEqual(['t1', 't2']);
    const summary = JSON.stringify(redactedSummary(c));
    expect(summary).not.toContain('c2VjcmV0');
    expect(summary).not.toContain('very-secret');
    expect(summary).toContain('x.documents.azure.com');
  });
});
