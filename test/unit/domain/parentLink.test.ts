import { describe, expect, it } from 'vitest';
import { bookSlotForParent, emptyHandover, mayParentPick, PARENT_BOOKER } from '../../../src/domain/handoverFlow.js';
import {
  answerAgreements,
  checkParentLink,
  enableParentLink,
  issueParentLink,
  linkBlocked,
  needsNewLink,
  replyToParent,
  setParentAvailability,
} from '../../../src/domain/parentLink.js';
import type { Referral } from '../../../src/domain/referral.js';
import { ParentLinkKeys } from '../../../src/parentPage/token.js';
import { makeFullReferral } from '../../support/factories.js';

const now = { at: new Date('2026-11-23T08:00:00Z'), today: '2026-11-23' };
const smw = { aadObjectId: 'smw-1', name: 'Sanne Smit', tenantId: 'tenant' };
const cm = { aadObjectId: 'cm-1', name: 'Karim Wijkteam', tenantId: 'tenant' };
const parent = { name: 'Fatima de Vries', email: 'fatima@example.org' };

function planning(extra: Partial<Referral> = {}): Referral {
  const base = makeFullReferral({ tenantId: 'tenant', state: 'accepted', smw: { aadObjectId: smw.aadObjectId, name: smw.name }, caseManager: { aadObjectId: cm.aadObjectId, name: cm.name } });
  return {
    ...base,
    handover: {
      ...emptyHandover(),
      request: { availability: { weekly: [], windows: [] }, meetingForm: 'school', durationMinutes: 60, pupilJoins: false, parent },
      proposals: [{ slotId: '1-0', start: '2026-11-24T07:30:00.000Z', end: '2026-11-24T08:30:00.000Z' }],
      round: 1,
    },
    ...extra,
  };
}

const issued = (r: Referral, hash = 'h1') => {
  const d = issueParentLink(r, { hash, contactKey: 'c1', expiresAt: '2027-01-22T08:00:00.000Z', reason: 'proposals' }, now);
  if (!d.ok) throw new Error(d.code);
  return d.value;
};

describe('parent link rules', () => {
  it('a link opens only with the current hash, before its expiry, while the referral is open', () => {
    const r = issued(planning());
    expect(checkParentLink(r, 'h1', now)).toEqual({ ok: true });
    expect(checkParentLink(issued(r, 'h2'), 'h1', now)).toEqual({ ok: false, reason: 'revoked' });
    expect(checkParentLink(r, 'h1', { at: new Date('2027-01-22T08:00:00Z'), today: '2027-01-22' })).toEqual({ ok: false, reason: 'expired' });
    expect(checkParentLink({ ...r, state: 'closed' }, 'h1', now)).toEqual({ ok: false, reason: 'closed' });
    expect(checkParentLink(planning(), 'h1', now)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('a legal ground without consent blocks the link until the casusregisseur enables it; the SMW\'er cannot', () => {
    const ground = planning({ sections: { ...planning().sections, consent: { legalGround: 'meldcode', legalGroundExplanation: 'stap 5' } } });
    expect(linkBlocked(ground)).toBe('legalGround');
    expect(issueParentLink(ground, { hash: 'h', contactKey: 'c', expiresAt: '2027-01-01T00:00:00.000Z', reason: 'proposals' }, now)).toMatchObject({ ok: false, code: 'notAllowed' });
    expect(enableParentLink(ground, smw, now)).toMatchObject({ ok: false, code: 'notAllowed' });
    const enabled = enableParentLink(ground, cm, now);
    expect(enabled.ok && linkBlocked(enabled.value)).toBeUndefined();
  });

  it('proposals keep an active link for the same contact; a changed contact or the agreements make a new one', () => {
    const r = issued(planning());
    expect(needsNewLink(r, 'proposals', 'c1', now)).toBe(false);
    expect(needsNewLink(r, 'proposals', 'c2', now)).toBe(true);
    expect(needsNewLink(r, 'agreements', 'c1', now)).toBe(true);
  });

  it('a parent picks only a current proposal while booking is possible; the meeting says the parent booked it', () => {
    const r = planning();
    expect(mayParentPick(r, '9-9')).toMatchObject({ ok: false, code: 'stale' });
    expect(mayParentPick({ ...r, state: 'agreementsConfirmed' }, '1-0')).toMatchObject({ ok: false, code: 'invalidState' });
    const booked = bookSlotForParent(r, '1-0', { via: 'ical', uid: 'u' }, now);
    expect(booked.ok && booked.value.handover?.meeting?.bookedBy).toBe(PARENT_BOOKER);
    expect(booked.ok && booked.value.state).toBe('handoverScheduled');
    expect(booked.ok && booked.events.map((e) => (e.type === 'timeline' ? e.entry : e.action))).toContain('handover.parentPicked');
  });

  it('availability only while planning; answers only to confirmed agreements; replies only by the casusregisseur', () => {
    expect(setParentAvailability(planning(), [], now)).toMatchObject({ ok: false, code: 'invalid' });
    const saved = setParentAvailability(planning(), [{ weekday: 1, part: 'ochtend' }], now);
    expect(saved.ok && saved.effects).toEqual([{ kind: 'refreshHandoverCards' }]);
    expect(answerAgreements(planning(), { kind: 'agree' }, now)).toMatchObject({ ok: false, code: 'invalidState' });
    const question = { id: 'a1', kind: 'question' as const, agreementsVersion: 1, text: 'Vraag?', at: now.at.toISOString() };
    const withQuestion = planning({ parentPage: { answers: [question] } });
    expect(replyToParent(withQuestion, smw, { answerId: 'a1', text: 'Ja' }, now)).toMatchObject({ ok: false, code: 'notAllowed' });
    const replied = replyToParent(withQuestion, cm, { answerId: 'a1', text: 'Ja' }, now);
    expect(replied.ok && replied.value.parentPage?.answers[0]?.reply).toMatchObject({ text: 'Ja', by: 'Karim Wijkteam' });
  });
});

describe('parent link tokens', () => {
  const keys = new ParentLinkKeys(Buffer.alloc(32, 7));
  const id = '8ecb8669-2600-46e0-8b77-0670cc411c61';

  it('a token carries the referral and expiry, checks out by its MAC, and only its hash is meant to be stored', () => {
    const { token, hash } = keys.issue(id, new Date('2027-01-22T08:00:00Z'));
    const parsed = keys.parse(token);
    expect(parsed).toEqual({ ok: true, token: { referralId: id, expiresAt: Date.parse('2027-01-22T08:00:00Z'), hash } });
    expect(hash).not.toContain(token.split('.')[2]);
    expect(keys.issue(id, new Date('2027-01-22T08:00:00Z')).token).not.toBe(token);
  });

  it('any changed part, another key or another shape is refused', () => {
    const { token } = keys.issue(id, new Date('2027-01-22T08:00:00Z'));
    const parts = token.split('.');
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    for (let i = 1; i < 4; i++) {
      const changed = parts.map((p, j) => (j === i ? flip(p) : p)).join('.');
      expect(keys.parse(changed).ok, `part ${i}`).toBe(false);
    }
    expect(new ParentLinkKeys(Buffer.alloc(32, 8)).parse(token)).toMatchObject({ ok: false, reason: 'tampered' });
    expect(keys.parse(parts.slice(0, 3).join('.'))).toMatchObject({ ok: false, reason: 'malformed' });
    expect(keys.parse('')).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('form tokens are bound to the link token and the cookie nonce', () => {
    const { token } = keys.issue(id, new Date('2027-01-22T08:00:00Z'));
    const form = keys.formToken(token, 'nonce-1');
    expect(keys.checkForm(token, 'nonce-1', form)).toBe(true);
    expect(keys.checkForm(token, 'nonce-2', form)).toBe(false);
    expect(keys.checkForm(keys.issue(id, new Date('2027-01-22T08:00:00Z')).token, 'nonce-1', form)).toBe(false);
  });
});
