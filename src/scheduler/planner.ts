import { effectiveAgreedDates } from '../domain/agreedDateChanges.js';
import { planAgreementsPrompt } from '../domain/agreementsPrompt.js';
import type { WorkingCalendar } from '../domain/calendar.js';
import type { Clock } from '../domain/clock.js';
import { caseRefOf, type Referral } from '../domain/referral.js';
import { partiesOf, referralHistory, unreachableRoles, withPupilForParent } from '../domain/referralParties.js';
import { planAgreementReminders, type PlanContext, type PlannedReminder, type ReminderPolicy } from '../domain/reminders.js';
import { normRemindersOnEvent, type ServiceNormRule } from '../domain/serviceNorms.js';
import type { AgreedDate, PartyRole } from '../domain/types.js';
import type { Logger } from '../log.js';
import { refOf, type ReminderRef, type ReminderStore } from '../store/reminders.js';

/** Plans reminders for the warme overdracht and its agreements; the reminder engine implements it. */
export interface ReminderPlanner {
  /** The referral was sent to the wijkteam: the service norms start. */
  referralSubmitted(referral: Referral): Promise<void>;
  /** A casusregisseur took the referral on. */
  referralAccepted(referral: Referral): Promise<void>;
  /** The meeting was booked or moved (`referral.handover.meeting`): plan the prompt for the agreements. */
  handoverBooked(referral: Referral): Promise<void>;
  /** The meeting was cancelled: withdraw its prompt and the escalations it started. */
  handoverCancelled(referral: Referral): Promise<void>;
  /** The referral was closed: nothing is reminded any more. */
  referralClosed(referral: Referral): Promise<void>;
  /** The wijkteam declined the referral: nothing waits for its acceptance any more (a resubmit starts again). */
  referralDeclined(referral: Referral): Promise<void>;
  /**
   * A version of the agreements was confirmed: plan (or move) a reminder per dated item. Returns the
   * roles the dates name that should be reached but cannot be (no e-mail, no school contact named).
   */
  agreementsConfirmed(referral: Referral, dates: AgreedDate[]): Promise<PartyRole[]>;
  /** An agreed date was marked done: its escalations for that date are withdrawn. Returns how many. */
  agreedDateDone(referral: Referral, agreementId: string, date: string | undefined): Promise<number>;
}

export interface PlannerDeps {
  store: ReminderStore;
  calendar: WorkingCalendar;
  clock: Clock;
  policy: ReminderPolicy;
  norms: ServiceNormRule[];
  log: Logger;
  /** The language of a professional's Teams client, when known. */
  languageOf: LanguageOf;
}

export type LanguageOf = (aadObjectId: string) => Promise<'nl' | 'en' | undefined>;

/**
 * Gives every Teams recipient of these reminders the language of their Teams client, and every
 * reminder the case it is about (number, initials, school), so its card says which family.
 */
export async function localize(planned: PlannedReminder[], languageOf: LanguageOf, referral?: Referral): Promise<PlannedReminder[]> {
  const caseRef = referral ? caseRefOf(referral) : undefined;
  const known = new Map<string, 'nl' | 'en' | undefined>();
  const langOf = async (id: string) => {
    if (!known.has(id)) known.set(id, await languageOf(id));
    return known.get(id);
  };
  return Promise.all(
    planned.map(async (p) => ({
      ...p,
      ...(caseRef && !p.subject.case ? { subject: { ...p.subject, case: caseRef } } : {}),
      recipients: await Promise.all(p.recipients.map(async (r) => (r.aadObjectId && !r.lang ? { ...r, lang: (await langOf(r.aadObjectId)) ?? 'nl' } : r))),
    })),
  );
}

/**
 * Turns referral events into reminder documents: agreement reminders, the prompt to fill in the
 * agreements after the warme overdracht, and service-norm escalations. Every id is deterministic,
 * so a repeated event (a Teams retry) saves nothing new. Logs ids and counts only.
 */
export class StoredReminderPlanner implements ReminderPlanner {
  constructor(private readonly deps: PlannerDeps) {}

  private get ctx(): PlanContext {
    return { calendar: this.deps.calendar, policy: this.deps.policy, clock: this.deps.clock };
  }

  /** The referral's pending reminders, read at most once per planning step (see {@link PendingReminders}). */
  private pendingOf(r: Referral): PendingReminders {
    return new PendingReminders(() => this.deps.store.pendingRefsOfReferral(r.referralId, r.createdAt));
  }

  async referralSubmitted(r: Referral): Promise<void> {
    if (r.submittedAt) await this.normEvent(r, 'submitted', new Date(r.submittedAt), this.pendingOf(r));
  }

  async referralAccepted(r: Referral): Promise<void> {
    if (r.acceptedAt) await this.normEvent(r, 'accepted', new Date(r.acceptedAt), this.pendingOf(r));
  }

  async handoverBooked(r: Referral): Promise<void> {
    const meeting = r.handover?.meeting;
    if (!meeting) return;
    const prompt = planAgreementsPrompt(r.referralId, meeting, partiesOf(r, this.today), this.ctx);
    const pending = this.pendingOf(r);
    await this.replace(r, (doc) => doc.kind === 'agreementsPrompt', prompt ? [prompt] : [], pending);
    await this.normEvent(r, 'handoverHeld', new Date(meeting.end), pending);
    this.deps.log.info({ referralId: r.referralId, prompt: prompt?.dueAt }, 'agreements prompt planned');
  }

  async referralClosed(r: Referral): Promise<void> {
    await this.replace(r, () => true, [], this.pendingOf(r));
    this.deps.log.info({ referralId: r.referralId }, 'reminders of a closed referral withdrawn');
  }

  async referralDeclined(r: Referral): Promise<void> {
    await this.replace(r, () => true, [], this.pendingOf(r));
    this.deps.log.info({ referralId: r.referralId }, 'reminders of a declined referral withdrawn');
  }

  /** The meeting was called off: its prompt and the norms it started go; the handover norm runs again. */
  async handoverCancelled(r: Referral): Promise<void> {
    const startedByMeeting = new Set(this.deps.norms.filter((n) => n.startEvent === 'handoverHeld').map((n) => n.id));
    const pending = this.pendingOf(r);
    await this.replace(r, (doc) => doc.kind === 'agreementsPrompt' || (doc.kind === 'normEscalation' && startedByMeeting.has(doc.subject.normId ?? '')), [], pending);
    if (r.acceptedAt) await this.normEvent(r, 'accepted', new Date(r.acceptedAt), pending);
    this.deps.log.info({ referralId: r.referralId }, 'reminders of a cancelled warme overdracht withdrawn');
  }

  async agreementsConfirmed(r: Referral, confirmedDates: AgreedDate[]): Promise<PartyRole[]> {
    const parties = partiesOf(r, this.today);
    // The age rules: where the parent is told, the pupil who is a party by age is told too.
    const dates = withPupilForParent(confirmedDates, r, this.today);
    const plan = planAgreementReminders({ referralId: r.referralId, agreedDates: dates, parties }, this.ctx);
    const planned = new Set(plan.reminders.map((p) => p.id));
    const previous = this.previousConfirmed(r);
    const stale = previous ? planAgreementReminders({ referralId: r.referralId, agreedDates: withPupilForParent(previous, r, this.today), parties }, this.ctx).reminders.filter((p) => !planned.has(p.id)) : [];
    const pending = this.pendingOf(r);
    const cancelled = await this.deps.store.cancel(stale);
    pending.cancelled(stale);
    const localized = await localize(plan.reminders, this.deps.languageOf, r);
    const saved = await this.deps.store.save(localized);
    pending.saved(localized);
    await this.replace(r, (doc) => doc.kind === 'agreementsPrompt', [], pending);
    const confirmedAt = r.handover?.agreements.filter((a) => a.confirmedAt).at(-1)?.confirmedAt;
    if (confirmedAt) await this.normEvent(r, 'agreementsConfirmed', new Date(confirmedAt), pending);
    this.deps.log.info(
      { referralId: r.referralId, agreementIds: dates.map((d) => d.agreementId), created: saved.created, cancelled, unaddressable: plan.unaddressable.map((u) => `${u.agreementId}:${u.role}`) },
      'agreement reminders planned',
    );
    // Never dropped silently: a role the dates name that should be reached but cannot be is a problem on the case (the caller's domain decides what follows).
    return unreachableRoles(r, plan.unaddressable.map((u) => u.role), this.today);
  }

  async agreedDateDone(r: Referral, agreementId: string, date: string | undefined): Promise<number> {
    const overdue = (await this.pendingOf(r).list()).filter((d) => d.kind === 'agreementOverdue' && d.subject.agreementId === agreementId && d.subject.date === date);
    return overdue.length > 0 ? this.deps.store.cancel(overdue) : 0;
  }

  /** Local date of now: the day the age rules are applied on. */
  private get today(): string {
    return this.deps.calendar.localDate(this.deps.clock.now());
  }

  private previousConfirmed(r: Referral): AgreedDate[] | undefined {
    const confirmed = (r.handover?.agreements ?? []).filter((a) => a.confirmedAt);
    const before = confirmed.at(-2);
    return before ? effectiveAgreedDates(r, before)?.dates : undefined;
  }

  /** A referral event for the service norms: plans the escalations it starts and cancels those it ends. */
  private async normEvent(r: Referral, type: string, at: Date, pending: PendingReminders): Promise<void> {
    const changes = normRemindersOnEvent(this.deps.norms, r.referralId, referralHistory(r), { type, at }, partiesOf(r, this.today), this.ctx);
    await this.deps.store.cancel(changes.cancel);
    pending.cancelled(changes.cancel);
    // A start event that happens again (a moved meeting) replaces the escalations of the earlier start.
    const started = new Set(this.deps.norms.filter((n) => n.startEvent === type).map((n) => n.id));
    // A norm whose end event happened is met, whenever its clock started.
    const ended = new Set(this.deps.norms.filter((n) => n.endEvent === type).map((n) => n.id));
    await this.replace(r, (doc) => doc.kind === 'normEscalation' && ended.has(doc.subject.normId ?? '') && !started.has(doc.subject.normId ?? ''), [], pending);
    const keep = new Set(changes.create.map((c) => c.id));
    await this.replace(r, (doc) => doc.kind === 'normEscalation' && started.has(doc.subject.normId ?? '') && !keep.has(doc.id), [], pending);
    const created = await localize(changes.create, this.deps.languageOf, r);
    await this.deps.store.save(created);
    pending.saved(created);
    if (changes.create.length + changes.cancel.length > 0) {
      this.deps.log.info({ referralId: r.referralId, event: type, created: changes.create.length, cancelled: changes.cancel.length }, 'service-norm escalations updated');
    }
  }

  /** Cancels pending reminders of the referral that match and are not in `next`, then saves `next`. */
  private async replace(referral: Referral, matches: (doc: ReminderRef) => boolean, next: PlannedReminder[], pending: PendingReminders): Promise<void> {
    const ids = new Set(next.map((n) => n.id));
    const old = (await pending.list()).filter((d) => matches(d) && !ids.has(d.id));
    await this.deps.store.cancel(old);
    pending.cancelled(old);
    const localized = await localize(next, this.deps.languageOf, referral);
    await this.deps.store.save(localized);
    pending.saved(localized);
  }
}

/**
 * A referral's pending reminders during one planning step: read on first use (one point read of
 * its reminder index), then kept up to date with what the step itself cancels and saves, so the
 * step's later replacements see what a fresh read would show without reading again.
 */
export class PendingReminders {
  private current?: Map<string, ReminderRef>;

  constructor(private readonly read: () => Promise<ReminderRef[]>) {}

  async list(): Promise<ReminderRef[]> {
    this.current ??= new Map((await this.read()).map((d) => [d.id, d]));
    return [...this.current.values()];
  }

  cancelled(reminders: Pick<ReminderRef, 'id'>[]): void {
    for (const r of reminders) this.current?.delete(r.id);
  }

  saved(reminders: PlannedReminder[]): void {
    for (const r of reminders) this.current?.set(r.id, refOf(r));
  }
}
