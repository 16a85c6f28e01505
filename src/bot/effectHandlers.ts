import type { Effect, EffectOutcome } from '../domain/effects.js';
import { intakeDelivery, type EffectResult } from '../domain/intakeDelivery.js';
import { planClosePrompt } from '../domain/lifecycle.js';
import type { Referral } from '../domain/referral.js';
import { partiesOf } from '../domain/referralParties.js';
import type { PortResult, TeamsPort } from '../effects/ports.js';
import type { CarryOut } from '../effects/runner.js';
import { translator } from '../i18n/index.js';
import type { OutboundMessage } from '../notify/sender.js';
import type { BotDeps } from './deps.js';
import { wijkteamNamer } from './intakePosting.js';
import { intakeCard } from './views/intake.js';
import { submittedCard } from './views/referralForm.js';

const cardMessage = (card: object): OutboundMessage => ({ attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] });
const outcomeOf = (r: PortResult): EffectOutcome => (r.ok ? { ok: true } : r);

/**
 * How each kind of effect is carried out: cards are rendered from the referral as it is when
 * the effect runs, so what a card says about delivery is the effect's state at that moment.
 */
export function effectHandlers(deps: BotDeps, teams: TeamsPort): CarryOut {
  return async (effect: Effect, referral: Referral): Promise<{ outcome: EffectOutcome; result?: EffectResult }> => {
    switch (effect.kind) {
      case 'postIntakeCard': {
        const channel = await deps.settings.channel(effect.wijkteamId);
        // Not linked yet: the coordinator's `koppel wijkteam` posts what waits.
        if (!channel) return { outcome: { ok: true, note: 'notLinked' } };
        const today = deps.calendar.localDate(deps.clock.now());
        const card = intakeCard(translator('nl'), referral, today, await wijkteamNamer(deps));
        const sent = await teams.postToChannel(channel, cardMessage(card));
        if (!sent.ok) return { outcome: sent };
        const postedAt = deps.clock.now().toISOString();
        return { outcome: { ok: true }, result: { intakePost: { wijkteamId: channel.wijkteamId, conversationId: channel.channelId, activityId: sent.activityId ?? '', postedAt } } };
      }
      case 'updatePersonCard': {
        const lang = (await deps.languageOf(effect.aadObjectId)) ?? 'nl';
        const map = await deps.settings.districtMap();
        const wijkteamId = referral.routing?.wijkteamId ?? '';
        const card = submittedCard(translator(lang), referral, map?.wijkteam(wijkteamId)?.name ?? wijkteamId, intakeDelivery(referral));
        return { outcome: outcomeOf(await teams.toPerson(effect.aadObjectId, cardMessage(card), effect.activityId)) };
      }
      case 'planReminders':
        if (effect.trigger === 'aftercareStarted') {
          const prompt = planClosePrompt(referral, partiesOf(referral), { calendar: deps.calendar, policy: deps.reminderPolicy, clock: deps.clock });
          if (prompt) await deps.reminderStore.save([prompt]);
          return { outcome: { ok: true, ...(prompt ? {} : { note: 'noAftercareDate' }) } };
        }
        if (effect.trigger !== 'referralSubmitted') return { outcome: { ok: false, retryable: false, reason: 'unsupported' } };
        await deps.reminders.referralSubmitted(referral);
        return { outcome: { ok: true } };
      case 'escalate': {
        const text = translator('nl')(effect.messageKey, effect.params);
        const sent = effect.to === 'coordinator' ? await teams.toNamedChannel(deps.config.reminders.coordinatorChannelKey, { text }) : await teams.toPerson(referral.smw.aadObjectId, { text });
        // No coordinators' channel linked: the SMW'er's card already says what to do.
        if (!sent.ok && !sent.retryable) return { outcome: { ok: true, note: sent.reason } };
        return { outcome: outcomeOf(sent) };
      }
      case 'notifyPerson': {
        const text = translator((await deps.languageOf(effect.aadObjectId)) ?? 'nl')(effect.messageKey, effect.params);
        return { outcome: outcomeOf(await teams.toPerson(effect.aadObjectId, { text })) };
      }
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
