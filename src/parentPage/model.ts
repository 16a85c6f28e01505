import { DateTime } from 'luxon';
import { confirmedAgreements } from '../domain/agreementHistory.js';
import { PARENT_AVAILABILITY_CHOICES, PARENT_LANGS, type ParentLang } from '../domain/parentLink.js';
import type { Referral } from '../domain/referral.js';
import { isParentLang, languageName, pageText } from './i18n.js';
import type { PageModel } from './render.js';
import { handoverWork } from '../domain/handoverFlow.js';

/** Everything the page may say, picked from the referral: dates, names of the professionals, the wijkteam. */
export interface ModelInput {
  r: Referral;
  lang: ParentLang;
  path: string;
  formToken: string;
  zone: string;
  today: string;
  now: Date;
  wijkteamName: string;
  notice?: PageModel['notice'];
  errors?: { pick?: string; availability?: string; question?: string };
  questionValue?: string;
}

/** The page's language: asked for in the address, else the home language the aanmelding records, else Dutch. */
export function langFor(r: Referral | undefined, asked: unknown): ParentLang {
  if (isParentLang(asked)) return asked;
  const home = r?.sections.parents?.homeLanguage;
  return isParentLang(home) ? home : 'nl';
}

const PLANNING = new Set<Referral['state']>(['accepted', 'handoverScheduled']);

/** "dinsdag 24 november 2026, 08:30–09:30" in the page's language. */
export const timeRange = (lang: ParentLang, zone: string, start: string, end: string): string =>
  `${DateTime.fromISO(start, { zone }).setLocale(lang).toFormat('cccc d LLLL yyyy, HH:mm')}–${DateTime.fromISO(end, { zone }).toFormat('HH:mm')}`;

export function buildModel(input: ModelInput): PageModel {
  const { r, lang, zone } = input;
  const t = pageText(lang);
  const date = (iso: string) => DateTime.fromISO(iso, { zone }).setLocale(lang).toFormat('cccc d LLLL yyyy');
  const when = (start: string, end: string) => timeRange(lang, zone, start, end);
  const h = r.handover;
  const meeting = h?.meeting;
  const record = confirmedAgreements(h?.agreements ?? []);
  const confirmed = record && (r.state === 'agreementsConfirmed' || r.state === 'aftercare') ? record : undefined;
  const page = r.parentPage ?? { answers: [] };

  const next: string[] = [];
  if (meeting && Date.parse(meeting.end) > input.now.getTime()) next.push(t('next.meeting', { when: when(meeting.start, meeting.end) }));
  if (confirmed) {
    const a = confirmed.agreements;
    if (a.evaluation.date >= input.today) next.push(t('next.evaluation', { date: date(a.evaluation.date) }));
    if (a.aftercare.until >= input.today) next.push(t('next.aftercare', { date: date(a.aftercare.until) }));
  }

  const contact = [
    ...(r.caseManager ? [t('contact.caseManager', { name: r.caseManager.name, wijkteam: input.wijkteamName })] : []),
    t('contact.smw', { name: r.smw.name }),
  ];

  const planning = PLANNING.has(r.state);
  const form = h?.request?.meetingForm ?? 'school';
  const booked = meeting && !confirmed ? t('booked.text', { when: when(meeting.start, meeting.end), where: t(`where.${form}`) }) : undefined;
  const proposals = h?.proposals ?? [];
  // While a booking is on its way (the notice says so) no second choice is offered.
  const booking = handoverWork(r)?.kind === 'bookMeeting';
  const pick = planning && !booking && (proposals.length > 0 || !meeting)
    ? { slots: proposals.map((p) => ({ id: p.slotId, label: when(p.start, p.end) })), ...(input.errors?.pick ? { error: input.errors.pick } : {}) }
    : undefined;

  const label = (choice: string) => {
    const [day, part] = choice.split('-');
    return `${t(`day.${day}`)} ${t(`part.${part}`)}`;
  };
  const chosen = new Set((page.availability?.weekly ?? []).map((w) => `${w.weekday}-${w.part}`));
  const availability = planning && !meeting
    ? {
        choices: PARENT_AVAILABILITY_CHOICES.map((value) => ({ value, label: label(value), checked: chosen.has(value) })),
        ...(chosen.size ? { current: t('avail.current', { parts: [...chosen].map(label).join(', ') }) } : {}),
        ...(input.errors?.availability ? { error: input.errors.availability } : {}),
      }
    : undefined;

  let agreements: PageModel['agreements'];
  if (confirmed) {
    const a = confirmed.agreements;
    const how = t(h?.request?.parent.phone ? 'how.phone' : 'how.email');
    agreements = {
      lines: [
        ...(r.caseManager ? [t('agreements.contact', { name: r.caseManager.name, how })] : []),
        t(a.evaluation.with.includes('parent') ? 'agreements.evaluationWith' : 'agreements.evaluation', { date: date(a.evaluation.date) }),
        t('agreements.aftercare', { date: date(a.aftercare.until), who: t(`who.${a.aftercare.who}`) }),
      ],
      aftercareMeaning: t('agreements.aftercareMeaning'),
      agreed: page.answers.some((x) => x.kind === 'agree' && x.agreementsVersion === confirmed.version),
      questions: page.answers.filter((x) => x.kind === 'question' && x.text).map((x) => ({ text: x.text ?? '', ...(x.reply ? { reply: { text: x.reply.text, by: x.reply.by } } : {}) })),
      canAnswer: true,
      ...(input.questionValue !== undefined ? { questionValue: input.questionValue } : {}),
      ...(input.errors?.question ? { error: input.errors.question } : {}),
    };
  }

  return {
    lang,
    path: input.path,
    formToken: input.formToken,
    languages: PARENT_LANGS.map((l) => ({ lang: l, name: languageName(l), href: `${input.path}?taal=${l}` })),
    ...(input.notice ? { notice: input.notice } : {}),
    next,
    contact,
    ...(pick ? { pick } : {}),
    ...(booked ? { booked } : {}),
    ...(availability ? { availability } : {}),
    ...(agreements ? { agreements } : {}),
  };
}
