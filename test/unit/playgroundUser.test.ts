import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PLAYGROUND_CONFIG } from '../../scripts/playground.js';
import { playgroundConfigAs } from '../../scripts/playgroundUser.js';

const out = mkdtempSync(join(tmpdir(), 'schakel-playground-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Tenant {
  currentUser: { id: string; name: string };
  users: { id: string }[];
  personalChat: { id: string };
  team: { id: string };
}

describe('npm run dev -- --als <rol>', () => {
  it('makes the casusregisseur the Playground user, keeps exactly five others and the same team, with their own 1:1 chat id', () => {
    const original = parse(readFileSync(PLAYGROUND_CONFIG, 'utf8')) as Tenant;
    const { path, user } = playgroundConfigAs('casusregisseur', PLAYGROUND_CONFIG, out);
    const tenant = parse(readFileSync(path, 'utf8')) as Tenant;
    expect(user.name).toContain('Mehmet');
    expect(tenant.currentUser.id).toBe('29:wijkteam-mehmet-yilmaz');
    expect(tenant.users).toHaveLength(5);
    expect(tenant.users.map((u) => u.id)).toContain(original.currentUser.id);
    expect(tenant.users.map((u) => u.id)).not.toContain(tenant.currentUser.id);
    expect(tenant.team).toEqual(original.team);
    expect(tenant.personalChat.id).not.toBe(original.personalChat.id);
  });

  it('accepts part of a name, keeps the project file for the SMW, and names the choices for anything else', () => {
    expect(playgroundConfigAs('pieter', PLAYGROUND_CONFIG, out).user.id).toBe('29:servicepunt-pieter-van-dijk');
    expect(playgroundConfigAs('smw', PLAYGROUND_CONFIG, out).path).toBe(PLAYGROUND_CONFIG);
    expect(() => playgroundConfigAs('directeur', PLAYGROUND_CONFIG, out)).toThrow(/casusregisseur/);
  });
});
