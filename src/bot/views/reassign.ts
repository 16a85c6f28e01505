import type { AdaptiveCardJson } from '../../../cards/render.js';
import { renderReassignCard } from '../../../cards/reassign/index.js';
import type { Translate } from '../../../cards/referral/fields.js';
import { VERBS } from '../../../cards/verbs.js';
import type { ReassignRole } from '../../domain/reassign.js';
import type { Referral } from '../../domain/referral.js';

/**
 * "Overdragen": choose the colleague (the Teams people picker over the organisation's users; its
 * value is the Entra object id — an id may also be typed, e.g. locally), the role and the reason.
 */
export function reassignCard(tr: Translate, r: Referral, roles: readonly ReassignRole[], notice?: string): AdaptiveCardJson {
  const current = (role: ReassignRole) => (role === 'smw' ? r.smw.name : r.caseManager?.name ?? '—');
  return renderReassignCard({
    title: tr('reassign.title', { number: r.number }),
    notice: notice ?? '',
    noticeColor: notice ? 'Attention' : 'Default',
    form: true,
    referralId: r.referralId,
    verb: VERBS.reassign,
    roleLabel: tr('reassign.role'),
    roleValue: roles[0] ?? '',
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
