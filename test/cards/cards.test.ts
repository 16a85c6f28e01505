import { describe, expect, it } from 'vitest';
import { missingKeys } from '../../src/i18n/index.js';
import { lintCard } from '../support/cardLint.js';
import { elements, texts } from '../support/cards.js';
import { sampleCards } from './samples.js';

describe('every card renders as Adaptive Cards 1.5 that Teams accepts', () => {
  const cards = sampleCards();
  it.each(Object.keys(cards))('%s', (name) => {
    expect(lintCard(cards[name] as Record<string, unknown>)).toEqual([]);
  });

  it('the linter itself catches the mistakes it is there for', () => {
    const bad = {
      type: 'AdaptiveCard',
      version: '1.5',
      body: [
        { type: 'Input.Text', id: 'a' },
        { type: 'Input.Text', id: 'a', label: 'dup' },
        { type: 'TextBlock', text: '${notBound}' },
        { type: 'Carousel', pages: [] },
      ],
      actions: [{ type: 'Action.Execute', title: 'x' }],
    };
    const problems = lintCard(bad).join('\n');
    expect(problems).toMatch(/Action.Execute without verb/);
    expect(problems).toMatch(/unresolved/);
    expect(problems).toMatch(/Carousel/);
    expect(problems).toMatch(/no label/);
    expect(problems).toMatch(/[Dd]uplicate/);
  });

  it('a reminder card says which case and what to do, with at most three buttons in a row', () => {
    const reminders = Object.entries(cards).filter(([name]) => /\/reminder-/.test(name));
    expect(reminders.length).toBeGreaterThanOrEqual(8);
    for (const [name, card] of reminders) {
      expect(texts(card).join(' '), name).toContain('AM-7K3QX2 · N.M.d.V. · OBS De Regenboog');
      expect(((card.actions ?? []) as unknown[]).length, name).toBeLessThanOrEqual(3);
    }
  });

  it('a case card says which case, where it stands, who is next and the norm clock, with at most three buttons in a row', () => {
    const cases = Object.entries(cards).filter(([name]) => /\/case-/.test(name));
    expect(cases.length).toBeGreaterThanOrEqual(20);
    for (const [name, card] of cases) {
      const text = texts(card).join(' ');
      expect(text, name).toMatch(/Aanmelding AM-|Referral AM-/);
      expect(text, name).toContain('N.M.d.V. · OBS De Regenboog · Wijkteam Feijenoord');
      expect(((card.actions ?? []) as unknown[]).length, name).toBeLessThanOrEqual(3);
    }
    const nl = (name: string) => texts(cards[`nl/${name}`]).join(' ') + JSON.stringify(elements(cards[`nl/${name}`]).filter((e) => e.type === 'FactSet'));
    expect(nl('case-submitted-smw')).toContain('Aanmelding accepteren: nog 2 werkdagen');
    expect(nl('case-submitted-smw')).toContain('Wijkteam Feijenoord — afgeleverd in het kanaal');
    expect(nl('case-submitted-retrying-smw')).toContain('nog niet afgeleverd');
    expect(nl('case-accepted-cm')).toContain('Warme overdracht houden: termijn verstreken');
    expect(nl('case-accepted-smw')).toContain('Planningskaart aan Karim Wijkteam: niet afgeleverd');
    expect(nl('case-scheduled-cm')).toContain('E-mail aan de ouder: klaar in de outbox — nog niet verstuurd');
    expect(nl('case-held-cm')).toContain('Afspraken vastleggen en bevestigen');
    // Only what the access matrix allows: the agreements are the casusregisseur's, never the SMW'er's.
    const verbs = (name: string) => JSON.stringify(cards[`nl/${name}`]?.actions ?? []);
    expect(verbs('case-held-cm')).toContain('handover.agreements.open');
    expect(verbs('case-confirmed-smw')).not.toContain('handover.agreements.open');
    expect(verbs('case-declined-smw')).toContain('referral.amend');
    // More than three: two in the row and the rest behind "Meer".
    expect(JSON.stringify(cards['nl/case-confirmed-cm']?.actions)).toContain('Action.ShowCard');
  });

  it('the agreements card shows one feedback slot, and further ones on demand (kept open once filled)', () => {
    const rowOf = (card: unknown, id: string) => elements(card).find((e) => e.type === 'Container' && JSON.stringify(e.items ?? []).includes(`"id":"${id}"`));
    const visible = (card: unknown, id: string) => rowOf(card, id)?.isVisible !== false;
    const fresh = cards['nl/agreements-new'];
    expect(visible(fresh, 'feedback0To')).toBe(true);
    expect(visible(fresh, 'feedback1To')).toBe(false);
    expect(visible(fresh, 'feedback2To')).toBe(false);
    expect(texts(fresh)).not.toContain('Nog een terugkoppeling'); // a toggle button, not text
    expect(JSON.stringify(fresh)).toContain('"title":"Nog een terugkoppeling"');
    // Version 2 of agreements with two feedback slots: both open, the third still on demand.
    const two = cards['nl/agreements-v2'];
    expect(visible(two, 'feedback1To')).toBe(true);
    expect(visible(two, 'feedback2To')).toBe(false);
  });

  it('no card shows an ISO date or UTC where a person reads it', () => {
    for (const [name, card] of Object.entries(cards)) {
      const facts = elements(card).flatMap((e) => (e.type === 'FactSet' ? (e.facts as { title: string; value: string }[]).flatMap((f) => [f.title, f.value]) : []));
      for (const text of [...texts(card), ...facts]) {
        expect(text, name).not.toMatch(/\b\d{4}-\d{2}-\d{2}\b/);
        expect(text, name).not.toMatch(/\bUTC\b/);
      }
    }
  });

  it('the review card labels answers plainly, without the form\'s hints', () => {
    const facts = JSON.stringify(elements(cards['nl/review']).filter((e) => e.type === 'FactSet'));
    expect(facts).toContain('Postcode woonadres');
    expect(facts).not.toMatch(/optioneel|bepaalt het wijkteam/);
    expect(facts).toContain('06 12345678');
  });

  it('asks the catalogue only for keys it has (Dutch and English)', () => {
    missingKeys.clear();
    sampleCards();
    expect([...missingKeys]).toEqual([]);
  });
});
