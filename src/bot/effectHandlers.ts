import { createHash } from 'node:crypto';
import type { CaseCardRef } from '../domain/caseCards.js';
import type { EffectResult } from '../domain/effectResults.js';
import { refreshSuperseded, type Effect, type EffectOutcome } from '../domain/effects.js';
import { bookingToDo, mayPlan, meetingVersion } from '../domain/handoverFlow.js';
import { planClosePrompt } from '../domain/lifecycle.js';
import type { Referral } from '../domain/referral.js';
import { partiesOf } from '../domain/referralParties.js';
import { registrationWrites } from '../domain/registration.js';
import type { PortResult, TeamsPort } from '../effects/ports.js';
import type { CarryOut } from '../effects/runner.js';
import { agreedMomentText } from '../i18n/format.js';
import { translator } from '../i18n/index.js';
import { localize } from '../scheduler/planner.js';
import { caseCardContext, renderCaseCard } from './caseCards.js';
import { deliveryProblemText, problemCard } from './deliveryProblems.js';
import { rolesOf } from '../domain/deliveryProblems.js';
import type { BotDeps } from './deps.js';
import { cancelledThroughGraph, cardMessage, findProposals, informOtherParty, informParent, invitationMessage, sendAgreementsToSmw, sendInvitation, tellParentAboutMeeting, viewerOf, viewFor } from './handoverEffects.js';
import { agreedDates, confirmedAgreements } from '../domain/handover.js';
import { agreementRecipients } from '../domain/referralParties.js';
import { parentAnswerCard, prepareParentLink } from './features/parentLink.js';
import { wijkteamNamer } from './intakePosting.js';
import { handoverCard } from '../../cards/handover/index.js';
import { escapeHtml, parentLinkMail } from '../../cards/parentMail/index.js';
import { declinedCard, intakeCard } from '../../cards/intake/index.js';

const outcomeOf = (r: PortResult): EffectOutcome => (r.ok ? { ok: true } : r);
const skipped = (note: string): { outcome: EffectOutcome } => ({ outcome: { ok: true, note } });
/** A short digest of a rendered card: an identical render is not sent again. */
const digest = (card: object): string => createHash('sha256').update(JSON.stringify(card)).digest('base64url').slice(0, 16);
/** States in which the warme overdracht can still be planned (a planning card makes sense). */
const PLANNING = new Set<Referral['state']>(['accepted', 'handoverScheduled']);

/**
 * How each kind of effect is carried out: cards are rendered from the referral as it is when
 * the effect runs, so what a card says about delivery is the effect's state at that moment.
 */
export function effectHandlers(deps: BotDeps, teams: TeamsPort): CarryOut {
  const today = () => deps.calendar.localDate(deps.clock.now());
  return async (effect: Effect, referral: Referral): Promise<{ outcome: EffectOutcome; result?: EffectResult }> => {
    switch (effect.kind) {
      case 'postIntakeCard': {
        // Redirected (or declined) before this post ran: the card would be out of date at once.
        if (referral.state !== 'submitted' || referral.routing?.wijkteamId !== effect.wijkteamId) return skipped('superseded');
        const channel = await deps.settings.channel(effect.wijkteamId);
        // Not linked yet: the coordinator's `koppel wijkteam` posts what waits.
        if (!channel) return skipped('notLinked');
        const card = intakeCard(translator('nl'), referral, today(), await wijkteamNamer(deps));
        const sent = await teams.postToChannel(channel, cardMessage(card));
        if (!sent.ok) return { outcome: sent };
        const postedAt = deps.clock.now().toISOString();
        return { outcome: { ok: true }, result: { intakePost: { wijkteamId: channel.wijkteamId, conversationId: channel.channelId, activityId: sent.activityId ?? '', postedAt } } };
      }
      case 'updateIntakeCard': {
        // The channel's card for everyone, not only the member who clicked (their answer already shows it).
        const post = effect.post ?? referral.intakePost;
        if (!post) return skipped('noPost');
        const channel = await deps.settings.channel(post.wijkteamId);
        if (!channel) return skipped('notLinked');
        const card = intakeCard(translator('nl'), referral, today(), await wijkteamNamer(deps), undefined, effect.redirectedTo);
        return { outcome: outcomeOf(await teams.updateInChannel({ ...channel, channelId: post.conversationId }, post.activityId, cardMessage(card))) };
      }
      case 'updatePersonCard': {
        const tr = translator((await deps.languageOf(effect.aadObjectId)) ?? 'nl');
        if (effect.view === 'declined') return { outcome: outcomeOf(await teams.toPerson(effect.aadObjectId, cardMessage(declinedCard(tr, referral)), effect.activityId)) };
        // The SMW'er's card since the submit: their live case card.
        const card = await renderCaseCard(deps, referral, effect.aadObjectId);
        return { outcome: outcomeOf(await teams.toPerson(effect.aadObjectId, cardMessage(card), effect.activityId)) };
      }
      case 'refreshCaseCards':
        return refreshCaseCards(deps, teams, referral, today(), effect.channel === true);
      case 'offerHandoverPlanning': {
        const person = { aadObjectId: effect.aadObjectId, name: '', tenantId: referral.tenantId };
        if (!PLANNING.has(referral.state) || !mayPlan(referral, person)) return skipped('superseded');
        const view = await viewFor(deps, effect.aadObjectId);
        const card = handoverCard(view, referral, viewerOf(referral, effect.aadObjectId));
        const intro = effect.intro && view.tr(effect.intro.messageKey, effect.intro.params);
        const sent = await teams.toPerson(effect.aadObjectId, { ...cardMessage(card), ...(intro ? { text: intro } : {}) });
        if (!sent.ok) return { outcome: sent };
        const known = effect.aadObjectId === referral.smw.aadObjectId ? referral.smw.email : referral.caseManager?.email;
        const email = known ?? (await emailOf(deps, effect.aadObjectId));
        return {
          outcome: { ok: true },
          result: { ...(sent.activityId ? { handoverCard: { aadObjectId: effect.aadObjectId, activityId: sent.activityId } } : {}), ...(email && !known ? { email } : {}) },
        };
      }
      case 'planReminders':
        if (effect.trigger === 'aftercareStarted') {
          const prompt = planClosePrompt(referral, partiesOf(referral), { calendar: deps.calendar, policy: deps.reminderPolicy, clock: deps.clock });
          if (prompt) await deps.reminderStore.save([prompt]);
          return { outcome: { ok: true, ...(prompt ? {} : { note: 'noAftercareDate' }) } };
        }
        if (effect.trigger === 'referralSubmitted') await deps.reminders.referralSubmitted(referral);
        else if (effect.trigger === 'referralAccepted') await deps.reminders.referralAccepted(referral);
        else if (effect.trigger === 'handoverBooked') await deps.reminders.handoverBooked(referral);
        else if (effect.trigger === 'agreementsConfirmed') {
          const record = confirmedAgreements(referral.handover?.agreements ?? []);
          if (!record) return skipped('noAgreements');
          const unreachable = await deps.reminders.agreementsConfirmed(referral, agreedDates(record));
          return { outcome: { ok: true }, ...(unreachable.length > 0 ? { result: { unreachable } } : {}) };
        }
        else return { outcome: { ok: false, retryable: false, reason: 'unsupported' } };
        return { outcome: { ok: true } };
      case 'escalate': {
        const text = translator('nl')(effect.messageKey, effect.params);
        const sent = effect.to === 'coordinator' ? await teams.toNamedChannel(deps.config.reminders.coordinatorChannelKey, { text }) : await teams.toPerson(referral.smw.aadObjectId, { text });
        // No coordinators' channel linked: the SMW'er's card already says what to do.
        if (!sent.ok && !sent.retryable) return { outcome: { ok: true, note: sent.reason } };
        return { outcome: outcomeOf(sent) };
      }
      case 'notifyPerson': {
        const namer = effect.wijkteamParams?.length ? await wijkteamNamer(deps) : undefined;
        const params = namer ? Object.fromEntries(Object.entries(effect.params).map(([k, v]) => [k, effect.wijkteamParams?.includes(k) ? namer(v) : v])) : effect.params;
        const text = translator((await deps.languageOf(effect.aadObjectId)) ?? 'nl')(effect.messageKey, params);
        return { outcome: outcomeOf(await teams.toPerson(effect.aadObjectId, { text })) };
      }
      case 'parentAnswerToCaseManager': {
        const answer = referral.parentPage?.answers.find((a) => a.id === effect.answerId);
        const cm = referral.caseManager;
        if (!answer || !cm) return skipped('noCaseManager');
        const lang = (await deps.languageOf(cm.aadObjectId)) ?? 'nl';
        return { outcome: outcomeOf(await teams.toPerson(cm.aadObjectId, cardMessage(parentAnswerCard(lang, referral, answer)))) };
      }
      case 'findSlots': {
        const request = referral.handover?.request;
        if (!request || !PLANNING.has(referral.state)) return skipped('superseded');
        // Graph's free/busy (slow, may fail: then working hours and the card says so).
        const found = await findProposals(deps, referral, request);
        return { outcome: { ok: true, ...(found.calendarFailed ? { note: 'calendarFailed' } : {}) }, result: { proposals: found } };
      }
      case 'bookMeeting': {
        // Checked again as stored now: a newer round of times or a booking since makes this one moot.
        const todo = bookingToDo(referral, effect);
        if (!todo.ok || todo.already) return skipped('superseded');
        try {
          const invitation = await sendInvitation(deps, referral, todo.plan);
          return { outcome: { ok: true }, result: { invitation } };
        } catch (err) {
          const status = (err as { status?: number }).status;
          deps.log.warn({ referralId: referral.referralId, status, err: { message: (err as Error).message } }, 'booking failed at the calendar');
          // The calendar said no (4xx other than 429): trying again changes nothing.
          const retryable = status === undefined || status === 429 || status >= 500;
          return { outcome: { ok: false, retryable, reason: status ? `graph${status}` : 'graphUnavailable' } };
        }
      }
      case 'deliverAgreements':
        return deliverAgreements(deps, teams, referral, effect);
      case 'cancelMeeting': {
        const meeting = referral.handover && meetingVersion(referral.handover, effect.uid, effect.sequence)?.meeting;
        if (!meeting) return skipped('superseded');
        // Graph tells the attendees itself; otherwise the cancellation goes out as effects of its own.
        if (await cancelledThroughGraph(deps, referral, meeting)) return { outcome: { ok: true } };
        return { outcome: { ok: true }, result: { icsCancellation: true } };
      }
      case 'cancelReminders':
        if (effect.trigger === 'handoverCancelled') await deps.reminders.handoverCancelled(referral);
        else if (effect.trigger === 'referralClosed') await deps.reminders.referralClosed(referral);
        else if (effect.trigger === 'referralDeclined') await deps.reminders.referralDeclined(referral);
        else return { outcome: { ok: false, retryable: false, reason: 'unsupported' } };
        return { outcome: { ok: true } };
      case 'withdrawEscalations':
        return { outcome: { ok: true, note: `withdrawn:${await deps.reminders.agreedDateDone(referral, effect.agreementId, effect.date)}` } };
      case 'countRegistration': {
        // Keyed per transition and cell (conditional patches): a repeat counts nothing twice. The
        // professionals of the transition go with the counts of their cell, in the same patch.
        const { cells, alone } = registrationWrites(effect.increments, effect.participations);
        for (const { increment, people } of cells) await deps.registration.apply(increment, people);
        for (const p of alone) await deps.registration.participate(p);
        return { outcome: { ok: true } };
      }
      case 'expireEntries': {
        if (!referral.ttl) return skipped('noTtl');
        const entries = await deps.referrals.expireEntries(referral.referralId, referral.ttl);
        return { outcome: { ok: true, note: `entries:${entries}` } };
      }
      case 'announceMeeting': {
        const meeting = referral.handover && meetingVersion(referral.handover, effect.uid, effect.sequence)?.meeting;
        if (!meeting) return skipped('superseded');
        return { outcome: { ok: true }, result: { parentNotice: await tellParentAboutMeeting(deps, referral, meeting, effect.method) } };
      }
      case 'sendInvitation': {
        const meeting = referral.handover && meetingVersion(referral.handover, effect.uid, effect.sequence)?.meeting;
        if (!meeting) return skipped('superseded');
        const lang = (await deps.languageOf(effect.aadObjectId)) ?? 'nl';
        return { outcome: outcomeOf(await teams.toPerson(effect.aadObjectId, invitationMessage(deps, lang, referral, meeting, effect.method))) };
      }
      case 'withdrawEvent':
        if (!deps.meetings) return skipped('noCalendar');
        try {
          await deps.meetings.cancelEvent(effect.organizer, effect.eventId);
          return { outcome: { ok: true } };
        } catch (err) {
          deps.log.warn({ referralId: referral.referralId, err: { message: (err as Error).message } }, 'could not withdraw an unsaved calendar event');
          return { outcome: { ok: false, retryable: true, reason: 'graph' } };
        }
      case 'refreshHandoverCards':
        if (refreshSuperseded(referral.outbox, effect)) return skipped('superseded');
        return { outcome: await refreshHandoverCards(deps, teams, referral, effect.except) };
      case 'readdressReminders': {
        const moved = await deps.reminderStore.readdress(referral.referralId, effect.role, effect.fromAadObjectId, effect.to);
        return { outcome: { ok: true, note: `readdressed:${moved}` } };
      }
      case 'dropReminderRecipients': {
        const dropped = await deps.reminderStore.dropRecipients(referral.referralId, effect.role, referral.createdAt);
        return { outcome: { ok: true, note: `dropped:${dropped}` } };
      }
      case 'replaceReminders': {
        const cancelled = await deps.reminderStore.cancel(effect.cancel);
        const saved = await deps.reminderStore.save(await localize(effect.create, deps.languageOf, referral));
        return { outcome: { ok: true, note: `cancelled:${cancelled},created:${saved.created}` } };
      }
      case 'tellDateMoved':
        return tellDateMoved(deps, teams, referral, effect);
      case 'mailParentLink':
        return mailParentLink(deps, referral, effect);
      case 'tellDeliveryProblem': {
        // To the SMW'er of the referral as it is now (a case handed over goes to the new one).
        const to = referral.smw.aadObjectId;
        const lang = (await deps.languageOf(to)) ?? 'nl';
        const text = deliveryProblemText(lang, referral, effect.problem);
        // The SMW'er themselves unreached is only ever on the timeline; a button records passing it on.
        const roles = rolesOf(effect.problem).filter((role) => role !== 'smw');
        return { outcome: outcomeOf(await teams.toPerson(to, { text, ...(roles.length > 0 ? { attachments: cardMessage(problemCard(lang, referral, roles)).attachments } : {}) })) };
      }
      default:
        // Kinds whose flows still run inline in their handlers; never committed yet.
        return { outcome: { ok: false, retryable: false, reason: 'unsupported' } };
    }
  };
}

/**
 * The parent's new link in a mail of its own. Only the link just issued (a newer one supersedes
 * it); the link comes from this process's memory, since its token is never stored — lost after a
 * restart, the mail fails for good (on the timeline) and "Nieuwe link voor ouders" is the remedy.
 */
async function mailParentLink(deps: BotDeps, referral: Referral, effect: Extract<Effect, { kind: 'mailParentLink' }>): Promise<{ outcome: EffectOutcome; result?: EffectResult }> {
  const email = referral.handover?.request?.parent.email;
  if (!email) return skipped('noEmail');
  const link = referral.parentPage?.link;
  if (!link || link.hash !== effect.hash || link.revokedAt) return skipped('superseded');
  const url = deps.parentLinks.recentUrl(referral, deps.clock.now());
  // Another instance may have taken the effect before the one that issued the link: tried again
  // twice (that instance then usually has it), then failed for good.
  const tried = effect.state.status === 'retrying' ? effect.state.attempt : 0;
  if (!url) return { outcome: { ok: false, retryable: tried < 2, reason: 'linkNotKept' } };
  const mail = parentLinkMail(referral, url);
  try {
    const receipt = await deps.mail.send(email, mail.subject, mail.html, { referralId: referral.referralId, idempotencyKey: `parent-link-${referral.referralId}-${effect.hash.slice(0, 16)}` });
    return { outcome: { ok: true }, result: { linkMail: receipt } };
  } catch (err) {
    deps.log.warn({ referralId: referral.referralId, err: { name: (err as Error).name } }, 'parent link mail failed; tried again later');
    return { outcome: { ok: false, retryable: true, reason: 'mailFailed' } };
  }
}

/**
 * Both professionals' handover cards updated in place with the current state (not `except`, the
 * clicked card its click answered). A card Teams can never update (the app removed) is left; a
 * failure worth retrying, or Teams asking to wait, makes the whole refresh run again later
 * (updating a card to what it already shows changes nothing).
 */
async function refreshHandoverCards(deps: BotDeps, teams: TeamsPort, r: Referral, except?: string): Promise<EffectOutcome> {
  let outcome: EffectOutcome = { ok: true };
  for (const ref of r.handover?.cards ?? []) {
    // Only cards with a message to update: an update is never turned into a new post.
    if (!ref.activityId || ref.activityId === except) continue;
    // In the person's language, as their own clicks answer: an update never switches the card's language.
    const res = await teams.toPerson(ref.aadObjectId, cardMessage(handoverCard(await viewFor(deps, ref.aadObjectId), r, viewerOf(r, ref.aadObjectId))), ref.activityId);
    if (res.ok || !res.retryable) continue;
    if (res.throttled) return res;
    outcome = res;
  }
  return outcome;
}

/**
 * A moved agreed date told to one party: a professional in Teams (with the referral number), anyone
 * else by e-mail with only the label and the new date. A mail that only reached the outbox says so.
 */
async function tellDateMoved(deps: BotDeps, teams: TeamsPort, referral: Referral, effect: Extract<Effect, { kind: 'tellDateMoved' }>): Promise<{ outcome: EffectOutcome }> {
  const params = { number: referral.number, label: effect.label, from: agreedMomentText(effect.from), to: agreedMomentText(effect.to) };
  if (effect.aadObjectId) {
    const text = translator((await deps.languageOf(effect.aadObjectId)) ?? 'nl')('reminder.rescheduledToParty', params);
    return { outcome: outcomeOf(await teams.toPerson(effect.aadObjectId, { text })) };
  }
  const email = partiesOf(referral).find((p) => p.role === effect.role)?.contact?.email;
  if (!email) return skipped('noEmail');
  const tr = translator('nl');
  try {
    const receipt = await deps.mail.send(email, tr('reminder.rescheduledMailSubject', { label: effect.label }), tr('reminder.rescheduledMailBody', { label: escapeHtml(effect.label), to: params.to }), {
      referralId: referral.referralId,
      idempotencyKey: `reschedule-${referral.referralId}-${effect.agreementId}-${effect.to.date}${effect.to.time ?? ''}`,
    });
    return { outcome: { ok: true, ...(receipt === 'sent' ? {} : { note: receipt }) } };
  } catch (err) {
    deps.log.warn({ referralId: referral.referralId, role: effect.role, err: { name: (err as Error).name } }, 'moved-date mail failed; tried again later');
    return { outcome: { ok: false, retryable: true, reason: 'mailFailed' } };
  }
}

/** Longer than this, Teams' rate limit makes a case-card refresh wait as a retry, not in the runner. */
const LONG_THROTTLE_MS = 2_000;

/**
 * Every live case card updated in place (or posted, when it has no message yet: the id comes back
 * as the result), then — when the change shows there — the channel's intake card with its title and state. One person's failure
 * does not stop the others; the effect is retried as a whole (an update in place is idempotent).
 */
async function refreshCaseCards(deps: BotDeps, teams: TeamsPort, referral: Referral, today: string, withChannel: boolean): Promise<{ outcome: EffectOutcome; result?: EffectResult }> {
  const sentCards: CaseCardRef[] = [];
  const failures: PortResult[] = [];
  const context = await caseCardContext(deps, referral);
  for (const ref of referral.caseCards ?? []) {
    const card = await renderCaseCard(deps, referral, ref.aadObjectId, undefined, context);
    const shown = digest(card);
    // The same card again (a change it does not show): Teams' per-chat limits are better spent elsewhere.
    if (ref.activityId && ref.shown === shown) continue;
    const sent = await teams.toPerson(ref.aadObjectId, cardMessage(card), ref.activityId);
    if (!sent.ok) failures.push(sent);
    else if (ref.activityId || sent.activityId) sentCards.push({ aadObjectId: ref.aadObjectId, activityId: ref.activityId ?? sent.activityId, shown });
  }
  const posted = sentCards.filter((c) => !(referral.caseCards ?? []).some((r) => r.aadObjectId === c.aadObjectId && r.activityId));
  const post = referral.intakePost;
  const channel = post && withChannel ? await deps.settings.channel(post.wijkteamId) : undefined;
  let intakeShown: string | undefined;
  if (post && channel) {
    const card = intakeCard(translator('nl'), referral, today, await wijkteamNamer(deps));
    const shown = digest(card);
    // Shown already (e.g. this refresh is tried again because a person's chat was busy): the channel's limits are shared by the whole wijkteam.
    if (post.shown !== shown) {
      const sent = await teams.updateInChannel({ ...channel, channelId: post.conversationId }, post.activityId, cardMessage(card));
      if (!sent.ok) failures.push(sent);
      else intakeShown = shown;
    }
  }
  const throttled = failures.find((f) => !f.ok && f.throttled);
  // A throttled attempt records nothing, so a card posted in it would be posted again: instead the
  // posted ids are recorded now and the domain asks for another refresh of the rest.
  if (posted.length > 0 && throttled) return { outcome: { ok: true, note: 'throttled' }, result: { caseCards: sentCards, refreshAgain: { channel: withChannel }, caseCardsVersion: referral.version, ...(intakeShown ? { intakeShown } : {}) } };
  // The version rendered: a change committed meanwhile (after this refresh read the referral) gets a refresh of its own.
  const result: EffectResult = { caseCards: sentCards, caseCardsVersion: referral.version, ...(intakeShown ? { intakeShown } : {}) };
  // A long wait for a person's chat (its per-chat limit is spent on planning cards and messages):
  // the refresh is retried later like a failed attempt instead of holding the runner; it stays
  // open meanwhile, so later changes wait for it and it then shows the referral as it is.
  if (throttled && !throttled.ok && (throttled.retryAfterMs ?? 0) > LONG_THROTTLE_MS) return { outcome: { ok: false, retryable: true, reason: 'throttled' }, result };
  const failed = throttled ?? failures.find((f) => !f.ok && f.retryable) ?? failures[0];
  // A rate-limit wait keeps what was shown (the runner commits the result), so it is not sent again.
  return { outcome: failed ? outcomeOf(failed) : { ok: true }, result };
}

/**
 * The confirmed agreements to one person: the parent by e-mail (with a fresh link to their page,
 * issued here: its token is never stored) or a phone task, the school contact and the pupil as the
 * parties rule says, the SMW'er as a card in Teams. Already delivered (a repeat after a crash): nothing.
 */
async function deliverAgreements(deps: BotDeps, teams: TeamsPort, referral: Referral, effect: Extract<Effect, { kind: 'deliverAgreements' }>): Promise<{ outcome: EffectOutcome; result?: EffectResult }> {
  const record = referral.handover?.agreements.find((a) => a.version === effect.version && a.confirmedAt);
  if (!record) return skipped('superseded');
  if (referral.handover?.deliveries.some((d) => d.agreementsVersion === effect.version && d.recipient === effect.recipient)) return skipped('delivered');
  if (effect.recipient === 'smw') {
    const sent = await sendAgreementsToSmw(deps, teams, referral, effect.version);
    if (!('delivery' in sent)) return { outcome: outcomeOf(sent) };
    // The new message is their card from now on; the planning card they had shows the same, so no card of theirs tells an older state.
    const previous = referral.handover?.cards.find((c) => c.aadObjectId === referral.smw.aadObjectId);
    if (sent.activityId && previous?.activityId) {
      const updated = await teams.toPerson(previous.aadObjectId, cardMessage(handoverCard(await viewFor(deps, previous.aadObjectId), referral, viewerOf(referral, previous.aadObjectId))), previous.activityId);
      if (!updated.ok) deps.log.warn({ referralId: referral.referralId, reason: updated.reason }, "the SMW'er's earlier handover card was not updated");
    }
    return { outcome: { ok: true }, result: { delivery: sent.delivery, ...(sent.activityId ? { handoverCard: { aadObjectId: referral.smw.aadObjectId, activityId: sent.activityId } } : {}) } };
  }
  if (effect.recipient === 'parent') {
    // A fresh link in the mail, committed with the delivery's result (not in a commit of its own).
    const link = referral.caseManager ? prepareParentLink(deps, referral, 'agreements') : undefined;
    return { outcome: { ok: true }, result: { delivery: await informParent(deps, link?.referral ?? referral, record, link?.url), ...(link ? { parentLink: link.issued } : {}) } };
  }
  const recipient = agreementRecipients(referral, deps.calendar.localDate(deps.clock.now())).find((x) => x.role === effect.recipient);
  const delivery = recipient ? await informOtherParty(deps, teams, referral, record, recipient) : undefined;
  if (!delivery) return skipped('notARecipient');
  if (!('recipient' in delivery)) return { outcome: outcomeOf(delivery) };
  return { outcome: { ok: true }, result: { delivery } };
}

/** A professional's e-mail address as Teams knows it (roster of their 1:1 chat); undefined when unknown. */
async function emailOf(deps: BotDeps, aadObjectId: string): Promise<string | undefined> {
  try {
    return await deps.profiles.emailOf(aadObjectId);
  } catch {
    return undefined;
  }
}
