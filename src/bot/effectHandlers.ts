import type { EffectResult } from '../domain/effectResults.js';
import type { Effect, EffectOutcome } from '../domain/effects.js';
import { mayPlan } from '../domain/handoverFlow.js';
import { intakeDelivery } from '../domain/intakeDelivery.js';
import { planClosePrompt } from '../domain/lifecycle.js';
import type { Referral } from '../domain/referral.js';
import { partiesOf } from '../domain/referralParties.js';
import type { PortResult, TeamsPort } from '../effects/ports.js';
import type { CarryOut } from '../effects/runner.js';
import { translator } from '../i18n/index.js';
import type { OutboundMessage } from '../notify/sender.js';
import type { BotDeps } from './deps.js';
import { refreshCards, viewerOf, viewOf } from './handoverEffects.js';
import { parentAnswerCard } from './features/parentLink.js';
import { wijkteamNamer } from './intakePosting.js';
import { handoverCard } from './views/handover.js';
import { declinedCard, intakeCard } from './views/intake.js';
import { submittedCard } from './views/referralForm.js';

const cardMessage = (card: object): OutboundMessage => ({ attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] });
const outcomeOf = (r: PortResult): EffectOutcome => (r.ok ? { ok: true } : r);
const skipped = (note: string): { outcome: EffectOutcome } => ({ outcome: { ok: true, note } });

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
        const map = await deps.settings.districtMap();
        const wijkteamId = referral.routing?.wijkteamId ?? '';
        const card = submittedCard(tr, referral, map?.wijkteam(wijkteamId)?.name ?? wijkteamId, intakeDelivery(referral));
        return { outcome: outcomeOf(await teams.toPerson(effect.aadObjectId, cardMessage(card), effect.activityId)) };
      }
      case 'offerHandoverPlanning': {
        const person = { aadObjectId: effect.aadObjectId, name: '', tenantId: referral.tenantId };
        if (!PLANNING.has(referral.state) || !mayPlan(referral, person)) return skipped('superseded');
        const card = handoverCard(viewOf(deps, 'nl'), referral, viewerOf(referral, effect.aadObjectId));
        const sent = await teams.toPerson(effect.aadObjectId, cardMessage(card));
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
      case 'refreshHandoverCards':
        // Each card's update is tried once; a failed one is logged and the card is brought up to date by the next change.
        await refreshCards(deps, referral);
        return { outcome: { ok: true } };
      case 'readdressReminders': {
        const moved = await deps.reminderStore.readdress(referral.referralId, effect.role, effect.fromAadObjectId, effect.to);
        return { outcome: { ok: true, note: `readdressed:${moved}` } };
      }
      default:
        // Kinds whose flows still run inline in their handlers; never committed yet.
        return { outcome: { ok: false, retryable: false, reason: 'unsupported' } };
    }
  };
}

/** A professional's e-mail address as Teams knows it (roster of their 1:1 chat); undefined when unknown. */
async function emailOf(deps: BotDeps, aadObjectId: string): Promise<string | undefined> {
  try {
    return await deps.messenger.emailOf(aadObjectId);
  } catch {
    return undefined;
  }
}
