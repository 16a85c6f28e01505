import { z } from 'zod';
import { renderFormCard, type FieldViewInput } from '../form/index.js';
import type { AdaptiveCardJson } from '../render.js';
import type { Translate } from '../referral/fields.js';
import { VERBS } from '../verbs.js';
import type { Referral } from '../../src/domain/referral.js';
import type { Wijkteam } from '../../src/domain/routing.js';
import type { FieldErrors } from '../../src/domain/validation.js';
import { intakeFacts, reviewFacts } from '../referral/summary.js';

/** What every intake button carries: the referral's id only; the handler reloads and the gate authorises. */
export const IntakeActionSchema = z.object({ referralId: z.string().uuid() });

/** Text as typed (anything else counts as empty); lengths are the domain's to check, beside the field. */
const typed = () => z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string());

/** "Doorverwijzen": the chosen wijkteam and the reason as typed (the domain checks them, errors beside the fields). */
export const RedirectSubmitSchema = IntakeActionSchema.extend({ redirectTo: typed(), redirectReason: typed() });

/** "Afwijzen": the reason and the advice as typed (the domain checks them, errors beside the fields). */
export const DeclineSubmitSchema = IntakeActionSchema.extend({ declineReason: typed(), declineAdvice: typed() });

function stateLine(tr: Translate, r: Referral, wijkteamName: (id: string) => string): string {
  switch (r.state) {
    case 'submitted':
      return tr('intake.waiting');
    case 'declined':
      return tr('intake.declinedBy', { name: r.decline?.by.name ?? '' });
    case 'draft':
      return tr('intake.withdrawnForAmend');
    case 'accepted':
      return r.caseManager ? tr('intake.takenBy', { name: r.caseManager.name }) : tr(`state.${r.state}`);
    default:
      // Later steps show where it stands too, so the channel card follows the referral.
      return r.caseManager ? `${tr('intake.takenBy', { name: r.caseManager.name })} · ${tr(`state.${r.state}`)}` : tr(`state.${r.state}`);
  }
}

/**
 * The card in the wijkteam channel: minimal data only (number, initials, age, school, urgency,
 * accept-by date), never a name or address. Everyone in the channel sees the same card.
 */
export function intakeCard(tr: Translate, r: Referral, today: string, wijkteamName: (id: string) => string, notice?: string, redirectedTo?: string): AdaptiveCardJson {
  const data = { referralId: r.referralId };
  const open = r.state === 'submitted' && !redirectedTo;
  return renderFormCard({
    // "Nieuwe aanmelding" only while it waits; afterwards the title says where it stands.
    title: tr(open ? 'intake.title' : 'intake.titleHandled', { number: r.number }),
    subtitle: redirectedTo ? tr('intake.redirectedTo', { wijkteam: wijkteamName(redirectedTo) }) : stateLine(tr, r, wijkteamName),
    notice: notice ? { text: notice, color: 'Warning', style: 'warning' } : undefined,
    facts: intakeFacts(tr, r, today),
    footer: tr('intake.footer'),
    // Three buttons in the row at most: redirecting and declining behind "Meer".
    actions: open
      ? [
          { verb: VERBS.intakeTakeOn, title: tr('intake.takeOn'), style: 'positive', data, validate: false },
          { verb: VERBS.intakeDetails, title: tr('intake.details'), data, validate: false },
        ]
      : [],
    more: open
      ? [
          { verb: VERBS.intakeRedirectForm, title: tr('intake.redirect'), data, validate: false },
          { verb: VERBS.intakeDeclineForm, title: tr('intake.decline'), style: 'destructive', data, validate: false },
        ]
      : [],
    moreLabel: tr('cards.more'),
  });
}

/** Full details for one authorised person (the invoke response is shown only to the person who clicked). */
export function detailsCard(tr: Translate, r: Referral): AdaptiveCardJson {
  const data = { referralId: r.referralId };
  return renderFormCard({
    title: tr('intake.detailsTitle', { number: r.number }),
    subtitle: tr('intake.detailsPrivate'),
    facts: reviewFacts(tr, r),
    actions: [
      ...(r.state === 'submitted' ? [{ verb: VERBS.intakeTakeOn, title: tr('intake.takeOn'), style: 'positive' as const, data, validate: false }] : []),
      { verb: VERBS.intakeShow, title: tr('intake.hideDetails'), data, validate: false },
    ],
  });
}

export function redirectForm(tr: Translate, r: Referral, wijkteams: Wijkteam[], values: Record<string, string> = {}, errors: FieldErrors = {}): AdaptiveCardJson {
  const data = { referralId: r.referralId };
  const fields: FieldViewInput[] = [
    { kind: 'choice', id: 'redirectTo', label: `${tr('intake.redirectTo')} *`, value: values.redirectTo ?? '', choices: wijkteams.filter((w) => w.id !== r.routing?.wijkteamId).map((w) => ({ title: w.name, value: w.id })), error: errors.redirectTo ? tr(errors.redirectTo) : '' },
    { kind: 'multiline', id: 'redirectReason', label: `${tr('intake.reason')} *`, value: values.redirectReason ?? '', maxLength: 1000, error: errors.redirectReason ? tr(errors.redirectReason) : '' },
  ];
  return renderFormCard({
    title: tr('intake.redirectTitle', { number: r.number }),
    fields,
    actions: [
      { verb: VERBS.intakeRedirect, title: tr('intake.redirectConfirm'), style: 'positive', data },
      { verb: VERBS.intakeShow, title: tr('intake.cancel'), data, validate: false },
    ],
  });
}

export function declineForm(tr: Translate, r: Referral, values: Record<string, string> = {}, errors: FieldErrors = {}): AdaptiveCardJson {
  const data = { referralId: r.referralId };
  return renderFormCard({
    title: tr('intake.declineTitle', { number: r.number }),
    fields: [
      { kind: 'multiline', id: 'declineReason', label: `${tr('intake.reason')} *`, value: values.declineReason ?? '', maxLength: 1000, error: errors.declineReason ? tr(errors.declineReason) : '' },
      { kind: 'multiline', id: 'declineAdvice', label: tr('intake.advice'), value: values.declineAdvice ?? '', maxLength: 1000, error: errors.declineAdvice ? tr(errors.declineAdvice) : '' },
    ],
    actions: [
      { verb: VERBS.intakeDecline, title: tr('intake.declineConfirm'), style: 'destructive', data },
      { verb: VERBS.intakeShow, title: tr('intake.cancel'), data, validate: false },
    ],
  });
}

/** 1:1 to the SMW'er when the wijkteam declined: reason, advice, and a way to amend and resend. */
export function declinedCard(tr: Translate, r: Referral): AdaptiveCardJson {
  return renderFormCard({
    title: tr('declined.title', { number: r.number }),
    facts: [
      { title: tr('intake.reason'), value: r.decline?.reason ?? '' },
      { title: tr('intake.advice'), value: r.decline?.advice || '—' },
      { title: tr('declined.by'), value: r.decline?.by.name ?? '' },
    ],
    actions: [{ verb: VERBS.amend, title: tr('declined.amend'), style: 'positive', data: { referralId: r.referralId }, validate: false }],
  });
}
