import { z } from 'zod';
import { multiSelect, optionalText, text } from './fields.js';

/** Life areas (leefgebieden) of the hulpvraag. */
export const LIFE_AREAS = [
  'opvoeding',
  'gedrag',
  'psychischWelbevinden',
  'gezondheid',
  'schoolverzuim',
  'financien',
  'huisvesting',
  'relatieOuders',
  'huiselijkGeweld',
  'middelengebruik',
  'overig',
] as const;

/** Section 3: the hulpvraag, in the spirit of handelingsgericht werken (strengths next to worries). */
export function requestSchema() {
  return z.object({
    reason: text(2000),
    question: text(1000),
    lifeAreas: multiSelect(LIFE_AREAS).refine((v) => v.length > 0, 'v.chooseAtLeastOne'),
    alreadyDone: text(2000),
    strengths: text(1000),
    wishes: optionalText(1000),
    otherProfessionals: optionalText(500),
  });
}

export type RequestSection = z.output<ReturnType<typeof requestSchema>>;
