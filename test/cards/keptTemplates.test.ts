import { describe, expect, it, vi } from 'vitest';

/**
 * Records every expansion the card code makes through a kept (compiled once) template, so each
 * can be repeated with a template built afresh, as the code did before it kept them.
 */
const expansions = vi.hoisted(() => [] as { payload: unknown; context: unknown; output: unknown }[]);

vi.mock('adaptivecards-templating', async (importOriginal) => {
  const real = await importOriginal<typeof import('adaptivecards-templating')>();
  class RecordingTemplate extends real.Template {
    private readonly payload: unknown;
    constructor(payload: unknown) {
      super(payload);
      this.payload = payload;
    }
    override expand(context: Parameters<InstanceType<typeof real.Template>['expand']>[0]) {
      const output = super.expand(context);
      expansions.push({ payload: this.payload, context: structuredClone(context), output });
      return output;
    }
  }
  return { ...real, Template: RecordingTemplate };
});

const { sampleCards } = await import('./samples.js');
const { Template } = await vi.importActual<typeof import('adaptivecards-templating')>('adaptivecards-templating');

describe('a kept template expands exactly as a template built for the call', () => {
  const cards = sampleCards();
  sampleCards(); // a second round: the same kept templates, expanded again with the same data

  it('renders every sample card through kept templates, compiling each template once', () => {
    expect(Object.keys(cards).length).toBeGreaterThan(20);
    expect(expansions.length).toBeGreaterThan(20);
    const templates = new Set(expansions.map((e) => e.payload));
    expect(templates.size).toBeLessThan(expansions.length);
  });

  it('gives, for every expansion, the output of a fresh new Template(...).expand', () => {
    for (const e of expansions) {
      const fresh = new Template(e.payload).expand(e.context as Parameters<InstanceType<typeof Template>['expand']>[0]);
      expect(e.output).toEqual(fresh);
      expect(JSON.stringify(e.output)).toBe(JSON.stringify(fresh));
    }
  });

  it('every sample card is one of those outputs', () => {
    const outputs = new Set(expansions.map((e) => JSON.stringify(e.output)));
    const notTemplated = Object.keys(cards).filter((name) => !outputs.has(JSON.stringify(cards[name])));
    // The reminder cards are built as plain objects (cards/reminder); every other card comes from a template.
    expect(notTemplated.filter((name) => !name.includes('/reminder-'))).toEqual([]);
  });
});
