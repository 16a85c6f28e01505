import { BASE_COUNTERS, normCounter, type CellTotals, type Counts } from './registration.js';
import type { ServiceNormRule } from './serviceNorms.js';

/** The Servicepunt's year: registration figures against the service norms, and the SMW-XTRA analysis. */

export interface NormFigure {
  ruleId: string;
  labelKey: string;
  days: number;
  unit: ServiceNormRule['unit'];
  met: number;
  missed: number;
  /** Mean days from start to end, when measured. */
  meanDays?: number;
}

export interface TableRow {
  school: string;
  wijkteamId: string;
  counts: Counts;
}

export interface XtraRow {
  rank: number;
  school: string;
  /** Referrals sent in the year. */
  caseload: number;
  /** Wijkteams the school's referrals went to. */
  wijkteams: number;
  candidate: boolean;
}

export interface YearReport {
  year: string;
  totals: Counts;
  months: { month: string; counts: Counts }[];
  norms: NormFigure[];
  table: TableRow[];
  xtra: XtraRow[];
}

export interface XtraCriteria {
  minCaseload: number;
  minWijkteams: number;
}

function sum(into: Counts, more: Counts): Counts {
  for (const [k, v] of Object.entries(more)) into[k] = (into[k] ?? 0) + v;
  return into;
}

const monthsOf = (year: string) => Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);

/** Folds a year's cells into the report. Pure: the same cells always give the same report. */
export function buildYearReport(year: string, cells: CellTotals[], norms: ServiceNormRule[], xtra: XtraCriteria): YearReport {
  const totals: Counts = {};
  const byMonth = new Map<string, Counts>(monthsOf(year).map((m) => [m, {}]));
  const byPair = new Map<string, TableRow>();
  for (const c of cells.filter((x) => x.period === year)) {
    sum(totals, c.counts);
    const m = byMonth.get(c.month);
    if (m) sum(m, c.counts);
    const key = `${c.school.toLowerCase()}|${c.wijkteamId}`;
    const row = byPair.get(key) ?? { school: c.school, wijkteamId: c.wijkteamId, counts: {} };
    sum(row.counts, c.counts);
    byPair.set(key, row);
  }
  const table = [...byPair.values()].sort((a, b) => a.school.localeCompare(b.school, 'nl') || a.wijkteamId.localeCompare(b.wijkteamId));
  const normFigures = norms.map((rule) => {
    const count = totals[normCounter(rule.id, 'daysCount')] ?? 0;
    const meanDays = count > 0 ? (totals[normCounter(rule.id, 'daysSum')] ?? 0) / count : undefined;
    return {
      ruleId: rule.id,
      labelKey: rule.labelKey,
      days: rule.days,
      unit: rule.unit,
      met: totals[normCounter(rule.id, 'met')] ?? 0,
      missed: totals[normCounter(rule.id, 'missed')] ?? 0,
      ...(meanDays === undefined ? {} : { meanDays }),
    };
  });
  return { year, totals, months: [...byMonth.entries()].map(([month, counts]) => ({ month, counts })), norms: normFigures, table, xtra: xtraAnalysis(table, xtra) };
}

/** Per school: caseload and spread over wijkteams, ranked (caseload, then spread, then name). */
export function xtraAnalysis(table: TableRow[], criteria: XtraCriteria): XtraRow[] {
  const schools = new Map<string, { school: string; caseload: number; teams: Set<string> }>();
  for (const row of table) {
    const sent = row.counts.sent ?? 0;
    if (sent === 0) continue;
    const s = schools.get(row.school.toLowerCase()) ?? { school: row.school, caseload: 0, teams: new Set<string>() };
    s.caseload += sent;
    s.teams.add(row.wijkteamId);
    schools.set(row.school.toLowerCase(), s);
  }
  return [...schools.values()]
    .sort((a, b) => b.caseload - a.caseload || b.teams.size - a.teams.size || a.school.localeCompare(b.school, 'nl'))
    .map((s, i) => ({
      rank: i + 1,
      school: s.school,
      caseload: s.caseload,
      wijkteams: s.teams.size,
      candidate: s.caseload >= criteria.minCaseload && s.teams.size >= criteria.minWijkteams,
    }));
}

/** The counters a table row shows, in column order. */
export const TABLE_COUNTERS = BASE_COUNTERS;
