import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { ManualClock } from '../../src/domain/clock.js';
import { t } from '../../src/i18n/index.js';
import { installationUpdate, makeUser, message, personalConversationId } from '../support/activities.js';
import { FakeConnector } from '../support/fakeConnector.js';
import { startBot, startHarness, type BotInstance } from '../support/harness.js';

/**
 * `tijdreis` over HTTP: in local mode (no COSMOS_ENDPOINT: the bot runs its own embedded,
 * durable store in a temporary data folder) it moves the clock forward, keeps it across a
 * restart and delivers what became due; elsewhere it does not exist.
 */
const smw = makeUser('Sanne Smit');
const clock = new ManualClock('2026-11-23T08:00:00Z'); // Monday 09:00 in Rotterdam
const dataDir = mkdtempSync(join(tmpdir(), 'schakel-timetravel-'));
let connector: FakeConnector;
let bot: BotInstance | undefined;

const startLocal = () => startBot('', 'schakel', { SCHAKEL_DATA_DIR: dataDir }, clock);
const textsTo = () => connector.sent(personalConversationId(smw)).map((a) => String(a.text ?? ''));
const reminderCards = () => connector.sent(personalConversationId(smw)).filter((a) => JSON.stringify(a.attachments ?? []).includes(VERBS.reminderDone));

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  connector = await new FakeConnector().start();
  bot = await startLocal();
  await bot.send(installationUpdate(smw, connector.url));
});

afterAll(async () => {
  await bot?.stop();
  await connector.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('tijdreis (local mode)', () => {
  it('moves the clock forward, answers with the new local time, and a reminder that became due arrives at once', async () => {
    await bot!.schakel.deps.reminderStore.save([
      {
        id: 'tt-reminder-1',
        referralId: 'tt-referral-1',
        kind: 'agreementBefore',
        dueAt: '2026-11-25T07:30:00.000Z',
        timeZone: 'Europe/Amsterdam',
        recipients: [{ key: 'smw', role: 'smw', channel: 'teams', aadObjectId: smw.aadObjectId, teamsUserId: smw.id }],
        subject: { label: 'Evaluatiegesprek', date: '2026-11-27' },
      },
    ]);
    expect((await bot!.schakel.reminders.scheduler.tick()).found).toBe(0);

    await bot!.send(message(smw, 'tijdreis +2d', connector.url));
    await until(() => textsTo().some((x) => x.includes('woensdag 25 november 2026 om 09:00')));
    await until(() => reminderCards().length === 1);
    expect(bot!.schakel.deps.clock.now().toISOString()).toBe('2026-11-25T08:00:00.000Z');
    const [line] = bot!.logs.find('tijdreis: clock moved forward');
    expect(line).toMatchObject({ audit: 'timeTravel.moved', actor: smw.aadObjectId });
  });

  it('accepts hours and a local date and time, and refuses to go back', async () => {
    await bot!.send(message(smw, 'tijdreis +3u', connector.url));
    expect(bot!.schakel.deps.clock.now().toISOString()).toBe('2026-11-25T11:00:00.000Z');
    await bot!.send(message(smw, 'tijdreis 2026-12-08 08:30', connector.url));
    expect(bot!.schakel.deps.clock.now().toISOString()).toBe('2026-12-08T07:30:00.000Z');
    await bot!.send(message(smw, 'tijdreis 2026-12-01 08:30', connector.url));
    expect(textsTo().at(-1)).toContain('Tijdreizen kan alleen vooruit');
    expect(bot!.schakel.deps.clock.now().toISOString()).toBe('2026-12-08T07:30:00.000Z');
    await bot!.send(message(smw, 'tijdreis morgen', connector.url));
    expect(textsTo().at(-1)).toContain('Gebruik: **tijdreis +2d**');
  });

  it('keeps the travelled time and the data across a restart, and lists tijdreis in help', async () => {
    await bot!.stop();
    bot = await startLocal();
    expect(bot.schakel.deps.clock.now().toISOString()).toBe('2026-12-08T07:30:00.000Z');
    const stored = await bot.schakel.deps.reminderStore.get('tt-reminder-1', '2026-11-25');
    expect(stored?.doc.status).toBe('sent');
    await bot.send(message(smw, 'help', connector.url));
    expect(textsTo().at(-1)).toContain('tijdreis +2d');
  });

  it('is refused as an unknown command in production, and logged', async () => {
    const config = bot!.schakel.deps.config as { env: string };
    config.env = 'production';
    try {
      await bot!.send(message(smw, 'tijdreis +2d', connector.url));
    } finally {
      config.env = 'test';
    }
    expect(textsTo().at(-1)).toBe(t('nl', 'help.unknown'));
    expect(bot!.schakel.deps.clock.now().toISOString()).toBe('2026-12-08T07:30:00.000Z');
    expect(bot!.logs.find('tijdreis refused: local mode only')).toHaveLength(1);
  });
});

describe('tijdreis against Azure Cosmos DB (COSMOS_ENDPOINT set)', () => {
  it('does not exist: answered as an unknown command, logged, clock unchanged, not in help', async () => {
    const h = await startHarness({ clock: new ManualClock('2026-11-23T08:00:00Z') });
    try {
      const user = makeUser('Karim Wijkteam');
      await h.bot.send(message(user, 'tijdreis +2d', h.connector.url));
      const texts = () => h.connector.sent(personalConversationId(user)).map((a) => String(a.text ?? ''));
      expect(texts().at(-1)).toBe(t('nl', 'help.unknown'));
      expect(h.bot.schakel.deps.clock.now().toISOString()).toBe('2026-11-23T08:00:00.000Z');
      expect(h.bot.logs.find('tijdreis refused: local mode only')[0]).toMatchObject({ audit: 'timeTravel.refused', azure: true });
      await h.bot.send(message(user, 'help', h.connector.url));
      expect(texts().at(-1)).not.toContain('tijdreis');
    } finally {
      await h.stop();
    }
  });
});
