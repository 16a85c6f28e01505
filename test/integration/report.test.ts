import { parse } from 'csv-parse/sync';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { ManualClock } from '../../src/domain/clock.js';
import { t } from '../../src/i18n/index.js';
import { cardAction, installationUpdate, makeUser, message, personalConversationId, type TeamsUser } from '../support/activities.js';
import { action, cardOf, elements, invokeCard, invokeMessage, texts } from '../support/cards.js';
import { effectsSettled, startHarness, type Harness } from '../support/harness.js';
import { channelConversation, charlois, feijenoord, feijenoordChannel, linkWijkteams, referralFlow } from '../support/referralFlow.js';

/**
 * A seeded year of referrals through the real stack (HTTP, local Cosmos, fake connector, a
 * time-skipping clock): the coordinator's report must equal figures computed here from the seed,
 * suppress small cells, and still stand after referrals are erased.
 */

const coordinator = makeUser('Coördinator Servicepunt');
const karim = makeUser('Karim Wijkteam');
const lisa = makeUser('Lisa Wijkteam');
const outsider = makeUser('Olaf Buitenstaander');
const SCHOOLS = [
  { name: 'OBS De Regenboog', smw: makeUser('Sanne Smit'), count: 9 },
  { name: 'CBS De Akker', smw: makeUser('Ahmed Bakker'), count: 7 },
  { name: 'Het Lyceum', smw: makeUser('Mirjam Jansen'), count: 4 },
];
const MONDAYS = ['2026-01-12', '2026-02-09', '2026-03-09', '2026-06-08', '2026-09-14', '2026-10-12', '2026-11-09'];
const clock = new ManualClock('2026-01-05T08:00:00Z');
let h: Harness;
const { click, submitted } = referralFlow(() => h);

type Outcome = { kind: 'accept'; delay: number; by: TeamsUser } | { kind: 'decline' } | { kind: 'redirect' };
interface Seed {
  i: number;
  school: (typeof SCHOOLS)[number];
  submitDay: string;
  outcome: Outcome;
  number?: string;
}

/** Adds n days, weekends skipped (the seed's windows hold no public holidays). */
function addWeekdays(iso: string, n: number): string {
  const d = new Date(`${iso}T12:00:00Z`);
  while (n > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) n--;
  }
  return d.toISOString().slice(0, 10);
}

const seeds: Seed[] = SCHOOLS.flatMap((school, s) => Array.from({ length: school.count }, (_, k) => ({ school, k, s })))
  .map(({ school, k, s }, i) => ({
    i,
    school,
    submitDay: addWeekdays(MONDAYS[(i + s) % MONDAYS.length]!, (k % 3)),
    outcome: (i % 6 === 4 ? { kind: 'decline' } : i % 6 === 5 ? { kind: 'redirect' } : { kind: 'accept', delay: 1 + ((i * 7) % 9), by: i % 2 ? karim : lisa }) as Outcome,
  }))
  .sort((a, b) => a.submitDay.localeCompare(b.submitDay) || a.i - b.i);

/** Amsterdam is UTC+1 in these months except June, September and October (UTC+2): 10:00 local either way is before noon UTC. */
const at = (day: string, hour = 9) => `${day}T${String(hour).padStart(2, '0')}:00:00Z`;

function expectedRows() {
  return SCHOOLS.map((school) => {
    const mine = seeds.filter((s) => s.school === school);
    const accepted = mine.flatMap((s) => (s.outcome.kind === 'accept' ? [s.outcome.delay] : []));
    return {
      school: school.name,
      sent: mine.length,
      redirected: mine.filter((s) => s.outcome.kind === 'redirect').length,
      declined: mine.filter((s) => s.outcome.kind === 'decline').length,
      accepted: accepted.length,
      met: accepted.filter((d) => d <= 5).length,
      missed: accepted.filter((d) => d > 5).length,
      days: accepted.reduce((a, b) => a + b, 0),
    };
  });
}
const shown = (n: number) => (n > 0 && n < 5 ? '<5' : String(n));

async function say(user: TeamsUser, text: string) {
  const before = h.connector.sent(personalConversationId(user)).length;
  const res = await h.bot.send(message(user, text, h.connector.url));
  expect(res.status).toBe(200);
  return h.connector.sent(personalConversationId(user)).slice(before);
}

async function reportCard(year = '2026') {
  const replies = await say(coordinator, `rapportage ${year}`);
  return cardOf(replies.at(-1));
}

const facts = (card: unknown) => elements(card).flatMap((e) => (e.type === 'FactSet' ? (e.facts as { title: string; value: string }[]) : []));
const openUrls = (card: unknown) => elements(card).filter((e) => e.type === 'Action.OpenUrl') as { title: string; url: string }[];
const images = (card: unknown) => elements(card).filter((e) => e.type === 'Image') as { url: string }[];

async function download(url: string) {
  const res = await fetch(url);
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

async function csvOf(card: unknown, title: string): Promise<string[][]> {
  const link = openUrls(card).find((a) => a.title === title);
  expect(link, title).toBeDefined();
  const res = await download(link!.url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
  return parse(res.body, { delimiter: ';', bom: true }) as string[][];
}

beforeAll(async () => {
  h = await startHarness({ clock, env: { COORDINATOR_AAD_IDS: coordinator.aadObjectId, XTRA_MIN_CASELOAD: '8', XTRA_MIN_WIJKTEAMS: '1' } });
  h.connector.rosters.set(feijenoord.id, [karim, lisa].map((u) => ({ id: u.id, aadObjectId: u.aadObjectId, name: u.name })));
  h.connector.rosters.set(charlois.id, [outsider].map((u) => ({ id: u.id, aadObjectId: u.aadObjectId, name: u.name })));
  await linkWijkteams(h, coordinator);
  for (const u of [coordinator, karim, lisa, outsider, ...SCHOOLS.map((s) => s.smw)]) await h.bot.send(installationUpdate(u, h.connector.url));
  const conv = channelConversation(feijenoordChannel);
  for (const seed of seeds) {
    clock.set(at(seed.submitDay));
    const { post, card } = await submitted(seed.school.smw, { pupil: { school: seed.school.name }, consent: { consentParent0Date: seed.submitDay } });
    seed.number = /AM-[0-9A-Z]{6}/.exec(JSON.stringify(post.body))![0];
    const o = seed.outcome;
    if (o.kind === 'accept') {
      clock.set(at(addWeekdays(seed.submitDay, o.delay), 10));
      await click(o.by, card, VERBS.intakeTakeOn, {}, h.bot, conv, post.responseId);
    } else if (o.kind === 'decline') {
      clock.set(at(seed.submitDay, 11));
      const form = invokeCard(await click(lisa, card, VERBS.intakeDeclineForm, {}, h.bot, conv));
      await click(lisa, form, VERBS.intakeDecline, { declineReason: 'Eerst de jeugdarts.', declineAdvice: 'Overleg met het CJG.' }, h.bot, conv);
    } else {
      clock.set(at(seed.submitDay, 11));
      const form = invokeCard(await click(karim, card, VERBS.intakeRedirectForm, {}, h.bot, conv));
      await click(karim, form, VERBS.intakeRedirect, { redirectTo: 'wt-charlois', redirectReason: 'Gezin is verhuisd.' }, h.bot, conv);
    }
  }
  // What the take-ons set going (the SMW'ers' messages, planning cards) is done before any test listens in a chat.
  await effectsSettled(h.bot);
  clock.set('2026-12-01T09:00:00Z');
  // The seeded year's messages are effects, some held back by the 1:1 chats' Teams limits: let them
  // all arrive before a test reads a chat.
  await effectsSettled(h.bot, 60_000);
}, 120_000);

afterAll(async () => {
  const errors = h?.bot.logs.find('unhandled error in turn') ?? [];
  await h?.stop();
  expect(errors.map((e) => JSON.stringify(e.err))).toEqual([]);
});

let tableBefore: string[][];

describe('the coordinator report of a seeded year', () => {
  it('shows the year totals and the acceptance norm as computed from the seed', async () => {
    const card = await reportCard();
    const rows = expectedRows();
    const total = (k: 'sent' | 'accepted' | 'declined' | 'redirected' | 'met' | 'missed' | 'days') => rows.reduce((a, r) => a + r[k], 0);
    const f = Object.fromEntries(facts(card).map((x) => [x.title, x.value]));
    expect(f['Verstuurd']).toBe(shown(total('sent')));
    expect(f['Aangenomen']).toBe(shown(total('accepted')));
    expect(f['Afgewezen']).toBe(shown(total('declined')));
    expect(f['Doorgestuurd']).toBe(shown(total('redirected')));
    expect(f['Afgesloten']).toBe('0');
    const n = total('met') + total('missed');
    const mean = (total('days') / n).toFixed(1).replace('.', ',');
    expect(f[t('nl', 'norms.accept')]).toBe(`${total('met')} van ${n} binnen 5 werkdagen (${Math.round((100 * total('met')) / n)}%) · gemiddeld ${mean} werkdagen`);
    // No warme overdracht was held in the seed: those norms show nothing measured.
    expect(f[t('nl', 'norms.handover')]).toBe('0 van 0 binnen 10 werkdagen');
    expect(f['Afgesproken data']).toBe('0 van 0 op tijd gedaan · 0 geëscaleerd');
  });

  it('offers the school × wijkteam table as CSV that matches the seed, with cells under 5 suppressed', async () => {
    const card = await reportCard();
    const [header, ...rows] = await csvOf(card, 'Tabel school × wijkteam (CSV)');
    expect(header!.slice(0, 9)).toEqual(['school', 'wijkteam', 'sent', 'redirected', 'declined', 'accepted', 'closed', 'accept_binnen_norm', 'accept_buiten_norm']);
    const expected = expectedRows()
      .map((r) => [r.school, 'Wijkteam Feijenoord', shown(r.sent), shown(r.redirected), shown(r.declined), shown(r.accepted), '0', shown(r.met), shown(r.missed)])
      .sort((a, b) => a[0]!.localeCompare(b[0]!, 'nl'));
    expect(rows.map((r) => r.slice(0, 9))).toEqual(expected);
    expect(rows.find((r) => r[0] === 'Het Lyceum')!.slice(2, 3)).toEqual(['<5']);
    tableBefore = rows;
  });

  it('ranks the schools for SMW-XTRA and marks the candidates', async () => {
    const card = await reportCard();
    const [, ...rows] = await csvOf(card, 'SMW-XTRA-analyse (CSV)');
    expect(rows).toEqual([
      ['1', 'OBS De Regenboog', '9', '1', 'ja'],
      ['2', 'CBS De Akker', '7', '1', 'nee'],
      ['3', 'Het Lyceum', '<5', '1', 'nee'],
    ]);
    expect(facts(card).find((f) => f.title === '1. OBS De Regenboog')?.value).toContain('kandidaat');
  });

  it('shows server-rendered PNG charts of the expected size in the card', async () => {
    const card = await reportCard();
    const urls = images(card).map((i) => i.url);
    expect(urls).toHaveLength(2);
    for (const url of urls) {
      const res = await download(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(res.headers.get('cache-control')).toBe('no-store');
      const png = PNG.sync.read(res.body);
      expect(png.width).toBe(800);
      expect(png.height).toBeGreaterThan(100);
      if (process.env.SAVE_CHARTS) (await import('node:fs')).writeFileSync(`/tmp/chart-${urls.indexOf(url)}.png`, res.body);
      // Not blank: some pixels are neither white nor transparent (bars and text were drawn).
      let inked = 0;
      for (let i = 0; i < png.data.length; i += 4) if (png.data[i]! < 200 && png.data[i + 3]! > 0) inked++;
      expect(inked).toBeGreaterThan(1000);
    }
  });

  it('refuses tampered and unknown download links and reveals nothing', async () => {
    const card = await reportCard();
    const url = openUrls(card)[0]!.url;
    const token = url.split('/downloads/')[1]!;
    const [body, mac] = token.split('.');
    const forged = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    forged.i = '2025:table';
    const attempts = [
      `${body}.${mac!.slice(0, -2)}${mac!.endsWith('AA') ? 'BB' : 'AA'}`,
      `${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${mac}`,
      'not-a-token',
    ];
    for (const tampered of attempts) {
      const res = await download(url.replace(token, tampered));
      expect(res.status).toBe(404);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.body.toString()).not.toMatch(/Regenboog|school|;/);
    }
  });

  it('is refused to anyone who is not a coordinator', async () => {
    const replies = await say(SCHOOLS[0]!.smw, 'rapportage');
    expect(replies.map((r) => r.text)).toEqual([t('nl', 'coordinator.only')]);
    expect(JSON.stringify(replies)).not.toContain('Regenboog');
  });

  it('still stands after referrals are erased (wis)', async () => {
    for (const seed of seeds.slice(0, 3)) {
      const [confirm] = await say(coordinator, `wis ${seed.number}`);
      const card = cardOf(confirm);
      const res = await h.bot.send(cardAction(coordinator, VERBS.erase, action(card, VERBS.erase).data, h.connector.url));
      expect(res.status).toBe(200);
      expect(await h.bot.schakel.deps.referrals.findByNumber(seed.number!)).toBeUndefined();
    }
    const [, ...rows] = await csvOf(await reportCard(), 'Tabel school × wijkteam (CSV)');
    expect(rows).toEqual(tableBefore);
  });
});

describe('the yearly evaluation', () => {
  const smws = SCHOOLS.map((s) => s.smw);
  const participants = [...smws, karim, lisa];
  const lastCard = (u: TeamsUser) => cardOf(h.connector.sent(personalConversationId(u)).at(-1));

  async function answer(user: TeamsUser, card: unknown, scores: Record<string, string>, conversation?: Record<string, unknown>) {
    const data = { ...action(card, VERBS.evaluationAnswer).data, ...scores };
    const res = await h.bot.send(cardAction(user, VERBS.evaluationAnswer, data, h.connector.url, { conversation }));
    expect(res.status).toBe(200);
    return res.body;
  }

  it('is refused for non-coordinators', async () => {
    for (const text of ['evaluatie starten', 'evaluatie herinneren', 'evaluatie sluiten']) {
      const replies = await say(karim, text);
      expect(replies.map((r) => r.text)).toEqual([t('nl', 'coordinator.only')]);
    }
  });

  it('is sent to every SMW\'er and casusregisseur of the year and to the linked wijkteam channel', async () => {
    // What the seeded year still had to send (planning cards, notices) goes out first.
    await effectsSettled(h.bot);
    const before = new Map([...participants, outsider, coordinator].map((u) => [u.aadObjectId, h.connector.sent(personalConversationId(u)).length]));
    const channelBefore = h.connector.sent().filter((a) => JSON.stringify(a).includes('evaluation.answer')).length;
    const replies = await say(coordinator, 'evaluatie starten');
    // The turn answers with what is happening (the cards are paced by Teams' limits, and go out after it) ...
    expect(replies.map((r) => r.text)).toEqual([t('nl', 'evaluation.sending', { year: '2026', people: 5 })]);
    // ... and the coordinator is told what was delivered once it is done.
    await h.bot.schakel.deps.background.idle();
    expect(h.connector.sent(personalConversationId(coordinator)).slice(before.get(coordinator.aadObjectId)).at(-1)!.text).toBe(t('nl', 'evaluation.started', { year: '2026', people: 5, channels: 1 }));
    for (const u of participants) {
      const got = h.connector.sent(personalConversationId(u)).slice(before.get(u.aadObjectId)!);
      expect(got, u.name).toHaveLength(1);
      expect(texts(cardOf(got[0])).join(' ')).toContain('Evaluatie van de samenwerking 2026');
    }
    expect(h.connector.sent(personalConversationId(outsider)).length).toBe(before.get(outsider.aadObjectId));
    const channelCards = h.connector.sent().filter((a) => JSON.stringify(a).includes('evaluation.answer')).length - channelBefore;
    expect(channelCards).toBe(participants.length + 1);
    // A second start changes nothing.
    expect((await say(coordinator, 'evaluatie starten')).at(-1)!.text).toContain('al gestart');
  });

  it('takes one answer per person, refuses people it was not sent to, and stores no names or ids', async () => {
    const card = lastCard(smws[0]!);
    const scores = { q_p1: '4', q_p2: '5', q_p3: '3', q_c1: '4', q_c2: '5', q_o1: 'Meer tijd voor de warme overdracht.' };
    expect(texts(invokeCard(await answer(smws[0]!, card, scores)))).toContain('Evaluatie van de samenwerking 2026');
    expect(invokeMessage(await answer(smws[0]!, card, { ...scores, q_p1: '1' }))).toBe(t('nl', 'evaluation.already'));
    expect(invokeMessage(await answer(outsider, card, scores))).toBe(t('nl', 'evaluation.notInvited'));
    expect(invokeCard(await answer(karim, lastCard(karim), { q_p1: '2', q_c1: '3' }))).toBeDefined();

    // The wijkteam channel gives one team answer, whoever in the channel clicks.
    const channelCard = cardOf(h.connector.sent(feijenoordChannel).filter((a) => JSON.stringify(a).includes('evaluation.answer')).at(-1));
    const conv = channelConversation(feijenoordChannel);
    expect(invokeCard(await answer(lisa, channelCard, { q_p1: '3' }, conv))).toBeDefined();
    expect(invokeMessage(await answer(karim, channelCard, { q_p1: '5' }, conv))).toBe(t('nl', 'evaluation.already'));

    const { resources } = await h.bot.schakel.store.containers.registration.items.query('SELECT * FROM c WHERE c.type = "answer" OR c.type = "responded"').fetchAll();
    const answers = resources.filter((r) => r.type === 'answer');
    expect(answers).toHaveLength(3);
    expect(resources.filter((r) => r.type === 'responded')).toHaveLength(3);
    const stored = JSON.stringify(resources);
    for (const u of [...participants, outsider, coordinator]) {
      expect(stored).not.toContain(u.aadObjectId);
      expect(stored).not.toContain(u.name);
    }
    expect(answers.map((a) => a.scores.p1).sort()).toEqual([2, 3, 4]);
    expect(Object.keys(answers[0]!).filter((k) => !k.startsWith('_')).sort()).toEqual(['id', 'open', 'period', 'school', 'scores', 'type', 'wijkteamId']);
  });

  it('reminds only those who have not answered, and not before the configured working days', async () => {
    expect((await say(coordinator, 'evaluatie herinneren')).at(-1)!.text).toMatch(/^Herinneren kan vanaf dinsdag 15 december 2026/);
    expect(await h.bot.schakel.jobs.evaluationReminder()).toBe(0);
    clock.set('2026-12-16T09:00:00Z');
    const before = new Map(participants.map((u) => [u.aadObjectId, h.connector.sent(personalConversationId(u)).length]));
    // Automatic once the working days have passed, and only once.
    expect(await h.bot.schakel.jobs.evaluationReminder()).toBe(3);
    expect(await h.bot.schakel.jobs.evaluationReminder()).toBe(0);
    for (const u of participants) {
      const got = h.connector.sent(personalConversationId(u)).length - before.get(u.aadObjectId)!;
      expect(got, u.name).toBe(u === smws[0] || u === karim ? 0 : 1);
    }
    expect(texts(lastCard(lisa))).toContain(t('nl', 'evaluation.card.reminder'));

    // By hand the coordinator may remind again: the turn answers at once with what is happening,
    // the cards go out after it, and the coordinator is told how many were reached.
    const again = new Map([...participants, coordinator].map((u) => [u.aadObjectId, h.connector.sent(personalConversationId(u)).length]));
    const replies = await say(coordinator, 'evaluatie herinneren');
    expect(replies.map((r) => r.text)).toEqual([t('nl', 'evaluation.reminding', { people: 3 })]);
    await h.bot.schakel.deps.background.idle();
    for (const u of participants) expect(h.connector.sent(personalConversationId(u)).length - again.get(u.aadObjectId)!, u.name).toBe(u === smws[0] || u === karim ? 0 : 1);
    expect(h.connector.sent(personalConversationId(coordinator)).slice(again.get(coordinator.aadObjectId)).at(-1)!.text).toBe(t('nl', 'evaluation.reminded', { count: 3 }));
  });

  it('freezes when closed and shows its results in the report, suppressed below 5 answers', async () => {
    expect((await say(coordinator, 'evaluatie sluiten')).at(-1)!.text).toBe(t('nl', 'evaluation.closedNow', { year: '2026', answers: 3 }));
    expect(invokeMessage(await answer(lisa, lastCard(lisa), { q_p1: '5' }))).toBe(t('nl', 'evaluation.notOpen'));
    const card = await reportCard();
    expect(texts(card)).toContain('<5 antwoorden · gesloten');
    const [header, ...rows] = await csvOf(card, 'Evaluatie (CSV)');
    expect(header).toEqual(['school', 'wijkteam', 'antwoorden', 'p1', 'p2', 'p3', 'c1', 'c2']);
    // Three answers: no means anywhere, only "<5".
    for (const row of rows) expect(row.slice(2)).toEqual(['<5', '', '', '', '', '']);
  });

  it('download links expire', async () => {
    const url = openUrls(await reportCard())[0]!.url;
    clock.advance(25 * 3600 * 1000);
    const res = await download(url);
    expect(res.status).toBe(410);
    expect(res.body.toString()).not.toContain(';');
  });
});
