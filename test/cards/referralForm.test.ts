import { describe, expect, it } from 'vitest';
import { elements, input } from '../support/cards.js';
import { sampleCards } from './samples.js';

const cards = sampleCards();
/** The row (container) holding an input, and whether a person sees it. */
const row = (card: unknown, id: string) => elements(card).find((e) => Array.isArray(e.items) && (e.items as { id?: string }[]).some((i) => i.id === id));
const shown = (card: unknown, id: string) => row(card, id)?.isVisible !== false;
const revealButtons = (card: unknown) => elements(card).filter((e) => e.type === 'Action.ToggleVisibility');

describe('aanmelding form cards are short', () => {
  it('the parents card shows one parent block; the others open with "Nog een ouder/verzorger"', () => {
    const card = cards['nl/referral-parents'];
    expect(shown(card, 'parent0Name')).toBe(true);
    expect(shown(card, 'parent0Phone')).toBe(true);
    expect(shown(card, 'parent1Name')).toBe(false);
    expect(shown(card, 'parent2Email')).toBe(false);
    const [first, second] = revealButtons(card);
    expect(first?.title).toBe('Nog een ouder/verzorger');
    // The first button opens every row of the second parent (and hides itself); the second
    // button sits among those rows, so it only appears once the second parent is open.
    const targets = first?.targetElements as string[];
    for (const id of ['parent1Name', 'parent1Relation', 'parent1Authority', 'parent1Phone', 'parent1Email', 'parent1Informed', 'parent1Agrees']) {
      expect(targets, id).toContain(row(card, id)?.id);
    }
    expect(targets).not.toContain(row(card, 'parent2Name')?.id);
    expect((second?.targetElements as string[])).toContain(row(card, 'parent2Name')?.id);
    const rowIds = elements(card).filter((e) => e.type === 'Container' && e.id).map((e) => e.id);
    expect(new Set(rowIds).size).toBe(rowIds.length);
  });

  it('a second parent that was typed in (or has an error) stays open, with what was typed', () => {
    const card = cards['nl/referral-parents-second'];
    expect(shown(card, 'parent1Name')).toBe(true);
    expect(input(card, 'parent1Name').value).toBe('Jan de Vries');
    expect(input(card, 'parent1Phone').value).toBe('0612345678');
    expect(shown(card, 'parent2Name')).toBe(false);
    const buttons = revealButtons(card);
    expect(buttons).toHaveLength(2);
    // The first "Nog een" is hidden (its parent is open), the next one is visible.
    const visibleButtons = elements(card).filter((e) => e.type === 'Container' && e.isVisible !== false && (e.items as { type?: string }[]).some((i) => i.type === 'ActionSet'));
    expect(visibleButtons).toHaveLength(1);
  });

  it('the saved notice is green text on the plain card, not on a green background', () => {
    const card = cards['nl/referral-parents-second'];
    const notice = elements(card).find((e) => e.type === 'Container' && (e.items as { text?: string }[] | undefined)?.some((i) => String(i.text ?? '').startsWith('Concept opgeslagen')));
    expect(notice?.style).toBe('default');
    expect((notice?.items as { color?: string }[])[0]?.color).toBe('Good');
  });

  it('a consent date shows today when none was given', () => {
    const card = cards['nl/referral-consent-today'];
    const dates = elements(card).filter((e) => e.type === 'Input.Date');
    expect(dates.length).toBeGreaterThanOrEqual(2);
    for (const date of dates) expect(date.value, String(date.id)).toBe('2026-11-23');
    const noToday = cards['nl/referral-consent'];
    for (const date of elements(noToday).filter((e) => e.type === 'Input.Date')) expect(date.value).toBe('');
  });
});

describe('the planning card asks for the parents\' day parts in one compact choice', () => {
  it('one compact multi-select "ma ochtend" … "vr avond" instead of fifteen check boxes, values as the domain reads them', () => {
    for (const name of ['nl/handover-plan-errors', 'nl/handover-plan-chosen']) {
      const card = cards[name];
      const availability = input(card, 'parentAvailability');
      expect(availability.type, name).toBe('Input.ChoiceSet');
      expect(availability.isMultiSelect, name).toBe(true);
      expect(availability.style, name).toBe('compact');
      expect(availability.placeholder, name).toBe('Kies dagdelen');
      const choices = availability.choices as { title: string; value: string }[];
      expect(choices).toHaveLength(15);
      expect(choices[0]).toEqual({ title: 'ma ochtend', value: '1-ochtend' });
      expect(choices.at(-1)).toEqual({ title: 'vr avond', value: '5-avond' });
      expect(elements(card).filter((e) => e.type === 'Input.ChoiceSet' && e.isMultiSelect === true && e.style !== 'compact'), name).toEqual([]);
    }
    expect(input(cards['nl/handover-plan-chosen'], 'parentAvailability').value).toBe('2-ochtend');
  });
});
