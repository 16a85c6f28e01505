import type { AdaptiveCardJson } from '../render.js';
import { renderReassignCard } from './index.js';
import type { Translate } from '../referral/fields.js';
import { VERBS } from '../verbs.js';
import type { ReassignRole } from '../../src/domain/reassign.js';
import type { Referral } from '../../src/domain/referral.js';

/**
 * "Overdragen": choose the colleague (the Teams people picker over the organisation's users; its
 * value is the Entra object id — an id may also be typed, e.g. locally), the role and the reason.
 */
/** What was submitted and what was refused, so the card comes back with the typed values and the error beside its field. */
export interface ReassignInput {
  values: { role?: string; to?: string; toId?: string; toName?: string; reason?: string };
  /** Message keys per field (`to`, `reason`), as the domain refused them. */
  errors: Record<string, string>;
}

export function reassignCard(tr: Translate, r: Referral, roles: readonly ReassignRole[], notice?: string, input?: ReassignInput): AdaptiveCardJson {
  const current = (role: ReassignRole) => (role === 'smw' ? r.smw.name : r.caseManager?.name ?? '—');
  const v = input?.values ?? {};
  const e = input?.errors ?? {};
  const picked = v.to?.trim() ?? '';
  return renderReassignCard({
    title: tr('reassign.title', { number: r.number }),
    notice: notice ?? '',
    noticeColor: notice ? 'Attention' : 'Default',
    form: true,
    referralId: r.referralId,
    verb: VERBS.reassign,
    roleLabel: tr('reassign.role'),
    roleValue: v.role && roles.includes(v.role as ReassignRole) ? v.role : (roles[0] ?? ''),
    toValue: picked,
    toChoices: picked ? [{ title: v.toName?.trim() || picked, value: picked }] : [],
    toIdValue: v.toId ?? '',
    toNameValue: v.toName ?? '',
    reasonValue: v.reason ?? '',
    toError: e.to ? tr(e.to) : '',
    errorOn: picked ? 'to' : 'toId',
    reasonError: e.reason ? tr(e.reason) : '',
    roles: roles.map((role) => ({ title: tr(`reassign.role.${role}`, { name: current(role) }), value: role })),
    toLabel: tr('reassign.to'),
    toIdLabel: tr('reassign.toId'),
    toNameLabel: tr('reassign.toName'),
    reasonLabel: tr('reassign.reason'),
    required: tr('v.required'),
    submit: tr('reassign.submit'),
  });
}

/** The answer after a hand-over: who has the case now. */
export function reassignedCard(tr: Translate, r: Referral, role: ReassignRole, toName: string): AdaptiveCardJson {
  return renderReassignCard({ title: tr('reassign.title', { number: r.number }), notice: tr(`reassign.done.${role}`, { name: toName }), noticeColor: 'Good', form: false });
}
