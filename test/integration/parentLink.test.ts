import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { ManualClock } from '../../src/domain/clock.js';
import { cardAction, makeUser, message, personalConversationId, type TeamsUser } from '../support/activities.js';
import { actions, errorBeside, invokeCard, texts } from '../support/cards.js';
import { AGREEMENTS, PLAN, lastCardTo, updatesOf, startCaseHarness, stopCaseHarness } from '../support/handoverFlow.js';
import { effectsSettled, type Harness } from '../support/harness.js';
import { ParentBrowser, parentLinkMails, slotIdsOf } from '../support/parentPage.js';
import { referralFlow } from '../support/referralFlow.js';
import { countItemReads } from '../support/spy.js';

const coordinator = makeUser('Coördinator Servicepunt');
const smw = makeUser('Sanne Smit');
const karim = makeUser('Karim Wijkteam');
const clock = new ManualClock('2026-11-23T08:00:00Z'); // Monday 09:00 in Rotterdam

let h: Harness;
const { click, takenOn, clickAndWait } = referralFlow(() => h);

beforeAll(async () => {
  h = await startCaseHarness({
    clock,
    coordinator,
    members: [karim],
    env: { PARENT_PAGE_IP_REQUESTS_PER_MINUTE: '300' },
    people: [
      { user: smw, email: 'sanne.smit@school.example' },
      { user: karim, email: 'karim@wijkteam.example' },
    ],
  });
});
afterAll(async () => expect(await stopCaseHarness(h)).toEqual([]));

const stored = async (referralId: string) => (await h.bot.schakel.deps.referrals.get(referralId))!.doc;
const audit = async (referralId: string) => (await h.bot.schakel.deps.referrals.entries(referralId, 'audit')).map((e) => e.action);
const timeline = async (referralId: string) => (await h.bot.schakel.deps.referrals.entries(referralId, 'timeline')).map((e) => e.action);
const joined = (card: unknown) => texts(card).join(' ');
/** Words of the aanmelding that the parent's page must never show (pupil, school, reason, safety). */
const NEVER = [/\bNoa\b/, /Regenboog/, /verzuim/i, /spanningen/, /ETM/, /LIRIK/, /Vries/, /3072/];

/** The parent's link as the SMW'er's card shows it ("Link voor ouders"). */
const linkOn = (card: unknown): string => /"Link voor ouders","value":"([^"]+\/ouder\/[^"]+)"/.exec(JSON.stringify(card))?.[1] ?? '';

/** Taken on by Karim, planned by the SMW'er (proposals made): the link the parent got by mail. */
async function planned(overrides: Parameters<typeof takenOn>[2] = {}) {
  const { referralId, number } = await takenOn(smw, karim, overrides);
  const smwCard = lastCardTo(h, smw);
  const karimCard = lastCardTo(h, karim);
  const proposals = await clickAndWait(smw, smwCard.card, VERBS.handoverPlan, PLAN, smwCard.activityId);
  const mails = await parentLinkMails(h, referralId);
  return { referralId, number, smwCard, karimCard, proposals, link: linkOn(proposals), mails };
}

describe("the parent's personal link", () => {
  it('is issued when times are proposed: on the SMW\'er\'s card with a text to read out or text (the other card says it is active); only its hash is stored', async () => {
    const { referralId, link, proposals, karimCard, mails } = await planned();
    expect(link).toMatch(new RegExp(`^${h.bot.schakel.url}/ouder/${referralId}\\.[0-9a-z]+\\.[A-Za-z0-9_-]{43}\\.[A-Za-z0-9_-]{43}$`));
    expect(JSON.stringify(proposals)).toContain(`Beste Fatima de Vries, via deze persoonlijke link kiest u een tijd voor het gesprek en leest u de afspraken: ${link}`);
    expect(mails).toEqual([]);
    const karimNow = JSON.stringify(updatesOf(h, karim, karimCard.activityId).at(-1));
    expect(karimNow).not.toContain('/ouder/');
    expect(karimNow).toContain('"Link voor ouders","value":"actief tot 22 januari 2027');
    const doc = await stored(referralId);
    const secret = link.split('.')[link.split('.').length - 2]!;
    expect(JSON.stringify(doc)).not.toContain(secret);
    expect(doc.parentPage?.link?.hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await timeline(referralId)).toContain('parentLink.issued');
  });

  it('opens with strict security headers, shows the proposals and who to call, nothing of the aanmelding; the view is audited', async () => {
    const { referralId, link } = await planned();
    const parent = new ParentBrowser();
    const page = await parent.open(link);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('set-cookie')).toMatch(/schakel_ouder=[A-Za-z0-9_-]{22}; Path=\/ouder; HttpOnly; SameSite=Strict/);
    expect(page.html).toContain('<html lang="nl" dir="ltr">');
    expect(page.html).not.toMatch(/<script|style=/);
    expect(page.html).toContain('Karim Wijkteam, casusregisseur bij Wijkteam Feijenoord');
    expect(page.html).toContain('Sanne Smit, schoolmaatschappelijk werker');
    expect(slotIdsOf(page.html)).toHaveLength(3);
    expect(page.html).toContain('dinsdag 24 november 2026, 08:30–09:30');
    for (const word of NEVER) expect(page.html).not.toMatch(word);
    const css = await fetch(`${h.bot.schakel.url}/ouder-static/page.css`);
    expect(css.headers.get('content-type')).toContain('text/css');
    expect(await audit(referralId)).toContain('parentPage.viewed');
  });

  it('a pick books exactly as a professional\'s: meeting booked, both professionals\' cards updated, timeline "ouder koos een tijd"', async () => {
    const { referralId, link, smwCard, karimCard } = await planned();
    const parent = new ParentBrowser();
    const page = await parent.open(link);
    const [first] = slotIdsOf(page.html);
    const noChoice = await parent.post(link, page.html, 'kies', [['taal', 'nl']]);
    expect(noChoice.status).toBe(400);
    expect(noChoice.html).toContain('Kies een van de tijden.');
    const picked = await parent.post(link, page.html, 'kies', [['slotId', first!], ['taal', 'nl']]);
    expect(picked.status).toBe(303);
    expect(picked.location).toBe(`/ouder/${link.split('/ouder/')[1]}?taal=nl&bericht=picked`);
    const doc = await stored(referralId);
    expect(doc.state).toBe('handoverScheduled');
    expect(doc.handover?.meeting).toMatchObject({ slotId: first, start: '2026-11-24T07:30:00.000Z', via: 'ical', bookedBy: 'parent-link' });
    expect(await timeline(referralId)).toEqual(expect.arrayContaining(['handover.booked', 'handover.parentPicked']));
    // The cards follow from the booking's effects.
    await effectsSettled(h.bot);
    for (const [user, card] of [[smw, smwCard], [karim, karimCard]] as [TeamsUser, { activityId: string }][]) {
      const updated = updatesOf(h, user, card.activityId).at(-1);
      expect(joined(updated), user.name).toContain('De warme overdracht is gepland.');
      expect(JSON.stringify(updated)).toContain('dinsdag 24 november 2026, 08:30–09:30');
    }
    const after = await parent.open(`${h.bot.schakel.url}${picked.location}`);
    expect(after.html).toContain('Dank u. Het gesprek is gepland op dinsdag 24 november 2026, 08:30–09:30.');
    expect(after.html).toContain('Het gesprek is gepland op dinsdag 24 november 2026, 08:30–09:30. Plaats: op school.');
    expect(slotIdsOf(after.html)).toEqual([]);
    // The same time again, or a time that was never proposed: nothing changes.
    const again = await parent.post(link, page.html, 'kies', [['slotId', '9-0'], ['taal', 'nl']]);
    expect(again.location).toContain('bericht=stale');
    expect((await stored(referralId)).handover?.meeting?.slotId).toBe(first);
  });

  it('the parent enters days × parts of the day; stored on the referral and shown on both professionals\' cards; forms without the page\'s token are refused', async () => {
    const { referralId, link, smwCard } = await planned();
    const parent = new ParentBrowser();
    const page = await parent.open(link);
    const empty = await parent.post(link, page.html, 'beschikbaarheid', [['taal', 'nl']]);
    expect(empty.status).toBe(400);
    expect(empty.html).toContain('Kies minstens één dagdeel.');
    const forged = await new ParentBrowser().post(link, page.html, 'beschikbaarheid', [['parts', '1-ochtend']]);
    expect(forged.status).toBe(403);
    const saved = await parent.post(link, page.html, 'beschikbaarheid', [['parts', '1-ochtend'], ['parts', '3-avond'], ['taal', 'nl']]);
    expect(saved.status).toBe(303);
    expect((await stored(referralId)).parentPage?.availability?.weekly).toEqual([{ weekday: 1, part: 'ochtend' }, { weekday: 3, part: 'avond' }]);
    await effectsSettled(h.bot);
    expect(JSON.stringify(updatesOf(h, smw, smwCard.activityId).at(-1))).toContain('Ouder kan (eigen opgave)","value":"ma ochtend, wo avond');
    const again = await parent.open(link);
    expect(again.html).toContain('U gaf aan: maandag ochtend, woensdag avond');
    expect(await audit(referralId)).toEqual(expect.arrayContaining(['parentPage.availability', 'parentPage.formRefused']));
  });

  it('after the agreements: a new link (the old one refused), the agreements in plain words; agree or ask → the casusregisseur\'s card, a reply shows on the page', async () => {
    const { referralId, link: first } = await planned();
    const karimId = lastCardTo(h, karim).activityId;
    const booked = await clickAndWait(karim, updatesOf(h, karim, karimId).at(-1)!, VERBS.handoverBook, {}, karimId);
    const form = invokeCard(await click(karim, booked, VERBS.agreementsOpen));
    const reads = countItemReads(h.bot.schakel.store.containers.referrals, referralId);
    try {
      invokeCard(await click(karim, form, VERBS.agreementsConfirm, AGREEMENTS));
      await effectsSettled(h.bot); // the deliveries and reminders are effects of the confirmation
      // The new link is committed with the parent's delivery, not in a commit of its own that the
      // runner's next write would meet (412) and read the referral again for: the turn's read only.
      expect(reads.count).toBe(1);
    } finally {
      reads.restore();
    }
    // On the timeline twice: the link of the proposals and this one.
    expect((await timeline(referralId)).filter((a) => a === 'parentLink.issued')).toHaveLength(2);
    const mails = await parentLinkMails(h, referralId);
    const mail = mails.find((m) => m.subject === 'Afspraken na het gesprek met het wijkteam')!;
    expect(mail.html).toContain('Op uw persoonlijke pagina leest u de afspraken ook');
    // "e-mails" lists the outbox mail with the page's link, so it opens from the chat (local mode, the Playground).
    await h.bot.send(message(smw, 'e-mails', h.connector.url));
    expect(String(h.connector.sent(personalConversationId(smw)).at(-1)?.text)).toContain(`[Pagina voor ouders openen](${mail.link})`);
    // The SMW'er's confirmed agreements show the same (new) link to read out; it lives until the nazorg ends.
    expect(JSON.stringify(lastCardTo(h, smw).card)).toContain(mail.link);
    expect((await stored(referralId)).parentPage?.link?.expiresAt).toBe('2027-03-01T22:59:59.999Z');
    expect(mail.link).not.toBe(first);
    const parent = new ParentBrowser();
    expect((await parent.open(first)).status).toBe(404);
    const page = await parent.open(mail.link);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Karim Wijkteam van het wijkteam neemt contact met u op, telefonisch.');
    expect(page.html).toContain('Op vrijdag 15 januari 2027 kijken we samen met u hoe het gaat (de evaluatie).');
    expect(page.html).toContain('Tot maandag 1 maart 2027 is er nazorg door de school.');
    expect(page.html).toContain('Ik ga akkoord');
    for (const word of NEVER) expect(page.html).not.toMatch(word);
    expect(page.html).not.toContain(AGREEMENTS.aftercareWhat);

    const tooLong = await parent.post(mail.link, page.html, 'antwoord', [['kind', 'question'], ['question', 'x'.repeat(501)], ['taal', 'nl']]);
    expect(tooLong.status).toBe(400);
    expect(tooLong.html).toContain('Uw vraag is te lang: maximaal 500 tekens.');
    expect(tooLong.html).toContain('x'.repeat(501));
    const asked = await parent.post(mail.link, page.html, 'antwoord', [['kind', 'question'], ['question', 'Mag mijn zus ook bij de evaluatie zijn?'], ['taal', 'nl']]);
    expect(asked.location).toContain('bericht=asked');
    await effectsSettled(h.bot);
    const question = h.connector.sent(personalConversationId(karim)).map((a) => JSON.stringify(a)).filter((a) => a.includes('De ouder heeft een vraag'));
    expect(question).toHaveLength(1);
    const questionCard = lastCardTo(h, karim).card;
    expect(JSON.stringify(questionCard)).toContain('Mag mijn zus ook bij de evaluatie zijn?');
    const replyForm = invokeCard(await click(karim, questionCard, VERBS.parentReplyForm));
    const empty = invokeCard(await click(karim, replyForm, VERBS.parentReply, { reply: ' ' }));
    expect(errorBeside(empty, 'reply')).toBe('Schrijf een antwoord.');
    const replied = invokeCard(await click(karim, replyForm, VERBS.parentReply, { reply: 'Ja, dat is goed.' }));
    expect(joined(replied)).toContain('Uw antwoord staat op de pagina van de ouder.');
    const withReply = await parent.open(mail.link);
    expect(withReply.html).toContain('Antwoord van Karim Wijkteam');
    expect(withReply.html).toContain('Ja, dat is goed.');

    const agreed = await parent.post(mail.link, withReply.html, 'antwoord', [['kind', 'agree'], ['taal', 'nl']]);
    expect(agreed.location).toContain('bericht=agreed');
    await effectsSettled(h.bot);
    expect(joined(lastCardTo(h, karim).card)).toContain('De ouder gaat akkoord met de afspraken (versie 1).');
    const doc = await stored(referralId);
    const smwCards = (doc.handover?.cards ?? []).filter((c) => c.aadObjectId === smw.aadObjectId);
    const smwNow = updatesOf(h, smw, smwCards.at(-1)!.activityId).at(-1);
    expect(JSON.stringify(smwNow)).toContain('gaat akkoord met versie 1');
    expect(JSON.stringify(smwNow)).toContain('beantwoord door Karim Wijkteam');
    expect(await timeline(referralId)).toEqual(expect.arrayContaining(['parentPage.asked', 'parentPage.replied', 'parentPage.agreed']));
  });

  it('the Arabic page is right-to-left, and the home language from the aanmelding is the default', async () => {
    const { link } = await planned({ parents: { homeLanguage: 'ar' } });
    const page = await new ParentBrowser().open(link);
    expect(page.html).toContain('<html lang="ar" dir="rtl">');
    expect(page.html).toContain('اختر موعدًا للمقابلة');
    const dutch = await new ParentBrowser().open(`${link}?taal=nl`);
    expect(dutch.html).toContain('<html lang="nl" dir="ltr">');
  });

  it('a referral under a legal ground without consent gets no link until the casusregisseur enables it', async () => {
    const { referralId, mails, proposals } = await planned({ consent: { legalGround: 'meldcode', legalGroundExplanation: 'Stap 5 van de meldcode.' } });
    expect(mails).toEqual([]);
    expect((await stored(referralId)).parentPage?.link).toBeUndefined();
    expect(JSON.stringify(proposals)).toContain('uit — wettelijke grondslag zonder toestemming');
    const karimCard = updatesOf(h, karim, lastCardTo(h, karim).activityId).at(-1)!;
    expect(actions(karimCard).map((a) => a.verb)).toContain(VERBS.parentLinkEnable);
    // The SMW'er cannot enable it (the matrix: casusregisseur only).
    await h.bot.send(cardAction(smw, VERBS.parentLinkEnable, { referralId }, h.connector.url));
    expect((await stored(referralId)).parentPage?.enabledBy).toBeUndefined();
    const enabled = await click(karim, karimCard, VERBS.parentLinkEnable);
    expect(JSON.stringify(enabled)).toContain("De link voor ouders staat aan");
    // The mail is an effect committed with the link, carried out after the answer; what became of it is on the timeline.
    const link = (await stored(referralId)).parentPage?.link;
    expect((await stored(referralId)).outbox?.effects.some((e) => e.kind === 'mailParentLink' && e.hash === link?.hash)).toBe(true);
    await effectsSettled(h.bot);
    expect(await timeline(referralId)).toContain('parentLink.outbox');
    const after = await parentLinkMails(h, referralId);
    expect(after.map((m) => [m.to, m.subject])).toEqual([['fatima@example.org', 'Uw persoonlijke pagina voor het gesprek met school en wijkteam']]);
    expect((await new ParentBrowser().open(after[0]!.link)).status).toBe(200);
  });

  it('tampered, expired, revoked and other-referral tokens: the same neutral 404 page, nothing of the referral, audited', async () => {
    const a = await planned();
    const b = await planned();
    const parent = new ParentBrowser();
    const [head, expiry, random, mac] = a.link.split('/ouder/')[1]!.split('.') as [string, string, string, string];
    const base = `${h.bot.schakel.url}/ouder/`;
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    const tampered = `${base}${head}.${expiry}.${flip(random)}.${mac}`;
    const otherReferral = `${base}${b.referralId}.${expiry}.${random}.${mac}`;
    const laterExpiry = `${base}${head}.${(parseInt(expiry, 36) + 999_999).toString(36)}.${random}.${mac}`;
    const neutral = (await parent.open(`${base}niets`)).html;
    for (const url of [tampered, otherReferral, laterExpiry, `${base}${'x'.repeat(300)}`]) {
      const res = await parent.open(url);
      expect(res.status, url).toBe(404);
      expect(res.html).toBe(neutral);
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    // Revoked by a new link ("Nieuwe link voor ouders").
    const renewed = await h.bot.send(cardAction(smw, VERBS.parentLinkRenew, { referralId: b.referralId }, h.connector.url));
    expect(JSON.stringify(renewed.body)).toContain('Er is een nieuwe link gemaakt; de vorige werkt niet meer.');
    const revoked = await parent.open(b.link);
    expect(revoked.status).toBe(404);
    expect(revoked.html).toBe(neutral);
    // Expired: the clock passes the link's end.
    const saved = clock.now();
    clock.set(new Date(Date.parse((await stored(a.referralId)).parentPage!.link!.expiresAt) + 1000));
    const expired = await parent.open(a.link);
    const expiredDay = clock.now().toISOString().slice(0, 10);
    clock.set(saved);
    expect(expired.status).toBe(404);
    expect(expired.html).toBe(neutral);
    for (const word of [...NEVER, /Karim/, /Sanne/]) expect(neutral).not.toMatch(word);
    expect(await audit(a.referralId)).toEqual(expect.arrayContaining(['parentPage.refused']));
    expect(await audit(b.referralId)).toEqual(expect.arrayContaining(['parentPage.refused']));
    const security = [...(await h.bot.schakel.deps.securityLog.day(clock.now().toISOString().slice(0, 10))), ...(await h.bot.schakel.deps.securityLog.day(expiredDay))];
    const reasons = security.filter((s) => s.action === 'parentPage.open').map((s) => s.detail?.reason);
    expect(reasons).toEqual(expect.arrayContaining(['tampered', 'malformed', 'revoked', 'expired']));
    expect((await parent.open(a.link)).status).toBe(200);
  });

  it('1,000 guessed tokens: every one refused, and the budget answers 429 with Retry-After once it is spent', async () => {
    const { referralId } = await planned();
    const statuses = new Map<number, number>();
    let retryAfter: string | null = null;
    for (let i = 0; i < 1000; i++) {
      const guess = `${referralId}.${(i + 1_000_000).toString(36)}.${Buffer.from(`guess-${i}`.padEnd(32, '.')).toString('base64url')}.${Buffer.from(`mac-${i}`.padEnd(32, '.')).toString('base64url')}`;
      const res = await fetch(`${h.bot.schakel.url}/ouder/${guess}`);
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 429) retryAfter ??= res.headers.get('retry-after');
    }
    expect([...statuses.keys()].sort()).toEqual([404, 429]);
    expect(statuses.get(429)).toBeGreaterThan(500);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });
});
