import { renderCaseList } from './index.js';
import type { AdaptiveCardJson } from '../render.js';
import { VERBS } from '../verbs.js';
import { nextOpenSection } from '../../src/domain/draft.js';
import { nextDate } from '../../src/domain/nextDate.js';
import { initialsOf, SECTION_IDS, type Referral } from '../../src/domain/referral.js';
import { daysUntil, formatDate } from '../../src/i18n/format.js';
import type { Lang } from '../../src/i18n/index.js';

type Tr = (key: string, params?: Record<string, string | number>) => string;

export interface ListView {
  tr: Tr;
  lang: Lang;
  zone: string;
  today: string;
}

const who = (r: Referral) => {
  const p = r.sections.pupil;
  return [p ? initialsOf(p.firstNames, p.surname) : '', p?.school ?? ''].filter(Boolean).join(' · ');
};

/** The form's own step numbering: five sections, then the review as step 6. */
export function draftStep(r: Referral): number {
  const next = nextOpenSection(r);
  return next === 'review' ? SECTION_IDS.length + 1 : SECTION_IDS.indexOf(next) + 1;
}

/** `concepten`: each draft with its step as the form counts it, newest first, each with "Verder". */
export function draftsCard(v: ListView, drafts: Referral[]): AdaptiveCardJson {
  return renderCaseList({
    title: v.tr('drafts.title'),
    rows: drafts.map((r) => ({
      heading: [r.number, who(r)].filter(Boolean).join(' — '),
      detail: v.tr('drafts.line', { updated: formatDate(r.updatedAt, v.lang, v.zone), step: draftStep(r), of: SECTION_IDS.length + 1 }),
      open: { title: v.tr('drafts.continue'), verb: VERBS.resume, data: { referralId: r.referralId } },
    })),
  });
}

interface CaseRow {
  referral: Referral;
  /** Local date of the next step, when there is one. */
  due?: string;
  overdue: boolean;
}

/**
 * `mijn casussen`: overdue first, then by the next date, then the rest by last change. Each row:
 * number, initials and school, state and role, the next date in words, and one button to open it.
 */
export function casesCard(v: ListView, cases: Referral[], me: string): AdaptiveCardJson {
  const rows: CaseRow[] = cases.map((referral) => {
    const next = nextDate(referral, v.today);
    const due = next?.at.slice(0, 10);
    return { referral, ...(due ? { due } : {}), overdue: Boolean(due && due < v.today) };
  });
  rows.sort((a, b) => Number(b.overdue) - Number(a.overdue) || (a.due ?? '9999').localeCompare(b.due ?? '9999') || b.referral.updatedAt.localeCompare(a.referral.updatedAt));
  const overdue = rows.filter((r) => r.overdue).length;
  return renderCaseList({
    title: v.tr('cases.title'),
    subtitle: overdue ? v.tr('cases.overdue', { count: overdue }) : v.tr('cases.count', { count: rows.length }),
    rows: rows.map(({ referral: r, due, overdue: late }) => {
      const next = nextDate(r, v.today);
      const role = r.smw.aadObjectId === me ? v.tr('role.smw') : v.tr('role.caseManager');
      const days = due ? daysUntil(due, v.today) : undefined;
      return {
        heading: [r.number, who(r)].filter(Boolean).join(' — '),
        detail: `${v.tr(`state.${r.state}`)} (${role})`,
        next: next ? `${late ? v.tr('cases.late') : ''}${v.tr(next.key, { date: formatDate(next.at, v.lang, v.zone) })}` : '',
        nextColor: late ? 'Attention' : days !== undefined && days <= 2 ? 'Warning' : 'Default',
        open: r.state === 'submitted' || r.state === 'declined'
          ? { title: v.tr('cases.open'), verb: VERBS.intakeShow, data: { referralId: r.referralId } }
          : { title: v.tr('cases.open'), verb: VERBS.handoverShow, data: { referralId: r.referralId } },
      };
    }),
  });
}
