import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startBot } from '../support/harness.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/demo.ts', import.meta.url));
const SANNE = '7d3f6a10-1b2c-4d5e-8f90-a1b2c3d4e501';
const dataDir = mkdtempSync(join(tmpdir(), 'schakel-demo-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const seed = () => {
  const { COSMOS_ENDPOINT: _ignored, ...env } = process.env;
  void _ignored;
  return spawnSync(process.execPath, ['--import', 'tsx/esm', SCRIPT, '--seed-only'], { env: { ...env, SCHAKEL_DATA_DIR: dataDir }, encoding: 'utf8', timeout: 60_000 });
};

describe('npm run demo', () => {
  it('seeds an example tenant through the real bot into the data folder: referrals in several states, a linked channel, reminders', async () => {
    const run = seed();
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('Example tenant seeded');
    const bot = await startBot('', 'schakel', { SCHAKEL_DATA_DIR: dataDir });
    try {
      const { deps, store } = bot.schakel;
      const referrals = await deps.referrals.listForPerson(SANNE, ['draft', 'submitted', 'accepted', 'agreementsConfirmed']);
      expect(referrals.map((r) => r.state).sort()).toEqual(['accepted', 'agreementsConfirmed', 'draft', 'submitted']);
      expect(JSON.stringify(referrals)).toContain('Voorbeeld');
      const { resources: reminders } = await store.containers.reminders.items.query<{ kind: string }>("SELECT c.kind FROM c WHERE c.status = 'pending'").fetchAll();
      expect(reminders.filter((r) => r.kind === 'agreementBefore').length).toBeGreaterThan(0);
      const channel = await store.containers.conversations.item('channel:19:wijkteam-feijenoord-aanmeldingen@thread.tacv2', 'team:19:wijkteam-feijenoord-general@thread.tacv2').read<{ serviceUrl: string }>();
      expect(channel.resource?.serviceUrl).toBe('http://localhost:56150/_connector');
    } finally {
      await bot.stop();
    }
    // A second run leaves the seeded folder alone.
    const again = seed();
    expect(again.stdout).toContain('already holds the example tenant');
  }, 90_000);
});
