import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS, type Verb } from '../../cards/verbs.js';
import { authorize, COMMAND_RULES, RELATIONS, relationsOf, VERB_RULES, type Command, type Operation, type Relation } from '../../src/domain/accessMatrix.js';
import { ManualClock } from '../../src/domain/clock.js';
import { sharingAllowed } from '../../src/domain/consent.js';
import type { Referral, ReferralState } from '../../src/domain/referral.js';
import type { Actor } from '../../src/domain/types.js';
import type { ReminderDocument } from '../../src/store/reminders.js';
import { cardAction, channelMessage, makeUser, message, personalConversationId, TENANT, type TeamsUser } from '../support/activities.js';
import { makeFullReferral } from '../support/factories.js';
import { startHarness, type Harness } from '../support/harness.js';
import { feijenoord, linkWijkteams } from '../support/referralFlow.js';

/**
 * The access matrix over HTTP, cell by cell: every card verb and every chat command, sent by a
 * person of each relation to a fresh referral, through the real bot. What the stack does must be
 * exactly what the matrix says; a refusal is audited and its answer carries nothing of the referral.
 */
const clock = new ManualClock('2026-11-23T08:00:00Z');
const today = '2026-11-23';
const coordinator = makeUser('Coördinator Servicepunt');
const smw = makeUser('Sanne Smit');
const caseManager = makeUser('Karim Casusregisseur');
const member = makeUser('Lisa Wijkteam');
const colleague = makeUser('Olaf Collega');
const foreign = makeUser('Frank Anderetenant', { tenantId: '0b6e5c1a-0000-4000-8000-00000000ff02' });
const anonymous = makeUser('Zonder Identiteit');

const PEOPLE: Record<Relation, TeamsUser> = {
  smw,
  caseManager,
  wijkteamMember: member,
  coordinator,
  tenantUser: colleague,
  otherTenant: foreign,
  unknown: anonymous,
};

/** Words of the fixture that must never reach someone refused (whole words: ids are full of hex). */
const SECRETS = [/\bNoa\b/, /Vries/, /Fatima/, /Regenboog/, /N\.M\.d\.V\./, /\b3072 ?AB\b/i, /Verzuim/];

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ env: { COORDINATOR_AAD_IDS: coordinator.aadObjectId }, clock });
  h.connector.rosters.set(feijenoord.id, [member].map((u) => ({ id: u.id, aadObjectId: u.aadObjectId, name: u.name })));
  await linkWijkteams(h, coordinator);
});
afterAll(async () => {
  const errors = h?.bot.logs.find('unhandled error in turn') ?? [];
  await h?.stop();
  expect(errors.map((e) => JSON.stringify(e.err))).toEqual([]);
});

/** A state in which the operation means something (intake decisions wait in `submitted`). */
function stateFor(op: Operation): ReferralState {
  if ('command' in op) return op.command === 'status' ? 'accepted' : 'handoverScheduled';
  if (op.verb.startsWith('referral.section') || op.verb === VERBS.resume || op.verb === VERBS.submit) return 'draft';
  if (op.verb.startsWith('intake.')) return 'submitted';
  return 'handoverScheduled';
}

function fixture(state: ReferralState): Referral {
  const referralId = randomUUID();
  const number = `AM-${randomUUID().replace(/-/g, '').slice(0, 6).toUpperCase()}`;
  const base = makeFullReferral({ id: referralId, referralId, number, tenantId: TENANT, state, version: 3, smw: { aadObjectId: smw.aadObjectId, name: smw.name } });
  if (state === 'draft') return base;
  const routed: Referral = { ...base, routing: { wijkteamId: 'wt-feijenoord', source: 'postcode' }, submittedAt: '2026-11-23T07:00:00.000Z' };
  if (state === 'submitted') return routed;
  return { ...routed, caseManager: { aadObjectId: caseManager.aadObjectId, name: caseManager.name }, acceptedAt: '2026-11-23T07:30:00.000Z' };
}

async function reminderFor(referral: Referral): Promise<ReminderDocument> {
  const at = clock.now().toISOString();
  const doc: ReminderDocument = {
    id: `rem-${randomUUID()}`,
    bucket: today,
    referralId: referral.referralId,
    kind: 'agreementOnDay',
    dueAt: at,
    timeZone: 'Europe/Amsterdam',
    subject: { label: 'Terugkoppeling aan SMW', date: today },
    recipients: [smw, caseManager].map((u, i) => ({ key: `r${i}`, role: i === 0 ? 'smw' : 'caseManager', channel: 'teams', aadObjectId: u.aadObjectId, state: 'delivered', attempts: 1 })),
    status: 'sent',
    nextAttemptAt: at,
    lease: { owner: '', token: '', until: '1970-01-01T00:00:00.000Z' },
    createdAt: at,
    updatedAt: at,
  };
  await h.bot.schakel.store.containers.reminders.items.create(doc);
  return doc;
}

function actorOf(user: TeamsUser, relation: Relation): Actor | undefined {
  return relation === 'unknown' ? undefined : { aadObjectId: user.aadObjectId, name: user.name, tenantId: user.tenantId };
}

/** What the matrix says for this person and this referral, with the facts the bot would find. */
function expected(op: Operation, relation: Relation, referral: Referral): boolean {
  const facts = {
    tenantAllowed: true,
    isCoordinator: relation === 'coordinator',
    isWijkteamMember: relation === 'wijkteamMember' && Boolean(referral.routing),
    wijkteamSharing: sharingAllowed(referral, 'wijkteam', today),
  };
  const actor = actorOf(PEOPLE[relation], relation);
  // A command about no referral is judged on the actor alone (their own tenant, their own lists).
  const about = ('verb' in op ? VERB_RULES[op.verb] : COMMAND_RULES[op.command]).about === 'nothing' ? undefined : referral;
  return authorize(op, relationsOf(actor, about, facts), about, facts).allowed;
}

function activityFor(op: Operation, user: TeamsUser, referral: Referral, reminder: ReminderDocument | undefined) {
  if ('verb' in op) {
    const data: Record<string, unknown> = { referralId: referral.referralId, version: referral.version, section: 'pupil', slotId: '1-1', revision: 0, agreementsVersion: 1 };
    if (reminder) Object.assign(data, { reminderId: reminder.id, bucket: reminder.bucket, recipientKey: 'r1' });
    return cardAction(user, op.verb, data, h.connector.url);
  }
  const text: Record<Command, string> = {
    aanmelden: 'aanmelden',
    concepten: 'concepten',
    mijnCasussen: 'mijn casussen',
    overzicht: 'overzicht aan 08:30',
    emails: 'e-mails',
    status: `status ${referral.number}`,
    afspraken: `afspraken ${referral.number}`,
    overdracht: `overdracht ${referral.number}`,
    overdragen: `overdragen ${referral.number}`,
    overdragenAlles: `overdragen alles nobody-leaving ${colleague.aadObjectId}`,
    toestemming: `toestemming ${referral.number}`,
    afsluiten: `afsluiten ${referral.number}`,
    exporteer: `exporteer ${referral.number}`,
    wis: `wis ${referral.number}`,
    koppelWijkteam: 'koppel wijkteam Feijenoord',
    koppelCoordinatoren: 'koppel coördinatoren',
    wijkindeling: 'wijkindeling',
    coordinatoren: 'coördinatoren',
    tijdreis: 'tijdreis +1d',
    rapportage: 'rapportage',
    evaluatie: 'evaluatie herinneren',
    help: 'help',
  };
  return message(user, text[op.command], h.connector.url);
}

async function refusalsOf(user: TeamsUser): Promise<number> {
  const day = await h.bot.schakel.deps.securityLog.day(today);
  return day.filter((e) => e.outcome === 'refused' && (e.actor ?? '') === (user === anonymous ? '' : user.aadObjectId)).length;
}

const operations: Operation[] = [
  ...(Object.keys(VERB_RULES) as Verb[]).map((verb) => ({ verb })),
  ...(Object.keys(COMMAND_RULES) as Command[]).map((command) => ({ command })),
];

describe('the access matrix, every cell over HTTP', () => {
  it('covers every card verb of the card list and every relation', () => {
    expect(Object.keys(VERB_RULES).sort()).toEqual(Object.values(VERBS).sort());
    expect(operations.length * RELATIONS.length).toBeGreaterThanOrEqual(300);
  });

  for (const op of operations) {
    const name = 'verb' in op ? op.verb : op.command;
    it(`${name}: allowed exactly where the matrix says, refusals audited and empty`, async () => {
      for (const relation of RELATIONS) {
        const user = PEOPLE[relation];
        const referral = fixture(stateFor(op));
        await h.bot.schakel.deps.referrals.create(referral);
        const reminder = VERB_RULES[(op as { verb: Verb }).verb]?.about === 'reminder' ? await reminderFor(referral) : undefined;
        const activity = activityFor(op, user, referral, reminder);
        if (relation === 'unknown') delete (activity.from as { aadObjectId?: string }).aadObjectId;
        const callsBefore = h.connector.calls.length;
        const refusedBefore = await refusalsOf(user);
        const res = await h.bot.send(activity);
        expect(res.status, `${name} × ${relation}`).toBe(200);
        // What reached this person: the invoke answer and messages in their own chat (the effect
        // runner may meanwhile post an earlier cell's intake card to the wijkteam channel).
        const answer = JSON.stringify([res.body, h.connector.calls.slice(callsBefore).filter((c) => c.conversationId === personalConversationId(user)).map((c) => c.body)]);
        const refusedNow = (await refusalsOf(user)) - refusedBefore;
        const audit = (await h.bot.schakel.deps.referrals.entries(referral.referralId, 'audit')).filter((e) => e.action === 'access.refused');
        if (expected(op, relation, referral)) {
          expect(refusedNow, `${name} × ${relation} should pass the gate`).toBe(0);
          expect(audit, `${name} × ${relation}`).toHaveLength(0);
        } else {
          expect(refusedNow, `${name} × ${relation} should be refused and audited`).toBe(1);
          const aboutReferral = ('verb' in op ? VERB_RULES[op.verb] : COMMAND_RULES[op.command]).about !== 'nothing';
          if (aboutReferral) expect(audit.map((e) => e.detail?.operation), `${name} × ${relation}`).toEqual([name]);
          for (const secret of SECRETS) expect(answer, `${name} × ${relation} leaked ${secret}`).not.toMatch(secret);
          expect(answer).not.toContain(referral.number);
        }
      }
    });
  }
});

describe('the stories of the probe, refused and audited', () => {
  it('a user outside the wijkteam cannot link a channel (coordinators are never everyone)', async () => {
    const teams = { id: '19:team-aanvaller@thread.tacv2', name: 'Eigen team' };
    const channelId = '19:eigen-kanaal@thread.tacv2';
    const before = await h.bot.schakel.deps.settings.channel('wt-feijenoord');
    const res = await h.bot.send(channelMessage(colleague, 'koppel wijkteam Feijenoord', h.connector.url, teams, channelId));
    expect(res.status).toBe(200);
    expect(String(h.connector.calls.at(-1)?.body.text)).toContain('alleen voor coördinatoren');
    expect((await h.bot.schakel.deps.settings.channel('wt-feijenoord'))?.channelId).toBe(before?.channelId);
    for (const text of ['wijkindeling', 'koppel coördinatoren', `coördinator toevoegen ${colleague.aadObjectId}`]) {
      await h.bot.send(message(colleague, text, h.connector.url));
      expect(String(h.connector.sent(personalConversationId(colleague)).at(-1)?.text)).toContain('alleen voor coördinatoren');
    }
    expect(await h.bot.schakel.deps.coordinators.has(colleague.aadObjectId)).toBe(false);
  });

  it('consent.withdraw and intake.show from another tenant or an outsider show nothing of the referral', async () => {
    const referral = fixture('submitted');
    await h.bot.schakel.deps.referrals.create(referral);
    // A second between the clicks: entries are ordered by time, and equal times have no order.
    for (const user of [foreign, colleague, member, coordinator]) {
      clock.advance(1_000);
      const res = await h.bot.send(cardAction(user, VERBS.consentWithdraw, { referralId: referral.referralId }, h.connector.url));
      for (const secret of SECRETS) expect(JSON.stringify(res.body)).not.toMatch(secret);
    }
    for (const user of [foreign, colleague]) {
      clock.advance(1_000);
      const res = await h.bot.send(cardAction(user, VERBS.intakeShow, { referralId: referral.referralId }, h.connector.url));
      expect(JSON.stringify(res.body)).not.toContain(referral.number);
    }
    const audit = await h.bot.schakel.deps.referrals.entries(referral.referralId, 'audit');
    expect(audit.filter((e) => e.action === 'access.refused').map((e) => e.actor)).toEqual([foreign, colleague, member, coordinator, foreign, colleague].map((u) => u.aadObjectId));
  });

  it('coordinators add and remove coordinators from the chat; configured ones stay; every change is in the security log', async () => {
    const newcomer = makeUser('Nieuwe Coördinator');
    await h.bot.send(message(coordinator, `coördinator toevoegen ${newcomer.aadObjectId}`, h.connector.url));
    expect(String(h.connector.sent(personalConversationId(coordinator)).at(-1)?.text)).toContain('Toegevoegd');
    expect(await h.bot.schakel.deps.coordinators.has(newcomer.aadObjectId)).toBe(true);
    await h.bot.send(message(newcomer, `coördinator verwijderen ${coordinator.aadObjectId}`, h.connector.url));
    expect(String(h.connector.sent(personalConversationId(newcomer)).at(-1)?.text)).toContain('COORDINATOR_AAD_IDS');
    expect(await h.bot.schakel.deps.coordinators.has(coordinator.aadObjectId)).toBe(true);
    await h.bot.send(message(coordinator, `coördinator verwijderen ${newcomer.aadObjectId}`, h.connector.url));
    expect(await h.bot.schakel.deps.coordinators.has(newcomer.aadObjectId)).toBe(false);
    const changes = (await h.bot.schakel.deps.securityLog.day(today)).filter((e) => e.outcome === 'changed');
    expect(changes.map((e) => [e.action, e.actor, e.detail?.subject])).toEqual([
      ['coordinator.added', coordinator.aadObjectId, newcomer.aadObjectId],
      ['coordinator.removed', coordinator.aadObjectId, newcomer.aadObjectId],
    ]);
  });
});
