import { z } from 'zod';
import { VERBS, type Verb } from '../verbs.js';
import { expandCard, type AdaptiveCardJson } from '../render.js';
import { authorize, type Relation } from '../../src/domain/accessMatrix.js';
import type { WorkingCalendar } from '../../src/domain/calendar.js';
import type { Effect } from '../../src/domain/effects.js';
import { intakeDelivery } from '../../src/domain/intakeDelivery.js';
import { nextDate } from '../../src/domain/nextDate.js';
import { caseRefOf, type Referral, type ReferralState } from '../../src/domain/referral.js';
import { referralHistory } from '../../src/domain/referralParties.js';
import { normStatus, type NormStatus, type ServiceNormRule } from '../../src/domain/serviceNorms.js';
import { daysUntil, formatDate, formatMoment } from '../../src/i18n/format.js';
import type { Lang } from '../../src/i18n/index.js';
import template from './template.json' with { type: 'json' };

type Translate = (key: string, params?: Record<string, string | number>) => string;
const Color = z.enum(['Default', 'Good', 'Warning', 'Attention', 'Accent']);
const Action = z.object({ verb: z.string().min(1), title: z.string(), style: z.enum(['default', 'positive', 'destructive']).default('default'), data: z.object({ referralId: z.string() }) });

/** Data of the case card template: identity, where it stands, the clock, deliveries, the latest steps and what this person may do. */
export const CaseCardDataSchema = z.object({
  referralId: z.string(),
  title: z.string(),
  caseLine: z.string(),
  state: z.string(),
  stateColor: Color,
  facts: z.array(z.object({ title: z.string(), value: z.string() })),
  clock: z.object({ text: z.string(), color: Color }),
  deliveries: z.array(z.object({ text: z.string(), color: Color })).max(6),
  timeline: z.array(z.object({ when: z.string(), text: z.string() })).max(3),
  /** At most three buttons in the row, the "Meer" button included. */
  actions: z.array(Action).max(3),
  more: z.array(Action),
  labels: z.object({ delivery: z.string(), timeline: z.string(), more: z.string() }),
});
export type CaseCardData = z.infer<typeof CaseCardDataSchema>;

/** What the case card's buttons send: the referral's id only; the handler of each verb reloads and authorises. */
export const CaseCardActionSchema = z.object({ referralId: z.string().uuid() });

/** A timeline entry as the store keeps it (no personal data). */
export interface CaseTimelineEntry {
  at: string;
  action: string;
  detail?: Record<string, string | number | boolean>;
}

export interface CaseCardInput {
  tr: Translate;
  lang: Lang;
  zone: string;
  now: Date;
  calendar: WorkingCalendar;
  norms: ServiceNormRule[];
  referral: Referral;
  /** The person whose card this is (Entra object id). */
  viewer: string;
  wijkteamName: (id: string) => string;
  /** The referral's timeline, any order; the card shows the latest three. */
  timeline: CaseTimelineEntry[];
}

type Color = z.infer<typeof Color>;
const VISIBLE = 3;

/** What a professional may do from the card, per state, most useful first; the access matrix has the last word. */
const CANDIDATES: { verb: Verb; key: string; states: readonly ReferralState[]; style?: 'positive' | 'destructive' }[] = [
  { verb: VERBS.resume, key: 'resume', states: ['draft'], style: 'positive' },
  { verb: VERBS.amend, key: 'amend', states: ['declined'], style: 'positive' },
  { verb: VERBS.agreementsOpen, key: 'agreements', states: ['handoverScheduled', 'agreementsConfirmed'], style: 'positive' },
  { verb: VERBS.handoverShow, key: 'handover', states: ['accepted', 'handoverScheduled', 'agreementsConfirmed', 'aftercare'] },
  { verb: VERBS.intakeDetails, key: 'details', states: ['submitted', 'accepted', 'handoverScheduled', 'agreementsConfirmed', 'aftercare', 'declined'] },
  { verb: VERBS.close, key: 'close', states: ['agreementsConfirmed', 'aftercare', 'declined'], style: 'destructive' },
];

const STATE_COLOR: Partial<Record<ReferralState, Color>> = { declined: 'Attention', withdrawn: 'Attention', agreementsConfirmed: 'Good', aftercare: 'Good', submitted: 'Accent', accepted: 'Accent', handoverScheduled: 'Accent' };

function relationOf(r: Referral, viewer: string): Relation {
  return r.smw.aadObjectId === viewer ? 'smw' : r.caseManager?.aadObjectId === viewer ? 'caseManager' : 'tenantUser';
}

/** Only the actions the access matrix allows this person in this state; three in the row at most ("Meer" counts). */
function actionsFor(v: CaseCardInput): { actions: CaseCardData['actions']; more: CaseCardData['more'] } {
  const r = v.referral;
  const relations: Relation[] = ['tenantUser', relationOf(r, v.viewer)];
  const facts = { tenantAllowed: true, isCoordinator: false, isWijkteamMember: false };
  const allowed = CANDIDATES.filter((c) => c.states.includes(r.state) && authorize({ verb: c.verb }, relations, r, facts).allowed).map((c) => ({
    verb: c.verb,
    title: v.tr(`caseCard.action.${c.key}`),
    style: c.style ?? ('default' as const),
    data: { referralId: r.referralId },
  }));
  if (allowed.length <= VISIBLE) return { actions: allowed, more: [] };
  return { actions: allowed.slice(0, VISIBLE - 1), more: allowed.slice(VISIBLE - 1) };
}

function person(v: CaseCardInput, role: 'smw' | 'caseManager'): string {
  const p = role === 'smw' ? v.referral.smw : v.referral.caseManager;
  const roleText = v.tr(`caseCard.role.${role}`);
  if (p?.aadObjectId === v.viewer) return v.tr('caseCard.who.you', { role: roleText });
  return p ? v.tr('caseCard.who.person', { name: p.name, role: roleText }) : roleText;
}

/** The next step and who must take it. */
function nextStep(v: CaseCardInput, today: string): { next: string; who: string } | undefined {
  const r = v.referral;
  const date = (d: string) => formatDate(d, v.lang, v.zone);
  switch (r.state) {
    case 'draft':
      return { next: v.tr('caseCard.next.draft'), who: person(v, 'smw') };
    case 'submitted':
      return { next: v.tr('caseCard.next.submitted'), who: v.tr('caseCard.who.wijkteam', { wijkteam: v.wijkteamName(r.routing?.wijkteamId ?? '') }) };
    case 'accepted':
      return { next: v.tr('caseCard.next.accepted'), who: v.tr('caseCard.who.and', { a: person(v, 'smw'), b: person(v, 'caseManager') }) };
    case 'handoverScheduled': {
      const meeting = r.handover?.meeting;
      if (meeting && Date.parse(meeting.end) > v.now.getTime()) return { next: v.tr('caseCard.next.handover', { date: formatMoment(meeting.start, v.lang, v.zone) }), who: person(v, 'caseManager') };
      return { next: v.tr('caseCard.next.agreements'), who: person(v, 'caseManager') };
    }
    case 'agreementsConfirmed':
    case 'aftercare': {
      const next = nextDate(r, today);
      return { next: next ? v.tr('caseCard.next.agreed', { date: date(next.at) }) : v.tr('caseCard.next.follow'), who: person(v, 'caseManager') };
    }
    case 'declined':
      return { next: v.tr('caseCard.next.declined'), who: person(v, 'smw') };
    default:
      return undefined;
  }
}

const CLOCKED: ReadonlySet<ReferralState> = new Set(['submitted', 'accepted', 'handoverScheduled']);

/** The service-norm clock: the running (or missed) norm with the nearest deadline, in days left, coloured by urgency. */
function clockOf(v: CaseCardInput, today: string): CaseCardData['clock'] {
  const none = { text: '', color: 'Default' as const };
  if (!CLOCKED.has(v.referral.state)) return none;
  const history = referralHistory(v.referral).filter((e) => e.at <= v.now);
  const open = v.norms
    .map((rule) => ({ rule, status: normStatus(rule, history, v.now, v.calendar) }))
    .filter((n): n is { rule: ServiceNormRule; status: NormStatus & { deadline: NonNullable<NormStatus['deadline']> } } => (n.status.state === 'running' || n.status.state === 'missed') && Boolean(n.status.deadline))
    .sort((a, b) => a.status.deadline.lastDay.localeCompare(b.status.deadline.lastDay))[0];
  if (!open) return none;
  const norm = v.tr(open.rule.labelKey);
  const date = formatDate(open.status.deadline.lastDay, v.lang, v.zone);
  if (open.status.state === 'missed') return { text: v.tr('caseCard.norm.missed', { norm, date }), color: 'Attention' };
  const working = open.rule.unit === 'working';
  const days = working ? v.calendar.workingDaysBetween(today, open.status.deadline.lastDay) : daysUntil(open.status.deadline.lastDay, today);
  if (days <= 0) return { text: v.tr('caseCard.norm.today', { norm }), color: 'Attention' };
  const key = `caseCard.norm.${working ? 'working' : 'calendar'}${days === 1 ? 'One' : ''}`;
  return { text: v.tr(key, { norm, days, date }), color: days <= 2 ? 'Warning' : 'Good' };
}

const EFFECT_COLOR: Record<Effect['state']['status'], Color> = { pending: 'Default', done: 'Good', retrying: 'Warning', failed: 'Attention' };
const INTAKE_COLOR = { pending: 'Default', delivered: 'Good', retrying: 'Warning', failed: 'Attention', notLinked: 'Warning' } as const;
const PARENT_COLOR: Record<string, Color> = { sent: 'Good', done: 'Good', outbox: 'Warning', todo: 'Warning', failed: 'Attention', unreachable: 'Attention' };

/** What was sent and where it stands: the outbox effects' real states, and what the parent was told. */
function deliveriesOf(v: CaseCardInput): CaseCardData['deliveries'] {
  const r = v.referral;
  const out: CaseCardData['deliveries'] = [];
  if (r.routing && r.state !== 'draft') {
    const delivery = intakeDelivery(r);
    out.push({ text: v.tr(`submitted.delivery.${delivery}`, { wijkteam: v.wijkteamName(r.routing.wijkteamId), number: r.number }), color: INTAKE_COLOR[delivery] });
  }
  const names = new Map([[r.smw.aadObjectId, r.smw.name], ...(r.caseManager ? [[r.caseManager.aadObjectId, r.caseManager.name] as const] : [])]);
  const latest = new Map<string, Effect>();
  // Messages and planning cards matter while the warme overdracht is being arranged.
  for (const e of r.state === 'accepted' || r.state === 'handoverScheduled' ? (r.outbox?.effects ?? []) : []) {
    if ((e.kind === 'notifyPerson' || e.kind === 'offerHandoverPlanning') && names.has(e.aadObjectId)) latest.set(`${e.kind}:${e.aadObjectId}`, e);
  }
  for (const e of latest.values()) {
    if (e.kind !== 'notifyPerson' && e.kind !== 'offerHandoverPlanning') continue;
    const status = v.tr(`caseCard.delivery.${e.state.status}`);
    const name = e.aadObjectId === v.viewer ? v.tr('caseCard.who.you', { role: v.tr(`caseCard.role.${e.aadObjectId === r.smw.aadObjectId ? 'smw' : 'caseManager'}`) }) : (names.get(e.aadObjectId) ?? '');
    out.push({ text: v.tr(e.kind === 'notifyPerson' ? 'caseCard.delivery.notify' : 'caseCard.delivery.planning', { name, status }), color: EFFECT_COLOR[e.state.status] });
  }
  const h = r.handover;
  const version = h?.agreements.filter((a) => a.confirmedAt).at(-1)?.version;
  const toParent = version ? h?.deliveries.filter((d) => d.recipient === 'parent' && d.agreementsVersion === version).at(-1) : undefined;
  const parent = toParent?.status ?? h?.meeting?.parent?.status;
  if (parent) out.push({ text: v.tr(`caseCard.delivery.parent.${parent}`), color: PARENT_COLOR[parent] ?? 'Default' });
  return out.slice(0, 6);
}

function timelineOf(v: CaseCardInput): CaseCardData['timeline'] {
  return [...v.timeline]
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, 3)
    .map((e) => ({ when: formatMoment(e.at, v.lang, v.zone), text: v.tr(`timeline.${e.action}`, { wijkteam: v.wijkteamName(String(e.detail?.wijkteam ?? e.detail?.to ?? '')) }) }));
}

/** The case card's data for one professional, from the referral as it is now. */
export function caseCardData(v: CaseCardInput): CaseCardData {
  const r = v.referral;
  const today = v.calendar.localDate(v.now);
  const ref = caseRefOf(r);
  const step = nextStep(v, today);
  const facts = [
    ...(step ? [{ title: v.tr('caseCard.next'), value: step.next }, { title: v.tr('caseCard.who'), value: step.who }] : []),
    ...(r.caseManager && r.caseManager.aadObjectId !== v.viewer ? [{ title: v.tr('caseCard.fact.caseManager'), value: r.caseManager.name }] : []),
    ...(r.smw.aadObjectId !== v.viewer ? [{ title: v.tr('caseCard.fact.smw'), value: r.smw.name }] : []),
  ];
  return CaseCardDataSchema.parse({
    referralId: r.referralId,
    title: v.tr('caseCard.title', { number: r.number }),
    caseLine: [ref.initials, ref.school, r.routing ? v.wijkteamName(r.routing.wijkteamId) : ''].filter(Boolean).join(' · '),
    state: v.tr(`state.${r.state}`),
    stateColor: STATE_COLOR[r.state] ?? 'Default',
    facts,
    clock: clockOf(v, today),
    deliveries: deliveriesOf(v),
    timeline: timelineOf(v),
    ...actionsFor(v),
    labels: { delivery: v.tr('caseCard.delivery'), timeline: v.tr('caseCard.timeline'), more: v.tr('caseCard.more') },
  });
}

/**
 * The live case card of one professional (Adaptive Card 1.5, kept template): number, initials,
 * school and wijkteam; state, next step and who must take it; the service-norm clock; what was
 * sent and whether it arrived; the latest three steps; and at most three buttons.
 */
export function caseCard(v: CaseCardInput): AdaptiveCardJson {
  return expandCard(template, caseCardData(v));
}
