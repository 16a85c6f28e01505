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
import { refOf, StaleIndexError, type ReminderRef, type ReminderStore } from '../store/reminders.js';

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

  /**
   * Runs one planning step of the referral (see {@link PlanningStep}): first on its reminder index
   * as this process last wrote it (no read), and again on the stored index when another instance
   * changed it meanwhile (nothing of the first try's index change was written then; what it
   * withdrew is withdrawn on the stored index too, and planning again is a no-op).
   */
  private async step<T>(r: Referral, body: (step: PlanningStep) => Promise<T>): Promise<T> {
    try {
      return await body(new PlanningStep(r.referralId, (memory) => this.deps.store.lookUpPending(r.referralId, r.createdAt, memory), this.deps.store, true));
    } catch (err) {
      if (!(err instanceof StaleIndexError)) throw err;
      this.deps.log.info({ referralId: r.referralId }, 'reminder index changed elsewhere; planning again on the stored index');
      return body(new PlanningStep(r.referralId, (memory) => this.deps.store.lookUpPending(r.referralId, r.createdAt, memory), this.deps.store, false));
    }
  }

  async referralSubmitted(r: Referral): Promise<void> {
    const submittedAt = r.submittedAt;
    if (!submittedAt) return;
    await this.step(r, async (step) => {
      await this.normEvent(r, 'submitted', new Date(submittedAt), step);
      await step.commit();
    });
  }

  async referralAccepted(r: Referral): Promise<void> {
    const acceptedAt = r.acceptedAt;
    if (!acceptedAt) return;
    await this.step(r, async (step) => {
      await this.normEvent(r, 'accepted', new Date(acceptedAt), step);
      await step.commit();
    });
  }

  async handoverBooked(r: Referral): Promise<void> {
    const meeting = r.handover?.meeting;
    if (!meeting) return;
    const prompt = planAgreementsPrompt(r.referralId, meeting, partiesOf(r, this.today), this.ctx);
    await this.step(r, async (step) => {
      await this.replace(r, (doc) => doc.kind === 'agreementsPrompt', prompt ? [prompt] : [], step);
      await this.normEvent(r, 'handoverHeld', new Date(meeting.end), step);
      await step.commit();
    });
    this.deps.log.info({ referralId: r.referralId, prompt: prompt?.dueAt }, 'agreements prompt planned');
  }

  async referralClosed(r: Referral): Promise<void> {
    await this.step(r, async (step) => {
      await this.replace(r, () => true, [], step);
      await step.commit();
    });
    this.deps.log.info({ referralId: r.referralId }, 'reminders of a closed referral withdrawn');
  }

  async referralDeclined(r: Referral): Promise<void> {
    await this.step(r, async (step) => {
      await this.replace(r, () => true, [], step);
      await step.commit();
    });
    this.deps.log.info({ referralId: r.referralId }, 'reminders of a declined referral withdrawn');
  }

  /** The meeting was called off: its prompt and the norms it started go; the handover norm runs again. */
  async handoverCancelled(r: Referral): Promise<void> {
    const startedByMeeting = new Set(this.deps.norms.filter((n) => n.startEvent === 'handoverHeld').map((n) => n.id));
    await this.step(r, async (step) => {
      await this.replace(r, (doc) => doc.kind === 'agreementsPrompt' || (doc.kind === 'normEscalation' && startedByMeeting.has(doc.subject.normId ?? '')), [], step);
      if (r.acceptedAt) await this.normEvent(r, 'accepted', new Date(r.acceptedAt), step);
      await step.commit();
    });
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
    const localized = await localize(plan.reminders, this.deps.languageOf, r);
    const { created, cancelled } = await this.step(r, async (step) => {
      step.cancel(stale);
      step.save(localized);
      await this.replace(r, (doc) => doc.kind === 'agreementsPrompt', [], step);
      const confirmedAt = r.handover?.agreements.filter((a) => a.confirmedAt).at(-1)?.confirmedAt;
      if (confirmedAt) await this.normEvent(r, 'agreementsConfirmed', new Date(confirmedAt), step);
      return step.commit();
    });
    this.deps.log.info(
      { referralId: r.referralId, agreementIds: dates.map((d) => d.agreementId), created, cancelled, unaddressable: plan.unaddressable.map((u) => `${u.agreementId}:${u.role}`) },
      'agreement reminders planned',
    );
    // Never dropped silently: a role the dates name that should be reached but cannot be is a problem on the case (the caller's domain decides what follows).
    return unreachableRoles(r, plan.unaddressable.map((u) => u.role), this.today);
  }

  async agreedDateDone(r: Referral, agreementId: string, date: string | undefined): Promise<number> {
    return this.step(r, async (step) => {
      const overdue = (await step.list()).filter((d) => d.kind === 'agreementOverdue' && d.subject.agreementId === agreementId && d.subject.date === date);
      step.cancel(overdue);
      return (await step.commit()).cancelled;
    });
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
  private async normEvent(r: Referral, type: string, at: Date, step: PlanningStep): Promise<void> {
    const changes = normRemindersOnEvent(this.deps.norms, r.referralId, referralHistory(r), { type, at }, partiesOf(r, this.today), this.ctx);
    step.cancel(changes.cancel);
    // A start event that happens again (a moved meeting) replaces the escalations of the earlier start.
    const started = new Set(this.deps.norms.filter((n) => n.startEvent === type).map((n) => n.id));
    // A norm whose end event happened is met, whenever its clock started.
    const ended = new Set(this.deps.norms.filter((n) => n.endEvent === type).map((n) => n.id));
    await this.replace(r, (doc) => doc.kind === 'normEscalation' && ended.has(doc.subject.normId ?? '') && !started.has(doc.subject.normId ?? ''), [], step);
    const keep = new Set(changes.create.map((c) => c.id));
    await this.replace(r, (doc) => doc.kind === 'normEscalation' && started.has(doc.subject.normId ?? '') && !keep.has(doc.id), [], step);
    step.save(await localize(changes.create, this.deps.languageOf, r));
    if (changes.create.length + changes.cancel.length > 0) {
      this.deps.log.info({ referralId: r.referralId, event: type, created: changes.create.length, cancelled: changes.cancel.length }, 'service-norm escalations updated');
    }
  }

  /** Withdraws pending reminders of the referral that match and are not in `next`, and plans `next`. */
  private async replace(referral: Referral, matches: (doc: ReminderRef) => boolean, next: PlannedReminder[], step: PlanningStep): Promise<void> {
    const ids = new Set(next.map((n) => n.id));
    step.cancel((await step.list()).filter((d) => matches(d) && !ids.has(d.id)));
    step.save(await localize(next, this.deps.languageOf, referral));
  }
}

/**
 * One planning step of a referral: its pending reminders, read on first use (one point read of
 * its reminder index) and kept up to date with what the step withdraws and plans, so the step's
 * later replacements see what a fresh read would show without reading again; and those changes,
 * written together at the end ({@link ReminderStore.apply}: one index write instead of one per
 * change), with the same outcome as changing them one by one.
 */
export class PlanningStep {
  private current?: Map<string, ReminderRef>;
  /** Per reminder: withdrawn, planned, or withdrawn and then planned again (it comes back as planned now). */
  private readonly changes = new Map<string, { cancel?: ReminderRef; save?: PlannedReminder }>();

  /** The step chose on the index as this process remembered it (no read): its commit then refuses to write over a changed one. */
  private remembered = false;

  /**
   * `lookUp(memory)`: the referral's pending reminders, from memory when `memory` and this process
   * has the index (see {@link ReminderStore.lookUpPending}); `useMemory`: whether this step may.
   */
  constructor(
    private readonly referralId: string,
    private readonly lookUp: (memory: boolean) => Promise<{ refs: ReminderRef[]; remembered: boolean }>,
    private readonly store: Pick<ReminderStore, 'apply' | 'confirmRemembered'>,
    private readonly useMemory = false,
  ) {}

  async list(): Promise<ReminderRef[]> {
    if (!this.current) {
      const found = await this.lookUp(this.useMemory);
      this.remembered = found.remembered;
      const read = new Map(found.refs.map((d) => [d.id, d]));
      // What the step changed before it first looked.
      for (const [id, change] of this.changes) {
        if (change.save) read.set(id, refOf(change.save));
        else read.delete(id);
      }
      this.current = read;
    }
    return [...this.current.values()];
  }

  cancel(reminders: ReminderRef[] | PlannedReminder[]): void {
    for (const r of reminders) {
      const ref = 'recipients' in r ? refOf(r) : r;
      this.current?.delete(ref.id);
      // Planned and then withdrawn in the same step: it is not created at all.
      this.changes.set(ref.id, { cancel: ref });
    }
  }

  save(reminders: PlannedReminder[]): void {
    for (const r of reminders) {
      this.current?.set(r.id, refOf(r));
      this.changes.set(r.id, { ...this.changes.get(r.id), save: r });
    }
  }

  /** Writes the step's changes; what it withdrew and created. */
  async commit(): Promise<{ created: number; cancelled: number }> {
    const changes = [...this.changes.values()];
    this.changes.clear();
    if (changes.length === 0) {
      // Nothing to change, as remembered: only the stored index can confirm it.
      if (this.remembered) await this.store.confirmRemembered(this.referralId);
      return { created: 0, cancelled: 0 };
    }
    // The store withdraws first and plans after: one withdrawn and planned again comes back as planned now.
    const cancel = changes.flatMap((c) => (c.cancel ? [c.cancel] : []));
    const save = changes.flatMap((c) => (c.save ? [c.save] : []));
    const { created, cancelled } = await this.store.apply(cancel, save, { chosenOnMemory: this.remembered });
    return { created, cancelled };
  }
}
