import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referralNumber, type Referral } from '../../src/domain/referral.js';
import type { Store } from '../../src/store/cosmos.js';
import { ConcurrencyError } from '../../src/store/documents.js';
import { startLocalCosmos, type LocalCosmosServer } from '../../src/store/localCosmos.js';
import { ReferralRepository } from '../../src/store/referrals.js';
import { bucketOf, ReminderStore } from '../../src/store/reminders.js';
import { systemClock } from '../../src/domain/clock.js';
import { withTurnReads } from '../../src/store/turnReads.js';
import { makeFullReferral } from '../support/factories.js';
import { openTestStore } from '../support/reminderHarness.js';
import { makeReminders, quietLog, teamsRecipient } from '../support/reminderEngine.js';
import { countItemReads } from '../support/spy.js';

let cosmos: LocalCosmosServer;
let store: Store;
let referrals: ReferralRepository;

beforeAll(async () => {
  cosmos = await startLocalCosmos();
  store = await openTestStore(cosmos.endpoint, 'schakel-turn-reads');
  referrals = new ReferralRepository(store.containers.referrals, quietLog(), store.containers.cases);
});
afterAll(async () => {
  await store.close();
  await cosmos.close();
});

async function stored(): Promise<Referral> {
  const referralId = randomUUID();
  const referral = makeFullReferral({ referralId, id: referralId, number: referralNumber(referralId), state: 'draft' });
  await referrals.create(referral);
  return referral;
}

/** Another writer (another turn, the runner, another instance) changes the referral behind the turn's back. */
async function changedElsewhere(referralId: string, note: string): Promise<void> {
  const { resource } = await store.containers.referrals.item(referralId, referralId).read<Referral & { note?: string }>();
  await store.containers.referrals.item(referralId, referralId).replace({ ...resource!, note });
}

describe("a turn's referral reads", () => {
  it('within a turn the referral is read once; outside a turn every read goes to the database', async () => {
    const r = await stored();
    await withTurnReads(async () => {
      const first = await referrals.get(r.referralId);
      await changedElsewhere(r.referralId, 'later');
      const again = await referrals.get(r.referralId);
      expect(again?.etag).toBe(first?.etag);
      expect((again?.doc as { note?: string }).note).toBeUndefined();
    });
    expect(((await referrals.get(r.referralId))?.doc as { note?: string }).note).toBe('later');
  });

  it('a write in the turn is what the turn reads next; a write that lost its race is forgotten, so the retry reads afresh', async () => {
    const r = await stored();
    await withTurnReads(async () => {
      const read = (await referrals.get(r.referralId))!;
      const saved = await referrals.save({ ...read.doc, state: 'submitted' }, read.etag, read.doc);
      expect((await referrals.get(r.referralId))?.etag).toBe(saved.etag);
      await changedElsewhere(r.referralId, 'raced');
      await expect(referrals.save({ ...saved.doc, state: 'accepted' }, saved.etag, saved.doc)).rejects.toBeInstanceOf(ConcurrencyError);
      const fresh = await referrals.get(r.referralId);
      expect((fresh?.doc as { note?: string }).note).toBe('raced');
      expect(fresh?.doc.state).toBe('submitted');
    });
  });

  it('each reader gets its own copy: changing one does not change what the turn reads next', async () => {
    const r = await stored();
    await withTurnReads(async () => {
      const one = (await referrals.get(r.referralId))!;
      one.doc.state = 'closed';
      expect((await referrals.get(r.referralId))?.doc.state).toBe(r.state);
    });
  });

  it('two turns at once do not share their reads', async () => {
    const r = await stored();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = withTurnReads(async () => {
      await referrals.get(r.referralId);
      await gate;
      return referrals.get(r.referralId);
    });
    const fast = withTurnReads(async () => {
      const read = (await referrals.get(r.referralId))!;
      return referrals.save({ ...read.doc, state: 'submitted' }, read.etag, read.doc);
    });
    const saved = await fast;
    release();
    // The slow turn keeps what it read (its own decision will meet the ETag), the fast one saw its write.
    expect((await slow)?.etag).not.toBe(saved.etag);
    expect((await withTurnReads(() => referrals.get(r.referralId)))?.etag).toBe(saved.etag);
  });

  it('a referral found missing is remembered as missing for the turn, until the turn creates it', async () => {
    const referralId = randomUUID();
    await withTurnReads(async () => {
      expect(await referrals.get(referralId)).toBeUndefined();
      // Created behind the turn's back (it never is: ids come from the turn's own card), the turn still sees none …
      const referral = makeFullReferral({ referralId, id: referralId, number: referralNumber(referralId), state: 'draft' });
      await store.containers.referrals.items.create(referral);
      expect(await referrals.get(referralId)).toBeUndefined();
    });
    // … outside it the database answers.
    expect((await referrals.get(referralId))?.doc.referralId).toBe(referralId);
    const other = randomUUID();
    await withTurnReads(async () => {
      expect(await referrals.get(other)).toBeUndefined();
      await referrals.create(makeFullReferral({ referralId: other, id: other, number: referralNumber(other), state: 'draft' }));
      expect((await referrals.get(other))?.doc.referralId).toBe(other);
    });
  });
});

describe("a turn's roster reads", () => {
  it('the cached roster is read once per turn (the gate and the handler both ask); what the turn saved is what it reads next; another turn reads the database', async () => {
    const { ConfigRepository } = await import('../../src/store/configRepository.js');
    const settings = new ConfigRepository(store.containers.config, { cacheMs: 0 });
    const teamId = `team-${randomUUID()}`;
    await settings.saveRoster(teamId, ['a'], new Date('2026-12-07T10:00:00Z'));
    await withTurnReads(async () => {
      expect((await settings.roster(teamId))?.members).toEqual(['a']);
      await store.containers.config.items.upsert({ id: `roster:${teamId}`, kind: 'roster', teamId, members: ['elsewhere'], fetchedAt: '2026-12-07T10:01:00.000Z' });
      expect((await settings.roster(teamId))?.members).toEqual(['a']);
      await settings.saveRoster(teamId, ['a', 'b'], new Date('2026-12-07T10:02:00Z'));
      expect((await settings.roster(teamId))?.members).toEqual(['a', 'b']);
    });
    await store.containers.config.items.upsert({ id: `roster:${teamId}`, kind: 'roster', teamId, members: ['c'], fetchedAt: '2026-12-07T10:03:00.000Z' });
    expect((await withTurnReads(() => settings.roster(teamId)))?.members).toEqual(['c']);
  });

  it("a reminder button's turn reads the reminder once (the gate's read serves the handler); marking it done is what the turn reads next", async () => {
    const reminders = new ReminderStore(store.containers.reminders, systemClock);
    const [planned] = makeReminders(1, new Date(Date.now() + 3_600_000), () => [teamsRecipient('u-turn')], `turn-${randomUUID().slice(0, 8)}`);
    await reminders.save([planned!]);
    const bucket = bucketOf(planned!.dueAt);
    const reads = countItemReads(store.containers.reminders);
    try {
      await withTurnReads(async () => {
        expect((await reminders.get(planned!.id, bucket))?.doc.status).toBe('pending');
        expect((await reminders.get(planned!.id, bucket))?.doc.status).toBe('pending');
        expect(reads.count).toBe(1);
        expect(await reminders.markDone(planned!.id, bucket, 'teams:u-turn')).toBe(true);
        expect((await reminders.get(planned!.id, bucket))?.doc.status).toBe('done');
        expect(reads.count).toBe(2);
      });
      await reminders.get(planned!.id, bucket);
      await reminders.get(planned!.id, bucket);
      expect(reads.count).toBe(4);
    } finally {
      reads.restore();
    }
  });
});
