import { describe, expect, it } from 'vitest';
import { saveSection } from '../../src/domain/draft.js';
import { initialsOf, referralNumber } from '../../src/domain/referral.js';
import { pupilSchema } from '../../src/domain/sections/pupil.js';
import { validate } from '../../src/domain/validation.js';

const today = '2026-11-23';
const valid = {
  firstNames: 'Noa',
  surname: 'de Vries',
  dateOfBirth: '2015-03-14',
  postcode: '3011 ab',
  houseNumber: '12',
  school: 'OBS De Regenboog',
  group: 'groep 6',
};

describe('pupil section schema', () => {
  it('accepts a complete section and normalises postcode and toggles', () => {
    const r = validate(pupilSchema(today), { ...valid, interpreterNeeded: 'true', gender: '' });
    expect(r).toEqual({ ok: true, value: expect.objectContaining({ postcode: '3011 AB', interpreterNeeded: true, gender: undefined }) });
  });

  it.each([
    ['postcode', '301 AB', 'v.postcode'],
    ['postcode', '3011 SS', 'v.postcode'],
    ['postcode', '', 'v.required'],
    ['houseNumber', 'twaalf', 'v.houseNumber'],
    ['dateOfBirth', '2026-11-24', 'v.dateInFuture'],
    ['dateOfBirth', '14-03-2015', 'v.date'],
    ['dateOfBirth', '2024-01-01', 'v.schoolAge'],
    ['dateOfBirth', '1990-01-01', 'v.schoolAge'],
    ['surname', '   ', 'v.required'],
    ['school', 'x'.repeat(151), 'v.tooLong'],
    ['gender', 'onbekend', 'v.choose'],
  ])('reports %s = %j as %s on that field', (field, value, key) => {
    const r = validate(pupilSchema(today), { ...valid, [field]: value });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[field]).toBe(key);
  });

  it('accepts the 4th birthday and refuses the day before it', () => {
    expect(validate(pupilSchema(today), { ...valid, dateOfBirth: '2022-11-23' }).ok).toBe(true);
    expect(validate(pupilSchema(today), { ...valid, dateOfBirth: '2022-11-24' }).ok).toBe(false);
  });
});

describe('saveSection', () => {
  const actor = { aadObjectId: 'smw-1', name: 'Sanne', tenantId: 't1' };
  const now = { now: { at: new Date('2026-11-23T09:00:00Z'), today }, instruments: { etmOutcomes: ['x'], lirikOutcomes: ['y'] } };
  const first = saveSection(undefined, actor, { type: 'saveSection', section: 'pupil', input: valid, expectedVersion: 0, referralId: '0f8fad5b-d9cb-469f-a165-70867728950e' }, now);

  it('creates a draft owned by the actor at version 1', () => {
    expect(first).toMatchObject({ ok: true, value: { state: 'draft', version: 1, smw: { aadObjectId: 'smw-1' }, number: referralNumber('0f8fad5b-d9cb-469f-a165-70867728950e') } });
  });

  it('refuses a stale version, accepts an identical repeat, and refuses other people', () => {
    if (!first.ok) throw new Error('setup');
    const cmd = { type: 'saveSection' as const, section: 'pupil' as const, referralId: first.value.referralId };
    expect(saveSection(first.value, actor, { ...cmd, input: { ...valid, group: '7' }, expectedVersion: 0 }, now)).toMatchObject({ ok: false, code: 'stale' });
    expect(saveSection(first.value, actor, { ...cmd, input: valid, expectedVersion: 0 }, now)).toMatchObject({ ok: true, unchanged: true });
    expect(saveSection(first.value, { ...actor, aadObjectId: 'x' }, { ...cmd, input: valid, expectedVersion: 1 }, now)).toMatchObject({ ok: false, code: 'notAllowed' });
    expect(saveSection(first.value, actor, { ...cmd, input: { ...valid, group: '7' }, expectedVersion: 1 }, now)).toMatchObject({ ok: true, value: { version: 2 } });
  });
});

describe('names kept out of shared places', () => {
  it('derives initials', () => {
    expect(initialsOf('Noa Maria', 'de Vries')).toBe('N.M.d.V.');
    expect(initialsOf('jan karel', 'van der Berg')).toBe('J.K.v.d.B.');
    expect(initialsOf('Ayşe', 'El Amrani')).toBe('A.E.A.');
    expect(referralNumber('0f8fad5b-d9cb-469f-a165-70867728950e')).toMatch(/^AM-[0-9A-Z]{6}$/);
  });
});
