import type { Translate } from './fields.js';
import { initialsOf, type Referral } from '../../src/domain/referral.js';
import { consentRecords } from '../../src/domain/sections/consent.js';
import { parentsOf } from '../../src/domain/sections/parents.js';
import { ageOn } from '../../src/domain/sections/pupil.js';
import { formatDate, formatPhone } from '../../src/i18n/format.js';
import type { Lang } from '../../src/i18n/index.js';

export type Fact = { title: string; value: string };

const yes = (tr: Translate, v: boolean | undefined) => tr(v ? 'referral.yesNo.ja' : 'referral.yesNo.nee');
/** The language a translator speaks (its catalogue answers `lang`). */
const langOfTr = (tr: Translate): Lang => (tr('lang') === 'en' ? 'en' : 'nl');
/** Labels carry hints for the person filling in the form; a summary shows the plain label. */
const plainLabel = (label: string) => label.replace(/\s*\((optioneel|optional|bepaalt het wijkteam|decides the wijkteam)\)/gi, '');
const ZONE = 'Europe/Amsterdam';

/** All answers, for the SMW'er's review and for authorised people (never for a channel). */
export function reviewFacts(tr: Translate, r: Referral): Fact[] {
  const facts: Fact[] = [];
  const lang = langOfTr(tr);
  const date = (iso: string | undefined) => (iso ? formatDate(iso, lang, ZONE, 'short') : '');
  const add = (titleKey: string, value: string | undefined) => {
    if (value) facts.push({ title: plainLabel(tr(titleKey)), value });
  };
  const p = r.sections.pupil;
  if (p) {
    add('referral.pupil.title', `${p.firstNames} ${p.surname} (${date(p.dateOfBirth)})`);
    add('referral.pupil.postcode', `${p.postcode} ${p.houseNumber}`);
    add('referral.pupil.school', `${p.school}, ${p.group}`);
    add('referral.pupil.homeLanguages', p.homeLanguages);
    if (p.interpreterNeeded) add('referral.pupil.interpreter', tr('referral.pupil.interpreter.title'));
  }
  for (const parent of parentsOf(r.sections.parents)) {
    add(
      'referral.parents.title',
      `${parent.name} (${tr(`referral.parents.relation.${parent.relation}`)}; ${tr('referral.parents.authority')}: ${tr(`referral.yesNoUnknown.${parent.authority}`)}) ${[parent.phone ? formatPhone(parent.phone) : '', parent.email].filter(Boolean).join(' · ')}`,
    );
  }
  const q = r.sections.request;
  if (q) {
    add('referral.request.reason', q.reason);
    add('referral.request.question', q.question);
    add('referral.request.lifeAreas', q.lifeAreas.map((a) => tr(`referral.lifeArea.${a}`)).join(', '));
    add('referral.request.alreadyDone', q.alreadyDone);
    add('referral.request.strengths', q.strengths);
    add('referral.request.wishes', q.wishes);
    add('referral.request.otherProfessionals', q.otherProfessionals);
  }
  const s = r.sections.safety;
  if (s) {
    add('referral.safety.concerns', `${tr(`referral.yesNoUnknown.${s.safetyConcerns}`)}${s.safetyExplanation ? ` — ${s.safetyExplanation}` : ''}`);
    if (s.etmUsed) add('referral.safety.etmOutcome', `${s.etmOutcome ?? ''} (${date(s.etmDate)})`);
    if (s.lirikUsed) add('referral.safety.lirikOutcome', `${s.lirikOutcome ?? ''} (${date(s.lirikDate)})`);
    add('referral.safety.meldcode', tr(`referral.yesNo.${s.meldcode}`));
    add('referral.safety.sisa', tr(`referral.yesNoUnknown.${s.sisa}`));
    add('referral.safety.urgency', `${tr(`referral.urgency.${s.urgency}`)}${s.urgencyReason ? ` — ${s.urgencyReason}` : ''}`);
  }
  const c = r.sections.consent;
  if (c) {
    const parents = parentsOf(r.sections.parents);
    for (const rec of consentRecords(c, parents)) {
      if (!rec.wijkteam && !rec.schoolContact) continue;
      const who = rec.who === 'pupil' ? tr('referral.consent.pupil') : tr('referral.consent.parent', { name: parents.find((x) => `parent${x.slot}` === rec.who)?.name ?? '' });
      facts.push({ title: who, value: `${tr('referral.consent.wijkteam')}: ${yes(tr, rec.wijkteam)}; ${tr('referral.consent.school')}: ${yes(tr, rec.schoolContact)} (${rec.how ? tr(`referral.consent.how.${rec.how}`) : ''}, ${date(rec.date)})` });
    }
    if (c.legalGround && c.legalGround !== 'geen') add('referral.consent.legalGround', `${tr(`referral.consent.ground.${String(c.legalGround)}`)} — ${String(c.legalGroundExplanation ?? '')}`);
  }
  return facts;
}

/**
 * The minimum a channel may show (DESIGN.md privacy): number, initials, age, school, urgency.
 * No name, no address, no free text.
 */
export function intakeFacts(tr: Translate, r: Referral, today: string): Fact[] {
  const p = r.sections.pupil;
  const urgency = r.sections.safety?.urgency ?? 'normaal';
  return [
    { title: tr('intake.number'), value: r.number },
    { title: tr('intake.initials'), value: p ? initialsOf(p.firstNames, p.surname) : '' },
    { title: tr('intake.age'), value: p ? tr('intake.years', { age: ageOn(p.dateOfBirth, today) }) : '' },
    { title: tr('intake.school'), value: p?.school ?? '' },
    { title: tr('intake.urgency'), value: tr(`referral.urgency.${urgency}`) },
    { title: tr('intake.acceptBy'), value: r.acceptBy ? formatDate(r.acceptBy, langOfTr(tr), ZONE) : '' },
    { title: tr('intake.smw'), value: r.smw.name },
  ];
}
