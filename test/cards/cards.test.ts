import { describe, expect, it } from 'vitest';
import { missingKeys } from '../../src/i18n/index.js';
import { lintCard } from '../support/cardLint.js';
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

  it('asks the catalogue only for keys it has (Dutch and English)', () => {
    missingKeys.clear();
    sampleCards();
    expect([...missingKeys]).toEqual([]);
  });
});
