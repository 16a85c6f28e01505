import { handover as texts } from '../i18n/handover.js';
import type { Agreements } from './agreements.js';
import type { Actor, AgreedDate } from './types.js';

/** Who drafted or confirmed a version (from the authenticated activity, never from card data). */
export type ActorRef = Pick<Actor, 'aadObjectId' | 'name'>;

/**
 * One version of the formulier warme overdracht. A confirmed version is frozen: a later change
 * becomes version + 1 and the confirmed one stays in the history as it was sent.
 */
export interface AgreementsRecord {
  version: number;
  agreements: Agreements;
  /** ISO instant of the last edit of this version. */
  draftedAt: string;
  draftedBy: ActorRef;
  confirmedAt?: string;
  confirmedBy?: ActorRef;
}

/** All versions, oldest first. */
export type AgreementsHistory = readonly AgreementsRecord[];

export interface DraftResult {
  history: AgreementsRecord[];
  /** The draft that now holds the input (or the unchanged latest version). */
  record: AgreementsRecord;
  /** False when the input equals the latest version: nothing to save. */
  changed: boolean;
}

export type ConfirmRefusal = 'stale' | 'alreadyConfirmed' | 'noDraft';

export type ConfirmResult =
  | { ok: true; history: AgreementsRecord[]; record: AgreementsRecord }
  | { ok: false; reason: ConfirmRefusal; /** i18n key for the user */ messageKey: string; latest?: AgreementsRecord };

const ref = (actor: ActorRef): ActorRef => ({ aadObjectId: actor.aadObjectId, name: actor.name });
const same = (a: Agreements, b: Agreements) => JSON.stringify(a) === JSON.stringify(b);

export function latestAgreements(history: AgreementsHistory): AgreementsRecord | undefined {
  return history[history.length - 1];
}

/** The most recent confirmed version: what everyone involved was sent. */
export function confirmedAgreements(history: AgreementsHistory): AgreementsRecord | undefined {
  return [...history].reverse().find((r) => r.confirmedAt !== undefined);
}

/**
 * Saves edited agreements: updates the open draft, or starts version + 1 when the latest
 * version is confirmed (or there is none). Input equal to the latest version changes nothing.
 */
export function draftAgreements(history: AgreementsHistory, input: Agreements, actor: ActorRef, now: Date): DraftResult {
  const latest = latestAgreements(history);
  if (latest && same(latest.agreements, input)) return { history: [...history], record: latest, changed: false };
  const open = latest && latest.confirmedAt === undefined;
  const record: AgreementsRecord = {
    version: open ? latest.version : (latest?.version ?? 0) + 1,
    agreements: input,
    draftedAt: now.toISOString(),
    draftedBy: ref(actor),
  };
  const kept = open ? history.slice(0, -1) : [...history];
  return { history: [...kept, record], record, changed: true };
}

/**
 * Confirms the open draft. Refused when `version` is not the latest draft (`stale`: someone
 * changed it after the card was rendered), is already confirmed, or there is no draft.
 */
export function confirmAgreements(history: AgreementsHistory, version: number, actor: ActorRef, now: Date): ConfirmResult {
  const latest = latestAgreements(history);
  if (!latest) return refuse('noDraft');
  if (latest.version !== version) return refuse('stale', latest);
  if (latest.confirmedAt !== undefined) return refuse('alreadyConfirmed', latest);
  const record: AgreementsRecord = { ...latest, confirmedAt: now.toISOString(), confirmedBy: ref(actor) };
  return { ok: true, history: [...history.slice(0, -1), record], record };
}

function refuse(reason: ConfirmRefusal, latest?: AgreementsRecord): ConfirmResult {
  return { ok: false, reason, messageKey: `handover.refusal.${reason}`, ...(latest ? { latest } : {}) };
}

/** An {@link AgreedDate} with the i18n key of its label (the label itself is the Dutch text). */
export interface HandoverAgreedDate extends AgreedDate {
  labelKey: string;
}

/**
 * The dated items of a version for reminder planning. Ids depend only on the card row
 * (`feedback0`…`feedback2`, `evaluation`, `aftercare`), so they stay the same across versions
 * and a reminder can be moved instead of duplicated. Ids are unique within one referral.
 */
export function agreedDates(record: AgreementsRecord): HandoverAgreedDate[] {
  const { feedback, evaluation, aftercare } = record.agreements;
  const item = (x: Omit<HandoverAgreedDate, 'label'>): HandoverAgreedDate => ({ ...x, label: texts[x.labelKey]?.nl ?? x.labelKey });
  return [
    ...feedback.map((f) =>
      item({
        agreementId: `feedback${f.slot}`,
        kind: 'feedback',
        date: f.date,
        ...(f.time ? { time: f.time } : {}),
        responsible: 'caseManager',
        parties: [f.to],
        labelKey: `handover.agreed.feedback.${f.to}`,
      }),
    ),
    item({
      agreementId: 'evaluation',
      kind: 'evaluation',
      date: evaluation.date,
      responsible: 'caseManager',
      parties: evaluation.with.filter((r) => r !== 'caseManager'),
      labelKey: 'handover.agreed.evaluation',
    }),
    item({
      agreementId: 'aftercare',
      kind: 'aftercare',
      date: aftercare.until,
      responsible: aftercare.who,
      parties: ['caseManager'],
      labelKey: 'handover.agreed.aftercare',
    }),
  ].sort((a, b) => a.date.localeCompare(b.date));
}
