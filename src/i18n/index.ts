import { common } from './common.js';
import { referral } from './referral.js';
import { bot } from './bot.js';
import { handover } from './handover.js';
import { intake } from './intake.js';
import { reminders } from './reminders.js';
import { access } from './access.js';
import { timeTravel } from './timeTravel.js';
import { report } from './report.js';
import { reassign } from './reassign.js';
import { caseCard } from './caseCard.js';
import { parentLink } from './parentLink.js';

/** The languages Schakel speaks: Dutch first, English where the Teams locale asks for it. */
export type Lang = 'nl' | 'en';

export type Catalogue = Record<string, { nl: string; en: string }>;

/** Every message, merged from the per-area catalogues. Add an area by importing it here. */
const catalogue: Catalogue = { ...common, ...bot, ...referral, ...intake, ...handover, ...reminders, ...access, ...timeTravel, ...report, ...reassign, ...caseCard, ...parentLink };

/** Teams sends e.g. `en-US`, `nl-NL`; anything that is not English gets Dutch. */
export function langOf(locale: string | undefined): Lang {
  return locale?.toLowerCase().startsWith('en') ? 'en' : 'nl';
}

/** Keys asked for that the catalogue lacks: a bug; tests assert this stays empty. */
export const missingKeys = new Set<string>();

/** Translates a key, filling `{name}` placeholders. An unknown key is returned as is (and recorded). */
export function t(lang: Lang, key: string, params: Record<string, string | number> = {}): string {
  const entry = catalogue[key];
  if (!entry) missingKeys.add(key);
  const text = entry ? entry[lang] : key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

/** A translator bound to one language, for templates that take many texts. */
export function translator(lang: Lang): (key: string, params?: Record<string, string | number>) => string {
  return (key, params) => t(lang, key, params);
}

export function hasKey(key: string): boolean {
  return key in catalogue;
}
