import { agreedDates, confirmedAgreements } from './agreementHistory.js';
import { refuse, type Decision } from './decision.js';
import type { Now } from './draft.js';
import type { EffectRequest } from './effects.js';
import type { Referral } from './referral.js';
import { partiesOf } from './referralParties.js';
import type { AgreementRescheduled, PlannedReminder } from './reminders.js';
import type { Actor, AgreedDate } from './types.js';
import type { AgreedDateChange } from './records.js';
export type { AgreedDateChange } from './records.js';

/** The dated agreements of the confirmed version with later moves applied; empty before a confirmation. */
export function effectiveAgreedDates(r: Referral, record = confirmedAgreements(r.handover?.agreements ?? [])): { version: number; dates: AgreedDate[] } | undefined {
  if (!record) return undefined;
  const changes = (r.handover?.dateChanges ?? []).filter((c) => c.agreementsVersion === record.version);
  const dates = agreedDates(record).map((d): AgreedDate => {
    const last = changes.filter((c) => c.agreementId === d.agreementId).at(-1);
    if (!last) return d;
    const moved: AgreedDate = { ...d, date: last.to.date };
    if (last.to.time) moved.time = last.to.time;
    else delete moved.time;
    return moved;
  });
  return { version: record.version, dates };
}

/** Records a move decided by `rescheduleAgreement`; refused when the agreements changed meanwhile. */
export function recordAgreedDateChange(r: Referral, actor: Actor, change: Omit<AgreedDateChange, 'by' | 'at'>, now: Now): Decision<Referral> {
  if (!r.handover || (r.state !== 'agreementsConfirmed' && r.state !== 'aftercare')) return refuse('invalidState');
  const current = effectiveAgreedDates(r);
  if (!current || current.version !== change.agreementsVersion) return refuse('stale');
  const at = now.at.toISOString();
  const recorded: AgreedDateChange = { ...change, by: actor.aadObjectId, at };
  return {
    ok: true,
    value: { ...r, handover: { ...r.handover, dateChanges: [...(r.handover.dateChanges ?? []), recorded] }, version: r.version + 1, updatedAt: at },
    events: [
      { type: 'timeline', entry: 'agreement.rescheduled', detail: { agreementId: change.agreementId, from: change.from.date, to: change.to.date } },
      { type: 'audit', action: 'agreement.rescheduled', detail: { agreementId: change.agreementId, role: change.byRole } },
    ],
  };
}

/**
 * What moving an agreed date sets off, as effects: its reminders replaced by those planned for the
 * new date, then everyone in the agreement told (`event.notify`) except the one who moved it —
 * professionals in Teams, anyone else with an e-mail address by mail. Nobody is told inline.
 */
export function agreedDateMovedEffects(r: Referral, event: AgreementRescheduled, actor: Actor, reminders: { cancel: PlannedReminder[]; create: PlannedReminder[] }): EffectRequest[] {
  const told: EffectRequest[] = [];
  const about = { agreementId: event.agreementId, label: event.label, from: event.from, to: event.to };
  for (const party of partiesOf(r)) {
    if (!event.notify.includes(party.role)) continue;
    if (party.professional) {
      if (party.professional.aadObjectId !== actor.aadObjectId) told.push({ kind: 'tellDateMoved', role: party.role, aadObjectId: party.professional.aadObjectId, ...about });
    } else if (party.contact?.email) {
      told.push({ kind: 'tellDateMoved', role: party.role, ...about });
    }
  }
  return [{ kind: 'replaceReminders', cancel: reminders.cancel.map(({ id, dueAt, referralId }) => ({ id, dueAt, referralId })), create: reminders.create }, ...told];
}
