import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { REFUSED, cardAction, channelMessage, installationUpdate, makeUser, message, personalConversationId } from '../support/activities.js';
import { action, cardOf, download, elements, errorBeside, input, invokeCard, invokeMessage, links, texts } from '../support/cards.js';
import { FORM } from '../support/factories.js';
import { effectsSettled, startHarness, type Harness } from '../support/harness.js';
import { OutboxMailSender } from '../../src/notify/outbox.js';
import { channelConversation, charlois, charloisChannel, feijenoord, feijenoordChannel, linkWijkteams, referralFlow } from '../support/referralFlow.js';

const coordinator = makeUser('Coördinator Servicepunt');
const smw = makeUser('Sanne Smit');
const karim = makeUser('Karim Wijkteam');
const lisa = makeUser('Lisa Wijkteam');
const outsider = makeUser('Olaf Buitenstaander');
let h: Harness;
const { openForm, click, fillAll, postsIn, submitted, takenOn } = referralFlow(() => h);

beforeAll(async () => {
  h = await startHarness({ env: { COORDINATOR_AAD_IDS: coordinator.aadObjectId } });
  h.connector.rosters.set(feijenoord.id, [karim, lisa].map((u) => ({ id: u.id, aadObjectId: u.aadObjectId, name: u.name })));
  h.connector.rosters.set(charlois.id, [outsider].map((u) => ({ id: u.id, aadObjectId: u.aadObjectId, name: u.name })));
  await linkWijkteams(h, coordinator);
  await h.bot.send(installationUpdate(smw, h.connector.url));
});
afterAll(async () => {
  const errors = h?.bot.logs.find('unhandled error in turn') ?? [];
  await h?.stop();
  expect(errors.map((e) => JSON.stringify(e.err))).toEqual([]);
});

describe('aanmelding from form to casusregisseur, over HTTP', () => {
  it('walks the five sections, reviews, routes by postcode and posts a minimal intake card', async () => {
    const review = await fillAll(smw);
    expect(texts(review).join(' ')).toContain('Afrikaanderwijk: de aanmelding gaat naar Wijkteam Feijenoord');
    expect(input(review, 'wijkteamId').value).toBe('wt-feijenoord');
    const { post, card } = await submitted(smw);
    const json = JSON.stringify(post.body);
    // Whole words only: ids and timings are full of digits and hex letters.
    for (const secret of [/\bNoa\b/, /Vries/, /\b3072 ?AB\b/i, /\b12a\b/, /Fatima/, /0612345678/, /06 12345678/, /fatima@example\.org/, /verzuim/, /Betrokken/]) expect(json).not.toMatch(secret);
    expect(texts(card).join(' ')).toMatch(/AM-[0-9A-Z]{6}/);
    const facts = JSON.stringify(card);
    expect(facts).toContain('N.M.d.V.');
    expect(facts).toContain('11 jaar');
    expect(facts).toContain('OBS De Regenboog');
  });

  it('blocks sending without the consent the law asks for, and says exactly what is missing', async () => {
    // 13 years old: parents with gezag AND the pupil must consent; only the mother did.
    const review = await fillAll(smw, { pupil: { ...FORM.pupil, dateOfBirth: '2013-06-01' } });
    const back = invokeCard(await click(smw, review, VERBS.submit));
    expect(texts(back).join(' ')).toContain('Toestemming van de jeugdige ontbreekt');
    expect(texts(back).join(' ')).toContain('kan nog niet verstuurd worden');
  });

  it('sends on a legal ground without consent when it is explained', async () => {
    const review = await fillAll(smw, { consent: { legalGround: 'acuteVeiligheid', legalGroundExplanation: 'Acute zorg na melding school.' } });
    const done = invokeCard(await click(smw, review, VERBS.submit));
    expect(texts(done).join(' ')).toContain('Verstuurd naar');
  });

  it('two members race to take it on: one wins, the other is told who; the card updates for everyone; the SMW\'er hears the name', async () => {
    const { post } = await submitted(smw);
    const intake = cardOf(post.body);
    const conversation = channelConversation(feijenoordChannel);
    const [a, b] = await Promise.all([
      click(karim, intake, VERBS.intakeTakeOn, {}, h.bot, conversation, post.responseId),
      click(lisa, intake, VERBS.intakeTakeOn, {}, h.bot, conversation, post.responseId),
    ]);
    const all = [invokeCard(a), invokeCard(b)].map((c) => texts(c).join(' '));
    const winner = all.find((t) => !t.includes('al opgepakt'))!;
    const loser = all.find((t) => t.includes('al opgepakt'));
    expect(winner).toMatch(/Casusregisseur: (Karim|Lisa) Wijkteam/);
    expect(loser).toMatch(/al opgepakt door (Karim|Lisa) Wijkteam/);
    const name = /Casusregisseur: ((Karim|Lisa) Wijkteam)/.exec(winner)![1]!;
    expect(loser).toContain(name);
    // The channel card for everyone and the SMW'er's message follow the click as effects.
    await effectsSettled(h.bot);
    const updates = h.connector.calls.filter((c) => c.method === 'PUT' && c.activityId === post.responseId);
    expect(updates).toHaveLength(1);
    expect(JSON.stringify(updates[0]!.body)).toContain(`Casusregisseur: ${name}`);
    const toSmw = h.connector.sent(personalConversationId(smw)).map((a) => String(a.text));
    expect(toSmw.some((t) => t.includes(`Casusregisseur: **${name}**`))).toBe(true);
  });

  it('a failing message to the SMW\'er (the news with their planning card) does not undo or fail the take-on; it is recorded as failed, the rest is carried out', async () => {
    const { post } = await submitted(smw);
    const referralId = String(action(cardOf(post.body), VERBS.intakeTakeOn).data.referralId);
    await h.bot.send(installationUpdate(lisa, h.connector.url)); // her planning card can reach her
    h.connector.policy = (req) => (req.method === 'POST' && decodeURIComponent(req.path).includes(personalConversationId(smw)) ? { status: 400 } : undefined);
    try {
      const res = await click(lisa, cardOf(post.body), VERBS.intakeTakeOn, {}, h.bot, channelConversation(feijenoordChannel), post.responseId);
      expect(texts(invokeCard(res)).join(' ')).toContain('Casusregisseur: Lisa Wijkteam');
      await effectsSettled(h.bot);
    } finally {
      h.connector.policy = undefined;
    }
    const doc = (await h.bot.schakel.deps.referrals.get(referralId))!.doc;
    expect(doc.state).toBe('accepted');
    const seq = (doc.outbox?.effects ?? []).find((e) => e.kind === 'offerHandoverPlanning')?.id.split(':')[1];
    const effects = (doc.outbox?.effects ?? []).filter((e) => e.id.split(':')[1] === seq && e.kind !== 'refreshCaseCards').map((e) => [e.kind, 'aadObjectId' in e ? e.aadObjectId : '', e.state.status]);
    expect(effects).toEqual([
      ['updateIntakeCard', '', 'done'],
      // The registration's count of the take-on, carried out after the answer like the rest.
      ['countRegistration', '', 'done'],
      ['planReminders', '', 'done'],
      ['offerHandoverPlanning', smw.aadObjectId, 'failed'],
      ['offerHandoverPlanning', lisa.aadObjectId, 'done'],
    ]);
    // The case cards are refreshed too; whatever the SMW'er's chat answers, the casusregisseur's card is posted and kept.
    expect((doc.outbox?.effects ?? []).some((e) => e.kind === 'refreshCaseCards' && e.id.split(':')[1] === seq)).toBe(true);
    expect(doc.caseCards?.find((c) => c.aadObjectId === lisa.aadObjectId)?.activityId).toBeTruthy();
    expect(doc.handover?.cards.map((c) => c.aadObjectId)).toEqual([lisa.aadObjectId]);
  });

  it('counts the registration after the answer, as an effect of the submit: a failing count is tried again and never lost; the submit goes through', async () => {
    const registration = h.bot.schakel.deps.registration;
    const apply = registration.apply.bind(registration);
    let calls = 0;
    registration.apply = async (...args) => {
      if (calls++ === 0) throw new Error('registration unavailable');
      return apply(...args);
    };
    try {
      const { post } = await submitted(smw);
      const referralId = String(action(cardOf(post.body), VERBS.intakeTakeOn).data.referralId);
      const counting = async () => (await h.bot.schakel.deps.referrals.get(referralId))!.doc.outbox?.effects.find((e) => e.kind === 'countRegistration');
      // The first attempt failed: the count waits in the outbox to be tried again (the submit itself went through).
      expect((await h.bot.schakel.deps.referrals.get(referralId))!.doc.state).toBe('submitted');
      for (let i = 0; i < 100 && (await counting())?.state.status !== 'done'; i++) await new Promise((r) => setTimeout(r, 100));
      expect((await counting())?.state.status).toBe('done');
      expect(calls).toBe(2);
      const year = String(new Date().getUTCFullYear());
      expect((await registration.cells(year)).reduce((n, c) => n + (c.counts.sent ?? 0), 0)).toBeGreaterThan(0);
    } finally {
      registration.apply = apply;
    }
  });

  it('refuses take-on by someone outside the wijkteam, and audits it', async () => {
    const { post } = await submitted(smw);
    const res = await click(outsider, cardOf(post.body), VERBS.intakeTakeOn, {}, h.bot, channelConversation(feijenoordChannel), post.responseId);
    expect(invokeMessage(res)).toContain(REFUSED);
    expect(h.bot.logs.find('access refused').some((l) => l.actor === outsider.aadObjectId)).toBe(true);
  });

  it('shows full details only to a member who asks, and writes the view to the audit trail', async () => {
    const { post } = await submitted(smw);
    const details = invokeCard(await click(karim, cardOf(post.body), VERBS.intakeDetails, {}, h.bot, channelConversation(feijenoordChannel)));
    expect(JSON.stringify(details)).toContain('Noa Maria de Vries');
    const refused = await click(outsider, cardOf(post.body), VERBS.intakeDetails, {}, h.bot, channelConversation(feijenoordChannel));
    expect(invokeMessage(refused)).toContain(REFUSED);
    // the channel message itself was not changed by looking
    expect(h.connector.calls.filter((c) => c.method === 'PUT' && c.activityId === post.responseId)).toHaveLength(0);
  });

  it('redirects to another wijkteam: the old card says so, the new channel gets the intake, the SMW\'er is told', async () => {
    const { post } = await submitted(smw);
    const form = invokeCard(await click(karim, cardOf(post.body), VERBS.intakeRedirectForm, {}, h.bot, channelConversation(feijenoordChannel)));
    const invalid = invokeCard(await click(karim, form, VERBS.intakeRedirect, { redirectTo: 'wt-charlois', redirectReason: '' }, h.bot, channelConversation(feijenoordChannel)));
    expect(errorBeside(invalid, 'redirectReason')).toBe('Dit veld is verplicht.');
    expect(input(invalid, 'redirectTo').value).toBe('wt-charlois');
    const before = postsIn(charloisChannel).length;
    const done = invokeCard(await click(karim, invalid, VERBS.intakeRedirect, { redirectTo: 'wt-charlois', redirectReason: 'Gezin is verhuisd naar Charlois.' }, h.bot, channelConversation(feijenoordChannel)));
    expect(texts(done).join(' ')).toContain('Doorverwezen naar Wijkteam Charlois');
    // The old card, the new channel's intake and the SMW'er's message are effects after the click.
    await effectsSettled(h.bot);
    expect(postsIn(charloisChannel).length).toBe(before + 1);
    const oldCard = h.connector.calls.filter((c) => c.method === 'PUT' && c.activityId === post.responseId).at(-1);
    expect(texts(cardOf(oldCard?.body)).join(' ')).toContain('Doorverwezen naar Wijkteam Charlois');
    expect(h.connector.sent(personalConversationId(smw)).map((a) => String(a.text)).some((t) => t.includes('door Wijkteam Feijenoord doorverwezen naar Wijkteam Charlois'))).toBe(true);
    // Feijenoord members can no longer take it on; Charlois members can.
    const newPost = postsIn(charloisChannel).at(-1)!;
    expect(invokeMessage(await click(karim, cardOf(newPost.body), VERBS.intakeTakeOn, {}, h.bot, channelConversation(charloisChannel)))).toContain(REFUSED);
    expect(texts(invokeCard(await click(outsider, cardOf(newPost.body), VERBS.intakeTakeOn, {}, h.bot, channelConversation(charloisChannel)))).join(' ')).toContain('Casusregisseur: Olaf');
    // The take-on's messages are effects: let them arrive before the next test reads the SMW'er's chat.
    await effectsSettled(h.bot);
  });

  it('declines with a reason; the SMW\'er gets it with the advice, amends and sends again', async () => {
    const { post } = await submitted(smw);
    const referralId = String(action(cardOf(post.body), VERBS.intakeTakeOn).data.referralId);
    await effectsSettled(h.bot);
    expect((await h.bot.schakel.reminders.reminders.pendingOfReferral(referralId)).map((r) => r.subject.normId)).toContain('accept');
    const form = invokeCard(await click(lisa, cardOf(post.body), VERBS.intakeDeclineForm, {}, h.bot, channelConversation(feijenoordChannel)));
    await click(lisa, form, VERBS.intakeDecline, { declineReason: 'Eerst de jeugdarts inschakelen.', declineAdvice: 'Overleg met het CJG.' }, h.bot, channelConversation(feijenoordChannel));
    await effectsSettled(h.bot); // the SMW'er's card is an effect
    // Declined is not "waiting for acceptance": no escalation of the acceptance norm is left to fire.
    expect(await h.bot.schakel.reminders.reminders.pendingOfReferral(referralId)).toEqual([]);
    const declined = cardOf(h.connector.sent(personalConversationId(smw)).at(-1));
    expect(JSON.stringify(declined)).toContain('Overleg met het CJG.');
    const reopened = invokeCard(await click(smw, declined, VERBS.amend));
    expect(texts(reopened).join(' ')).toContain('weer een concept');
    const before = postsIn(feijenoordChannel).length;
    const again = invokeCard(await click(smw, reopened, VERBS.submit));
    expect(texts(again).join(' ')).toContain('Verstuurd naar Wijkteam Feijenoord');
    await effectsSettled(h.bot);
    expect(postsIn(feijenoordChannel).length).toBe(before + 1);
    // Sent again: the acceptance norm runs again from the new submit.
    expect((await h.bot.schakel.reminders.reminders.pendingOfReferral(referralId)).map((r) => r.subject.normId)).toContain('accept');
  });

  it('a submit delivered twice (Teams retry) sends one referral and posts one intake card', async () => {
    const review = await fillAll(smw);
    const before = postsIn(feijenoordChannel).length;
    const activity = cardAction(smw, VERBS.submit, action(review, VERBS.submit).data, h.connector.url);
    const [a, b] = await Promise.all([h.bot.send(activity), h.bot.send(activity)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await effectsSettled(h.bot);
    expect(postsIn(feijenoordChannel).length).toBe(before + 1);
  });
});

describe('drafts and lists', () => {
  it('keeps what was typed on "Later verder", and a restarted bot continues the draft', async () => {
    const first = await openForm(smw);
    const parentsCard = invokeCard(await click(smw, first, VERBS.sectionSave, FORM.pupil));
    const later = invokeCard(await click(smw, parentsCard, VERBS.sectionLater, { parent0Name: 'Half ingevuld', parent0Phone: '06 1' }));
    expect(texts(later).join(' ')).toContain('bewaard');
    await h.bot.stop();
    h.bot = await h.startInstance({ COORDINATOR_AAD_IDS: coordinator.aadObjectId });
    await h.bot.send(message(smw, 'concepten', h.connector.url));
    const list = cardOf(h.connector.sent(personalConversationId(smw)).at(-1));
    const resume = invokeCard(await h.bot.send(cardAction(smw, VERBS.resume, action(list, VERBS.resume).data, h.connector.url)).then((r) => r.body));
    expect(input(resume, 'parent0Name').value).toBe('Half ingevuld');
    expect(input(resume, 'parent0Phone').value).toBe('06 1');
    const invalid = invokeCard(await click(smw, resume, VERBS.sectionSave, { parent0Name: 'Half ingevuld', parent0Phone: '06 1' }));
    expect(errorBeside(invalid, 'parent0Phone')).toContain('telefoonnummer');
    expect(errorBeside(invalid, 'parent0Relation')).toBe('Maak een keuze.');
  });

  it('"Terug" keeps the typed input of the section it leaves', async () => {
    const first = await openForm(smw);
    const parents = invokeCard(await click(smw, first, VERBS.sectionSave, FORM.pupil));
    const pupil = invokeCard(await click(smw, parents, VERBS.sectionBack, { parent0Name: 'Onaf' }));
    expect(input(pupil, 'surname').value).toBe('de Vries');
    const parentsAgain = invokeCard(await click(smw, pupil, VERBS.sectionSave, FORM.pupil));
    expect(input(parentsAgain, 'parent0Name').value).toBe('Onaf');
  });

  it('the parents card reports every error of the section in one round, with what was typed kept', async () => {
    const first = await openForm(smw);
    const parents = invokeCard(await click(smw, first, VERBS.sectionSave, FORM.pupil));
    const invalid = invokeCard(await click(smw, parents, VERBS.sectionSave, { parent0Name: '', parent0Phone: '12', parent0Email: 'geen-adres' }));
    expect(errorBeside(invalid, 'parent0Name')).toBeTruthy();
    expect(errorBeside(invalid, 'parent0Phone')).toContain('telefoonnummer');
    expect(errorBeside(invalid, 'parent0Email')).toBeTruthy();
    expect(errorBeside(invalid, 'parent0Relation')).toBe('Maak een keuze.');
    expect(errorBeside(invalid, 'parent0Authority')).toBe('Maak een keuze.');
    expect(input(invalid, 'parent0Phone').value).toBe('12');
    expect(input(invalid, 'parent0Email').value).toBe('geen-adres');
  });

  it('a second parent opened and typed in stays open with its input, through errors and "Later verder"', async () => {
    const first = await openForm(smw);
    const parents = invokeCard(await click(smw, first, VERBS.sectionSave, FORM.pupil));
    const hidden = (card: unknown, id: string) => elements(card).find((e) => Array.isArray(e.items) && (e.items as { id?: string }[]).some((i) => i.id === id))?.isVisible === false;
    expect(hidden(parents, 'parent0Name')).toBe(false);
    expect(hidden(parents, 'parent1Name')).toBe(true);
    const typed = { ...FORM.parents, parent1Name: 'Jan de Vries', parent1Email: 'jan@example.org' };
    const invalid = invokeCard(await click(smw, parents, VERBS.sectionSave, typed));
    expect(hidden(invalid, 'parent1Name')).toBe(false);
    expect(input(invalid, 'parent1Name').value).toBe('Jan de Vries');
    expect(input(invalid, 'parent1Email').value).toBe('jan@example.org');
    expect(errorBeside(invalid, 'parent1Relation')).toBe('Maak een keuze.');
    expect(hidden(invalid, 'parent2Name')).toBe(true);
    const later = invokeCard(await click(smw, invalid, VERBS.sectionLater, typed));
    expect(texts(later).join(' ')).toContain('bewaard');
  });

  it('the consent card fills in today as the date of each consent', async () => {
    let card: unknown = await openForm(smw);
    for (const section of ['pupil', 'parents', 'request', 'safety'] as const) card = invokeCard(await click(smw, card, VERBS.sectionSave, FORM[section]));
    const deps = h.bot.schakel.deps;
    const today = deps.calendar.localDate(deps.clock.now());
    const dates = elements(card).filter((e) => e.type === 'Input.Date');
    expect(dates.length).toBeGreaterThanOrEqual(2);
    for (const date of dates) expect(date.value, String(date.id)).toBe(today);
  });

  it('"mijn casussen" lists open referrals as SMW\'er or casusregisseur; "status" shows the timeline only to those allowed', async () => {
    const { post } = await submitted(smw);
    await click(karim, cardOf(post.body), VERBS.intakeTakeOn, {}, h.bot, channelConversation(feijenoordChannel), post.responseId);
    const number = /AM-[0-9A-Z]{6}/.exec(JSON.stringify(post.body))![0];
    await h.bot.send(message(karim, 'mijn casussen', h.connector.url));
    const list = cardOf(h.connector.sent(personalConversationId(karim)).at(-1));
    const row = texts(list).join(' ');
    expect(row).toContain(number);
    expect(row).toContain('N.M.d.V. · OBS De Regenboog');
    expect(row).toContain('als casusregisseur');
    expect(row).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(action(list, VERBS.handoverShow).data).toMatchObject({ referralId: expect.any(String) });
    await h.bot.send(message(smw, `status ${number}`, h.connector.url));
    const status = String(h.connector.sent(personalConversationId(smw)).at(-1)?.text);
    expect(status).not.toContain('UTC');
    expect(status).toMatch(/^- (ma|di|wo|do|vr|za|zo) \d{1,2} [a-z]+\.? \d{2}:\d{2} — /m);
    expect(status).toContain('Verstuurd naar Wijkteam Feijenoord');
    expect(status).toContain('Opgepakt door een casusregisseur');
    expect(status).toContain('Casusregisseur: Karim Wijkteam');
    await h.bot.send(message(outsider, `status ${number}`, h.connector.url));
    expect(String(h.connector.sent(personalConversationId(outsider)).at(-1)?.text)).toContain(REFUSED);
  });

  it('lets only coordinators link channels and replace the postcode table; a bad table is explained per line', async () => {
    await h.bot.send(channelMessage(smw, 'koppel wijkteam Charlois', h.connector.url, charlois, charloisChannel));
    expect(String(h.connector.sent(`${charloisChannel};messageid=`).length >= 0)).toBe('true');
    const replies = h.connector.calls.filter((c) => c.method === 'POST' && c.conversationId?.startsWith(charloisChannel) && JSON.stringify(c.body).includes('alleen voor coördinatoren'));
    expect(replies.length).toBe(1);
    await h.bot.send(message(coordinator, 'wijkindeling\npostcode4,wijk,wijkteam_id,wijkteam_naam\n3072,Afrikaanderwijk,wt-feijenoord,Wijkteam Feijenoord\n30AB,X,wt-x,Y', h.connector.url));
    const reply = String(h.connector.sent(personalConversationId(coordinator)).at(-1)?.text);
    expect(reply).toContain('niet opgeslagen');
    expect(reply).toContain('regel 3');
  });
});

describe('consent withdrawn later', () => {
  it('stops wijkteam members seeing the details, and cannot be withdrawn twice', async () => {
    const { post } = await submitted(smw);
    const number = /AM-[0-9A-Z]{6}/.exec(JSON.stringify(post.body))![0];
    await h.bot.send(message(smw, `toestemming ${number}`, h.connector.url));
    const form = cardOf(h.connector.sent(personalConversationId(smw)).at(-1));
    const done = invokeCard(await click(smw, form, VERBS.consentWithdraw, { withdrawWho: 'parent0:wijkteam' }));
    expect(texts(done).join(' ')).toContain('trekt de toestemming in voor delen met het wijkteam');
    const refused = await click(karim, cardOf(post.body), VERBS.intakeDetails, {}, h.bot, channelConversation(feijenoordChannel));
    expect(invokeMessage(refused)).toContain(REFUSED);
    const again = invokeCard(await click(smw, done, VERBS.consentWithdraw, { withdrawWho: 'parent0:wijkteam' }));
    expect(errorBeside(again, 'withdrawWho')).toBe('Deze toestemming is niet gegeven of al ingetrokken.');
  });
});

describe('outbox (local mode, no Graph)', () => {
  it('"e-mails" lists the mail waiting for the SMW\'er\'s own referrals only', async () => {
    const { post } = await submitted(smw);
    const number = /AM-[0-9A-Z]{6}/.exec(JSON.stringify(post.body))![0];
    const referral = await h.bot.schakel.deps.referrals.findByNumber(number);
    const mail = new OutboxMailSender(h.bot.schakel.store.containers.outbox, h.bot.schakel.deps.clock, h.bot.schakel.deps.log);
    await mail.send('ouder@example.org', 'Warme overdracht op dinsdag', '<p>…</p>', { referralId: referral!.referralId });
    await h.bot.send(message(smw, 'e-mails', h.connector.url));
    const list = String(h.connector.sent(personalConversationId(smw)).at(-1)?.text);
    expect(list).toContain(number);
    expect(list).toContain('aan ouder@example.org');
    expect(list).toContain('Warme overdracht op dinsdag');
    await h.bot.send(message(karim, 'e-mails', h.connector.url));
    expect(String(h.connector.sent(personalConversationId(karim)).at(-1)?.text)).toBe('Er staat geen e-mail klaar.');
  });
});

describe('closing', () => {
  it('closes for the SMW\'er or casusregisseur only: reminders stop and the referral with its entries gets a time to live', async () => {
    const { referralId, number } = await takenOn(smw, karim);
    const reminders = h.bot.schakel.reminders.reminders;
    expect((await reminders.pendingOfReferral(referralId)).length).toBeGreaterThan(0); // the handover norm runs
    await h.bot.send(message(outsider, `afsluiten ${number}`, h.connector.url));
    expect(String(h.connector.sent(personalConversationId(outsider)).at(-1)?.text)).toContain(REFUSED);
    await h.bot.send(message(smw, `afsluiten ${number}`, h.connector.url));
    const card = cardOf(h.connector.sent(personalConversationId(smw)).at(-1));
    expect(invokeMessage(await click(outsider, card, VERBS.close))).toContain(REFUSED);
    const done = invokeCard(await click(smw, card, VERBS.close));
    expect(texts(done).join(' ')).toContain('Afgesloten');
    await effectsSettled(h.bot); // the reminders stop and the entries get their time to live as effects of the closing
    const container = h.bot.schakel.store.containers.referrals;
    const { resource } = await container.item(referralId, referralId).read();
    expect(resource).toMatchObject({ state: 'closed', ttl: 365 * 24 * 3600 });
    const { resources: entries } = await container.items
      .query({ query: 'SELECT c.ttl FROM c WHERE c.referralId = @id AND c.type != "referral"', parameters: [{ name: '@id', value: referralId }] })
      .fetchAll();
    expect(entries.length).toBeGreaterThan(3);
    expect(entries.every((e) => e.ttl === 365 * 24 * 3600)).toBe(true);
    expect(await reminders.pendingOfReferral(referralId)).toEqual([]);
  });
});

describe('export and erasure on request (coordinator)', () => {
  it('exports everything about one family as a file and then erases it from every container', async () => {
    const { referralId, number } = await takenOn(smw, karim);
    const mail = new OutboxMailSender(h.bot.schakel.store.containers.outbox, h.bot.schakel.deps.clock, h.bot.schakel.deps.log);
    await mail.send('ouder@example.org', 'Warme overdracht', '<p>…</p>', { referralId });
    const reminders = h.bot.schakel.reminders.reminders;
    expect((await reminders.pendingOfReferral(referralId)).length).toBeGreaterThan(0);

    await h.bot.send(message(smw, `exporteer ${number}`, h.connector.url));
    expect(String(h.connector.sent(personalConversationId(smw)).at(-1)?.text)).toContain('alleen voor coördinatoren');

    await h.bot.send(message(coordinator, `exporteer ${number}`, h.connector.url));
    const exported = cardOf(h.connector.sent(personalConversationId(coordinator)).at(-1));
    expect(JSON.stringify(exported)).not.toContain('data:');
    const [link] = links(exported);
    expect(link?.title).toBe('Bestand downloaden');
    const file = await download(link!.url);
    expect(file).toMatchObject({ status: 200, contentType: 'application/json; charset=utf-8', fileName: `schakel-${number}.json` });
    const json = JSON.parse(file.body) as { referral: { type: string }[]; reminders: unknown[]; outbox: unknown[] };
    expect(JSON.stringify(json)).toContain('Noa Maria');
    expect(json.referral.some((d) => d.type === 'referral')).toBe(true);
    expect(json.referral.some((d) => d.type === 'audit')).toBe(true);
    expect(json.reminders.length).toBeGreaterThan(0);
    expect(json.outbox).toHaveLength(1);

    await h.bot.send(message(coordinator, `wis ${number}`, h.connector.url));
    const confirm = cardOf(h.connector.sent(personalConversationId(coordinator)).at(-1));
    expect(invokeMessage(await click(smw, confirm, VERBS.erase))).toContain('alleen voor coördinatoren');
    const erased = invokeCard(await click(coordinator, confirm, VERBS.erase));
    expect(texts(erased).join(' ')).toMatch(/\d+ documenten gewist/);
    const left = await h.bot.schakel.deps.familyData.export(referralId);
    expect(left).toEqual({ referral: [], reminders: [], outbox: [] });
    // Not even its id stays in the people's case lists.
    const { resources: lists } = await h.bot.schakel.store.containers.cases.items
      .query({ query: 'SELECT c.id FROM c WHERE ARRAY_CONTAINS(c.referralIds, @id)', parameters: [{ name: '@id', value: referralId }] })
      .fetchAll();
    expect(lists).toEqual([]);
    // The link leads nowhere once the data is erased, and dies after 15 minutes anyway.
    expect((await download(link!.url)).status).toBe(404);
    const check = h.bot.schakel.deps.downloads.verify(link!.url.split('/downloads/')[1]!);
    expect(check.ok && check.ticket.expiresAt - h.bot.schakel.deps.clock.now().getTime()).toBeLessThanOrEqual(15 * 60 * 1000);
    expect(h.bot.logs.find('family data erased').map((l) => l.referralId)).toEqual([referralId]);
  });
});

describe('privacy', () => {
  it('never logs the pupil\'s or parents\' personal data', () => {
    // Whole words only: ids and timings are full of digits.
    for (const secret of [/\bNoa\b/, /de Vries/, /\b3072 ?AB\b/i, /Fatima/, /06 12345678/, /\+31612345678/, /fatima@example\.org/, /Regenboog/, /verzuim/]) {
      expect(h.bot.logs.raw.filter((line) => secret.test(line)), String(secret)).toEqual([]);
    }
  });
});
