import { describe, expect, it } from 'vitest';
import { askToClose, retentionStep, warnDraft } from '../../src/domain/retention.js';
import { makeFullReferral } from '../support/factories.js';

const policy = { draftDays: 90, draftWarnDays: 14, openDays: 730 };
const zone = 'Europe/Amsterdam';
const draft = makeFullReferral({ state: 'draft', updatedAt: '2026-11-23T08:00:00.000Z' });
const now = (iso: string) => ({ at: new Date(iso), today: iso.slice(0, 10) });

describe('retention', () => {
  it('a draft: nothing before day 76, then a warning; deletion 90 days after the last change, never sooner than 14 days after the warning', () => {
    expect(retentionStep(draft, '2027-02-06', policy, zone)).toEqual({ kind: 'none' });
    expect(retentionStep(draft, '2027-02-07', policy, zone)).toEqual({ kind: 'warnDraft', deleteOn: '2027-02-21' });
    const warned = warnDraft(draft, now('2027-02-07T08:00:00.000Z'), policy, zone);
    expect(warned.ok && warned.value.updatedAt).toBe(draft.updatedAt);
    expect(warned.ok && warned.value.version).toBe(draft.version);
    expect(warned.ok && warned.effects).toEqual([{ kind: 'notifyPerson', aadObjectId: 'smw-1', messageKey: 'retention.draftWarning', params: { number: 'AM-7K3QX2', deleteOn: '21 februari 2027' }, referralId: draft.referralId }]);
    const value = warned.ok ? warned.value : draft;
    expect(retentionStep(value, '2027-02-20', policy, zone)).toEqual({ kind: 'none' });
    expect(retentionStep(value, '2027-02-21', policy, zone)).toEqual({ kind: 'deleteDraft' });
    // Found already old (a first run): warned first, deleted 14 days later.
    const old = { ...draft, updatedAt: '2026-01-01T08:00:00.000Z' };
    expect(retentionStep(old, '2027-02-07', policy, zone)).toEqual({ kind: 'warnDraft', deleteOn: '2027-02-21' });
    // Touched after the warning: the warning no longer counts.
    expect(retentionStep({ ...value, updatedAt: '2027-02-10T08:00:00.000Z' }, '2027-02-21', policy, zone)).toEqual({ kind: 'none' });
  });

  it('an open referral is asked to close once after 730 days without a change; closed ones never', () => {
    const open = makeFullReferral({ state: 'agreementsConfirmed', updatedAt: '2026-11-23T08:00:00.000Z', caseManager: { aadObjectId: 'cm-1', name: 'Karim' } });
    expect(retentionStep(open, '2028-11-21', policy, zone)).toEqual({ kind: 'none' });
    expect(retentionStep(open, '2028-11-22', policy, zone)).toEqual({ kind: 'askClose', since: '2026-11-23' });
    const asked = askToClose(open, now('2028-11-22T08:00:00.000Z'), policy, zone);
    expect(asked.ok && asked.effects?.map((e) => (e.kind === 'notifyPerson' ? e.aadObjectId : ''))).toEqual(['smw-1', 'cm-1']);
    expect(asked.ok && asked.events.map((e) => (e.type === 'audit' ? e.action : e.entry))).toEqual(['retention.closeAsked', 'retention.closeAsked']);
    expect(retentionStep(asked.ok ? asked.value : open, '2028-12-01', policy, zone)).toEqual({ kind: 'none' });
    expect(retentionStep({ ...open, state: 'closed' }, '2030-01-01', policy, zone)).toEqual({ kind: 'none' });
  });
});
