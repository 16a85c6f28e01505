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
