import type { Application } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { DateTime } from 'luxon';
import { agreedMomentText as longDate } from '../../i18n/format.js';
import { isAgreementReminder, reminderResultCard, ReminderCardActionSchema, type ReminderCardAction } from '../../../cards/reminder/index.js';
import { VERBS } from '../../../cards/verbs.js';
import { agreedDateMovedEffects, effectiveAgreedDates, recordAgreedDateChange } from '../../domain/agreedDateChanges.js';
import { refuse } from '../../domain/decision.js';
import { reminderMarkedDone, type ReminderDone } from '../../domain/lifecycle.js';
import { partiesOf } from '../../domain/referralParties.js';
import { isOpen, isRefusal, rescheduleAgreement, snoozeReminder, type AgreementRescheduled, type PlanContext, type SnoozeChoice } from '../../domain/reminders.js';
import type { Actor } from '../../domain/types.js';
import type { RecipientDelivery, ReminderDocument } from '../../store/reminders.js';
import { decideAndSave, parseAction } from '../actions.js';
import { respondWithCard, respondWithMessage, trOf } from '../context.js';
import type { BotDeps } from '../deps.js';

type Handler = (ctx: TurnContext, actor: Actor, doc: ReminderDocument, recipient: RecipientDelivery, action: ReminderCardAction) => Promise<void>;

/**
 * The reminder card's buttons: Gedaan, Later and Verzet datum. Each reloads the reminder and
 * lets only the person it was sent to act; anyone else is refused and audited on the referral.
 */
export function registerReminders(app: Application, deps: BotDeps): void {
  function on(verb: string, handler: Handler) {
    app.adaptiveCards.actionExecute(verb, async (ctx, _s, data: Record<string, unknown>) => {
      const parsed = await parseAction(ctx, deps, verb, ReminderCardActionSchema, data);
      if (!parsed) return '';
      const { actor, action } = parsed;
      const found = await deps.reminderStore.get(action.reminderId, action.bucket);
      if (!found) {
        await respondWithMessage(ctx, trOf(ctx)('reminder.notFound'));
        return '';
      }
      const doc = found.doc;
      const recipient = doc.recipients.find((r) => r.key === action.recipientKey && r.aadObjectId === actor.aadObjectId);
      if (!recipient) {
        deps.log.warn({ referralId: doc.referralId, reminderId: doc.id, verb, actor: actor.aadObjectId }, 'reminder action refused: not a recipient');
        await deps.referrals.record(doc.referralId, actor.aadObjectId, [{ type: 'audit', action: 'reminder.refused', detail: { verb, reminderId: doc.id } }], deps.clock.now());
        await respondWithMessage(ctx, trOf(ctx)('reminders.notYours'));
        return '';
      }
      await handler(ctx, actor, doc, recipient, action);
      return '';
    });
  }

  const ctxOf = (): PlanContext => ({ calendar: deps.calendar, policy: deps.reminderPolicy, clock: deps.clock });

  on(VERBS.reminderDone, async (ctx, actor, doc, recipient, action) => {
    const tr = trOf(ctx);
    const marked = await deps.reminderStore.markDone(doc.id, doc.bucket, recipient.key);
    if (!marked && isOpen(doc.status)) return respondWithMessage(ctx, tr('reminder.notOpen'));
    if (marked) {
      // The note is kept on the referral's timeline only; logs get its presence, never its text.
      deps.log.info({ referralId: doc.referralId, reminderId: doc.id, hasNote: Boolean(action.note) }, 'reminder marked done');
      // What follows for the referral (its timeline, the date's escalations withdrawn, nazorg after
      // the evaluation, the registration's on-time or late count) is one decision.
      const { label, agreementId, date } = doc.subject;
      const done: ReminderDone = { reminderId: doc.id, role: recipient.role, ...(label ? { label } : {}), ...(action.note ? { note: action.note } : {}), ...(agreementId ? { agreementId } : {}), ...(date ? { date } : {}) };
      await decideAndSave(deps, doc.referralId, actor, (current, now) => (current ? reminderMarkedDone(current, done, now) : refuse('notFound')));
    }
    return respondWithCard(ctx, reminderResultCard(doc, tr('reminder.markedDone')));
  });

  on(VERBS.reminderSnooze, async (ctx, _actor, doc, recipient, action) => {
    const tr = trOf(ctx);
    const choice = snoozeChoice(action);
    if (!choice) return respondWithMessage(ctx, tr('reminder.snoozeDateMissing'));
    const snoozed = snoozeReminder(doc, recipient.key, choice, ctxOf());
    if (isRefusal(snoozed)) return respondWithMessage(ctx, tr(snoozed.refused));
    await deps.reminderStore.save([snoozed]);
    const at = DateTime.fromISO(snoozed.dueAt, { zone: doc.timeZone }).setLocale('nl');
    deps.log.info({ referralId: doc.referralId, reminderId: doc.id, snoozedTo: snoozed.id }, 'reminder snoozed');
    return respondWithCard(ctx, reminderResultCard(doc, tr('reminder.snoozedUntil', { date: at.toFormat('cccc d LLLL yyyy'), time: at.toFormat('HH:mm') })));
  });

  on(VERBS.reminderReschedule, async (ctx, actor, doc, recipient, action) => {
    const tr = trOf(ctx);
    const agreementId = doc.subject.agreementId;
    if (!isAgreementReminder(doc) || !agreementId) return respondWithMessage(ctx, tr('reminders.unknownAgreement'));
    if (!action.newDate) return respondWithMessage(ctx, tr('reminder.newDateMissing'));
    const to = { date: action.newDate, ...(action.newTime ? { time: action.newTime } : {}) };
    let moved: AgreementRescheduled | undefined;
    let refusal: string | undefined;
    // The new reminders and who is told are effects committed with the change: the runner carries them out after the answer.
    const outcome = await decideAndSave(deps, doc.referralId, actor, (cur, now) => {
      const current = cur && effectiveAgreedDates(cur);
      if (!cur || !current) return refuse('notFound');
      const result = rescheduleAgreement({ referralId: cur.referralId, agreedDates: current.dates, parties: partiesOf(cur) }, agreementId, to, recipient.role, ctxOf());
      if (isRefusal(result)) {
        refusal = result.refused;
        return refuse('invalid');
      }
      const decision = recordAgreedDateChange(cur, actor, { agreementsVersion: current.version, agreementId, from: result.event.from, to: result.event.to, byRole: recipient.role }, now);
      if (!decision.ok) return decision;
      moved = result.event;
      return { ...decision, effects: [...(decision.effects ?? []), ...agreedDateMovedEffects(decision.value, result.event, actor, result)] };
    });
    if (refusal) return respondWithMessage(ctx, tr(refusal));
    if (!outcome.decision.ok || !moved) return respondWithMessage(ctx, tr(`refusal.${outcome.decision.ok ? 'stale' : outcome.decision.code}`));
    const event = moved;
    deps.log.info({ referralId: doc.referralId, agreementId, by: recipient.role }, 'agreement rescheduled');
    return respondWithCard(ctx, reminderResultCard(doc, tr('reminder.rescheduledNotice', { to: longDate(event.to) })));
  });
}

function snoozeChoice(action: ReminderCardAction): SnoozeChoice | undefined {
  switch (action.snooze) {
    case 'workingDays':
      return { kind: 'workingDays', days: action.days ?? 2 };
    case 'date':
      return action.snoozeDate ? { kind: 'date', date: action.snoozeDate } : undefined;
    default:
      return { kind: 'nextWorkingDay' };
  }
}


