import { describe, expect, it } from 'vitest';
import { agreedDateMovedEffects } from '../../src/domain/agreedDateChanges.js';
import type { AgreementRescheduled, PlannedReminder } from '../../src/domain/reminders.js';
import { makeFullReferral } from '../support/factories.js';

const referral = makeFullReferral({ state: 'agreementsConfirmed', caseManager: { aadObjectId: 'aad-cm', name: 'Karim' } });
const event: AgreementRescheduled = {
  type: 'agreementRescheduled',
  referralId: referral.referralId,
  agreementId: 'feedback0',
  kind: 'feedback',
  label: 'Terugkoppeling aan SMW',
  from: { date: '2026-12-10', time: '10:00' },
  to: { date: '2026-12-15', time: '10:00' },
  by: 'caseManager',
  notify: ['smw', 'caseManager'],
};
const reminder = (id: string, dueAt: string): PlannedReminder => ({ id, referralId: referral.referralId, kind: 'agreementOnDay', dueAt, timeZone: 'Europe/Amsterdam', recipients: [], subject: { label: 'x', agreementId: 'feedback0' } });

describe('moving an agreed date, as effects', () => {
  const old = reminder('old', '2026-12-10T07:30:00.000Z');
  const next = reminder('new', '2026-12-15T07:30:00.000Z');

  it('replaces the reminders first, then tells each party in the agreement but the one who moved it', () => {
    const effects = agreedDateMovedEffects(referral, event, { aadObjectId: 'aad-cm', name: 'Karim', tenantId: 't' }, { cancel: [old], create: [next] });
    expect(effects).toEqual([
      { kind: 'replaceReminders', cancel: [{ id: 'old', dueAt: old.dueAt, referralId: referral.referralId }], create: [next] },
      { kind: 'tellDateMoved', role: 'smw', aadObjectId: referral.smw.aadObjectId, agreementId: 'feedback0', label: event.label, from: event.from, to: event.to },
    ]);
  });

  it('moved by the SMW\'er, the casusregisseur is told and she is not; nobody outside the agreement is', () => {
    const effects = agreedDateMovedEffects(referral, { ...event, by: 'smw' }, { aadObjectId: referral.smw.aadObjectId, name: 'S', tenantId: 't' }, { cancel: [], create: [next] });
    expect(effects.filter((e) => e.kind === 'tellDateMoved').map((e) => (e.kind === 'tellDateMoved' ? e.aadObjectId : ''))).toEqual(['aad-cm']);
    const none = agreedDateMovedEffects(referral, { ...event, notify: [] }, { aadObjectId: 'aad-cm', name: 'Karim', tenantId: 't' }, { cancel: [], create: [] });
    expect(none.map((e) => e.kind)).toEqual(['replaceReminders']);
  });
});
