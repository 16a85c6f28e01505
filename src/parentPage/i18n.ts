import ar from './i18n/ar.json' with { type: 'json' };
import en from './i18n/en.json' with { type: 'json' };
import nl from './i18n/nl.json' with { type: 'json' };
import pl from './i18n/pl.json' with { type: 'json' };
import tr from './i18n/tr.json' with { type: 'json' };
import { PARENT_LANGS, type ParentLang } from '../domain/parentLink.js';

/** The parent page's texts, one translation file per language (Dutch first). */
const FILES: Record<ParentLang, Record<string, string>> = { nl, en, tr, ar, pl };

export type PageText = (key: string, params?: Record<string, string>) => string;

/** A translator for the page; a key missing in a language falls back to Dutch. */
export function pageText(lang: ParentLang): PageText {
  const file = FILES[lang];
  return (key, params = {}) => (file[key] ?? nl[key as keyof typeof nl] ?? key).replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? '');
}

export const isParentLang = (x: unknown): x is ParentLang => typeof x === 'string' && (PARENT_LANGS as readonly string[]).includes(x);

/** Right-to-left scripts among the page's languages. */
export const dirOf = (lang: ParentLang): 'rtl' | 'ltr' => (lang === 'ar' ? 'rtl' : 'ltr');

export const languageName = (lang: ParentLang): string => FILES[lang]['lang.name'] ?? lang;
