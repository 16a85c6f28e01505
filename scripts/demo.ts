/**
 * `npm run demo`: fills the local data folder with a clearly marked example tenant, then starts
 * `npm run dev` (Schakel + Agents Playground). Everything is made through the real bot over
 * HTTP — the same handlers, domain rules and reminder planning as in use — against a fake Bot
 * Connector; afterwards the stored conversation references are pointed at the Playground.
 *
 * What you get: the wijkteam channel "Aanmeldingen" linked to Wijkteam Feijenoord; aanmeldingen
 * of fictional pupils named "Voorbeeld" in several states (a concept, one waiting in the
 * channel, one taken on by Mehmet Yılmaz, one with a booked warme overdracht and confirmed
 * afspraken whose reminders fall due within days — `tijdreis +2d` shows them).
 *
 * Seeds once per data folder (`demo.json` marks it); `npm run data:reset` starts over.
 * Refuses when COSMOS_ENDPOINT is set.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawn } from 'node:child_process';
import { DateTime } from 'luxon';
import { VERBS } from '../cards/verbs.js';
import { startSchakel } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { botAddedToTeam, cardAction, channelMessage, installationUpdate, makeUser, message, type TeamsUser } from '../test/support/activities.js';
import { action, cardOf, invokeCard } from '../test/support/cards.js';
import { FORM } from '../test/support/factories.js';
import { FakeConnector } from '../test/support/fakeConnector.js';
import { ROOT } from './root.js';

if (process.env.COSMOS_ENDPOINT?.trim()) {
  process.stderr.write('COSMOS_ENDPOINT is set: the demo only fills the local data folder, never a real database.\n');
  process.exit(2);
}

const TENANT = '5c1e2a3b-8f4d-4e6a-9b7c-0d1e2f3a4b5c';
const person = (id: string, aad: string, name: string): TeamsUser => makeUser(name, { id, aadObjectId: aad, tenantId: TENANT });
/** The people of .m365agentsplayground.yml. */
const sanne = person('29:smw-sanne-smit', '7d3f6a10-1b2c-4d5e-8f90-a1b2c3d4e501', 'Sanne Smit (SMW)');
const mehmet = person('29:wijkteam-mehmet-yilmaz', '7d3f6a10-1b2c-4d5e-8f90-a1b2c3d4e502', 'Mehmet Yılmaz (Wijkteam Feijenoord)');
const lotte = person('29:wijkteam-lotte-de-boer', '7d3f6a10-1b2c-4d5e-8f90-a1b2c3d4e503', 'Lotte de Boer (Wijkteam Feijenoord)');
const pieter = person('29:servicepunt-pieter-van-dijk', '7d3f6a10-1b2c-4d5e-8f90-a1b2c3d4e506', 'Pieter van Dijk (Servicepunt SMW)');
const team = { id: '19:wijkteam-feijenoord-general@thread.tacv2', name: 'Wijkteam Feijenoord' };
const channel = '19:wijkteam-feijenoord-aanmeldingen@thread.tacv2';
const PLAYGROUND_PERSONAL_CHAT = 'a:personal-sanne-smit-schakel';

const dataDir = resolve(process.env.SCHAKEL_DATA_DIR?.trim() || './.schakel-data');
const marker = join(dataDir, 'demo.json');

/** Working day `n` after today (weekends skipped), as YYYY-MM-DD. */
function workday(n: number): string {
  let d = DateTime.now().setZone('Europe/Amsterdam').startOf('day');
  for (let left = n; left > 0; ) {
    d = d.plus({ days: 1 });
    if (d.weekday <= 5) left--;
  }
  return d.toISODate() ?? '';
}

/** One example pupil's answers: every name says it is an example. */
function example(firstNames: string, extra: Partial<Record<keyof typeof FORM, Record<string, string>>> = {}) {
  return {
    ...FORM,
    pupil: { ...FORM.pupil, firstNames, surname: 'Voorbeeld', school: 'OBS De Regenboog (voorbeeldschool)', ...extra.pupil },
    parents: { ...FORM.parents, parent0Name: `Ouder van ${firstNames} Voorbeeld`, parent0Email: 'ouder@voorbeeld.example', parent0Phone: '06 00000000' },
    request: { ...FORM.request, reason: 'VOORBEELD — verzonnen casus voor de demo: veel verzuim en spanningen thuis.' },
  };
}

async function seed(): Promise<void> {
  const connector = await new FakeConnector().start();
  // Pieter (Servicepunt SMW) links the channel: he is named coordinator for the seeding, never everyone.
  const config = loadConfig({ COORDINATOR_AAD_IDS: pieter.aadObjectId, ...process.env, SCHAKEL_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', LOG_FORMAT: 'json' });
  const schakel = await startSchakel(config, createLogger('error'), { startScheduler: false });
  const url = `${schakel.url}/api/messages`;
  const post = async (activity: object) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`bot answered ${res.status}: ${text.slice(0, 200)}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
  const click = async (user: TeamsUser, card: unknown, verb: string, inputs: Record<string, string> = {}, options: { conversation?: Record<string, unknown>; replyToId?: string } = {}) =>
    invokeCard(await post(cardAction(user, verb, { ...action(card, verb).data, ...inputs }, connector.url, options)));
  const personal = (user: TeamsUser) => `a:personal-${user.aadObjectId}`;
  // The last card of a flow step (a person's live case card, posted once and then updated, is not one).
  const lastCard = (conversationId: string) => {
    const call = connector.calls.filter((c) => c.method === 'POST' && c.status < 300 && c.conversationId === conversationId && JSON.stringify(c.body.attachments ?? []).includes('adaptive') && !JSON.stringify(c.body.attachments ?? []).includes('"id":"case:')).at(-1);
    if (!call?.responseId) throw new Error('expected a card');
    return { card: cardOf(call.body), activityId: call.responseId };
  };
  const lastUpdate = (conversationId: string, activityId: string) =>
    cardOf(connector.calls.filter((c) => c.method === 'PUT' && c.status < 300 && c.conversationId === conversationId && c.activityId === activityId).at(-1)?.body);

  try {
    connector.rosters.set(team.id, [mehmet, lotte].map((u) => ({ id: u.id, aadObjectId: u.aadObjectId, name: u.name })));
    for (const user of [sanne, mehmet, lotte, pieter]) {
      const email = `${user.name.split(' ')[0]!.toLowerCase()}@schakel-demo.example`;
      connector.rosters.set(personal(user), [{ id: user.id, aadObjectId: user.aadObjectId, name: user.name, email, userPrincipalName: email, tenantId: TENANT }]);
      await post(installationUpdate(user, connector.url));
    }
    await post(botAddedToTeam(pieter, connector.url, team, channel));
    await post(channelMessage(pieter, 'koppel wijkteam Feijenoord', connector.url, team, channel));

    const fill = async (answers: ReturnType<typeof example>, sections: (keyof typeof FORM)[]) => {
      await post(message(sanne, 'aanmelden', connector.url));
      const form = lastCard(personal(sanne));
      let card: unknown = form.card;
      // Teams names the message a click came from: every step replaces the form's one message.
      for (const s of sections) card = await click(sanne, card, VERBS.sectionSave, answers[s], { replyToId: form.activityId });
      return { card, activityId: form.activityId };
    };
    /** Waits until every effect that is due has been carried out (a rate-limit wait included). */
    const settled = async () => {
      for (const until = Date.now() + 30_000; ; ) {
        await schakel.effects.idle();
        const { resources } = await schakel.store.containers.effects.items
          .query<number>({ query: 'SELECT VALUE COUNT(1) FROM c WHERE c.nextAt <= @now', parameters: [{ name: '@now', value: schakel.deps.clock.now().toISOString() }] })
          .fetchAll();
        if ((resources[0] ?? 0) === 0) return;
        if (Date.now() > until) throw new Error('effects not carried out within 30 s');
        await schakel.effects.tick();
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const submit = async (firstNames: string) => {
      const { card: review, activityId } = await fill(example(firstNames), ['pupil', 'parents', 'request', 'safety', 'consent']);
      const posted = () => connector.calls.filter((c) => c.method === 'POST' && c.conversationId === channel && c.status < 300);
      const before = posted().length;
      // The message it is sent from becomes the SMW'er's live case card.
      await click(sanne, review, VERBS.submit, {}, { replyToId: activityId });
      // The intake card is posted by the effect runner right after the commit, not inside the click.
      for (const until = Date.now() + 15_000; posted().length === before; ) {
        if (Date.now() > until) throw new Error('the intake card was not posted within 15 s');
        await new Promise((r) => setTimeout(r, 50));
      }
      const postCall = posted().at(-1)!;
      return { card: cardOf(postCall.body), activityId: postCall.responseId ?? '' };
    };
    const takeOn = async (posted: { card: Record<string, unknown>; activityId: string }) => {
      const answer = await click(mehmet, posted.card, VERBS.intakeTakeOn, {}, { conversation: { conversationType: 'channel', tenantId: TENANT, id: `${channel};messageid=1`, isGroup: true }, replyToId: posted.activityId });
      // The planning cards, the SMW'er's message and the reminders are effects carried out right after the click.
      await settled();
      return answer;
    };

    // 1. A concept: only the pupil's section saved.
    await fill(example('Daan'), ['pupil']);
    // 2. Waiting in the wijkteam channel for someone to take it on.
    await submit('Sem');
    // 3. Taken on by Mehmet: the SMW'er has a planning card for the warme overdracht.
    await takeOn(await submit('Lina'));
    // 4. Warme overdracht booked and afspraken confirmed: reminders within days.
    await takeOn(await submit('Yara'));
    const planning = lastCard(personal(sanne));
    const mehmetCard = lastCard(personal(mehmet));
    await click(sanne, planning.card, VERBS.handoverPlan, { parentAvailability: '1-ochtend,2-ochtend,3-ochtend,4-middag,5-ochtend', meetingForm: 'school', durationMinutes: '60', pupilJoins: 'false', parentName: 'Ouder van Yara Voorbeeld', parentEmail: 'ouder@voorbeeld.example', parentPhone: '06 00000000' }, { replyToId: planning.activityId });
    // Finding times and booking run after the click; their cards are updated in place.
    await settled();
    const proposals = lastUpdate(personal(mehmet), mehmetCard.activityId);
    await click(mehmet, proposals, VERBS.handoverBook, {}, { replyToId: mehmetCard.activityId });
    await settled();
    const booked = lastUpdate(personal(mehmet), mehmetCard.activityId);
    const form = await click(mehmet, booked, VERBS.agreementsOpen, {}, { replyToId: mehmetCard.activityId });
    // Confirmed before the booked time: the example says the meeting took place (it was held earlier than booked).
    await click(mehmet, form, VERBS.agreementsConfirm, {
      meetingHeld: 'true',
      present: 'smw,caseManager,parent',
      feedback0To: 'smw',
      feedback0How: 'teams',
      feedback0Date: workday(3),
      feedback0Time: '10:00',
      feedback1To: 'schoolContact',
      feedback1How: 'sot-ozo',
      feedback1Date: workday(8),
      evaluationDate: workday(30),
      evaluationWith: 'smw,parent,caseManager',
      aftercareWhat: 'VOORBEELD: wekelijks contact met de mentor over verzuim',
      aftercareWho: 'schoolContact',
      aftercareUntil: workday(80),
      parentsAgree: 'true',
    }, { replyToId: mehmetCard.activityId });
    await settled();

    // Point every stored conversation at the Playground's connector (and Sanne's chat at the Playground's id).
    const playgroundUrl = `http://localhost:${Number(process.env.PLAYGROUND_PORT ?? 56150)}/_connector`;
    const conversations = schakel.store.containers.conversations;
    const { resources } = await conversations.items.query<Record<string, unknown> & { id: string; userId: string }>('SELECT * FROM c').fetchAll();
    for (const doc of resources) {
      const { _rid, _self, _etag, _ts, _attachments, ...rest } = doc;
      void [_rid, _self, _etag, _ts, _attachments];
      await conversations.items.upsert({ ...rest, serviceUrl: playgroundUrl, ...(doc.userId === sanne.aadObjectId ? { conversationId: PLAYGROUND_PERSONAL_CHAT } : {}) });
    }
    const due = await schakel.deps.reminderStore.pendingOfReferral(String(action(booked, VERBS.agreementsOpen).data.referralId ?? ''));
    writeFileSync(marker, JSON.stringify({ seededAt: new Date().toISOString(), note: 'Voorbeeldgegevens (verzonnen) van npm run demo' }));
    process.stdout.write(`Example tenant seeded in ${dataDir}: 4 aanmeldingen (concept, waiting, taken on, afspraken confirmed), ${due.length} reminders planned.\n`);
  } finally {
    await schakel.stop();
    await connector.stop();
  }
}

if (existsSync(marker)) process.stdout.write(`${dataDir} already holds the example tenant (npm run data:reset starts over).\n`);
else await seed();
if (process.argv.includes('--seed-only')) process.exit(0);
process.stdout.write('Starting npm run dev …  Try: mijn casussen · concepten · status · tijdreis +2d\n');
const dev = spawn(process.execPath, ['--import', 'tsx/esm', join(ROOT, 'scripts', 'dev.ts'), ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, SCHAKEL_DATA_DIR: dataDir } });
dev.on('exit', (code) => process.exit(code ?? 0));
