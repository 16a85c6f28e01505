import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import { CardFactory, MessageFactory } from 'botbuilder';
import type { Application } from '@microsoft/teams-ai';
import { z } from 'zod';
import { pickInputs, toRawValues } from '../../../cards/referral/fields.js';
import { SECTIONS } from '../../../cards/referral/sections.js';
import { VERBS } from '../../../cards/verbs.js';
import { saveSection } from '../../domain/draft.js';
import type { Referral, SectionId } from '../../domain/referral.js';
import { ConcurrencyError } from '../../store/documents.js';
import { actorOf, localTime, nowOf, respondWithCard, respondWithMessage, trOf } from '../context.js';
import type { BotDeps } from '../deps.js';
import { referralFormCard, SECTION_ORDER } from '../views/referralForm.js';

/** What an Action.Execute of a form section may carry besides its inputs: ids and a version, nothing trusted. */
const SectionAction = z.object({
  referralId: z.string().uuid(),
  version: z.coerce.number().int().min(0),
  section: z.enum(SECTION_ORDER as [SectionId, ...SectionId[]]),
});

export function registerReferralForm(app: Application, deps: BotDeps): void {
  app.message(/^\s*aanmelden\s*$/i, async (ctx) => {
    const tr = trOf(ctx);
    const card = referralFormCard(tr, { referralId: randomUUID(), version: 0, section: 'pupil', values: {} });
    await ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  });

  app.adaptiveCards.actionExecute(VERBS.sectionSave, async (ctx, _state, data: Record<string, unknown>) => {
    await saveSectionAction(ctx, deps, data);
    return ''; // the response was sent by respondWith*
  });
}

async function saveSectionAction(ctx: TurnContext, deps: BotDeps, data: Record<string, unknown>): Promise<void> {
  const tr = trOf(ctx);
  const actor = actorOf(ctx);
  const action = SectionAction.safeParse(data);
  if (!actor || !action.success) {
    deps.log.warn({ verb: VERBS.sectionSave, hasActor: Boolean(actor), issues: action.error?.issues.map((i) => i.path.join('.')) }, 'refused malformed card action');
    return respondWithMessage(ctx, tr('error.badAction'));
  }
  const { referralId, version, section } = action.data;
  const input = pickInputs(SECTIONS[section].fields, data);

  for (let attempt = 0; attempt < 2; attempt++) {
    const stored = await deps.referrals.get(referralId);
    const now = nowOf(deps);
    const decision = saveSection(stored?.doc, actor, { type: 'saveSection', section, input, expectedVersion: version, referralId }, now);
    if (!decision.ok) {
      if (decision.code === 'invalid') {
        return respondWithCard(ctx, referralFormCard(tr, { referralId, version, number: stored?.doc.number, section, values: input, errors: decision.errors, notice: { kind: 'attention', text: tr('refusal.invalid') } }));
      }
      if (decision.code === 'stale' && stored) {
        deps.log.info({ referralId, cardVersion: version, storedVersion: stored.doc.version }, 'stale card refused');
        return respondWithCard(ctx, currentCard(tr, stored.doc, section, { kind: 'warning', text: tr('refusal.stale') }));
      }
      deps.log.warn({ referralId, code: decision.code, actor: actor.aadObjectId }, 'card action refused');
      if (stored) await deps.referrals.record(referralId, actor.aadObjectId, [{ type: 'audit', action: 'referral.refused', detail: { code: decision.code, verb: VERBS.sectionSave } }], now.at);
      return respondWithMessage(ctx, tr(`refusal.${decision.code}`));
    }
    const referral = decision.value;
    try {
      if (!decision.unchanged) {
        if (stored) await deps.referrals.save(referral, stored.etag);
        else await deps.referrals.create(referral);
        await deps.referrals.record(referralId, actor.aadObjectId, decision.events, now.at);
      }
    } catch (err) {
      if (err instanceof ConcurrencyError && attempt === 0) continue; // someone wrote meanwhile: decide again on fresh data
      throw err;
    }
    deps.log.info({ referralId, section, version: referral.version, unchanged: Boolean(decision.unchanged) }, 'referral section saved');
    return respondWithCard(ctx, currentCard(tr, referral, section, { kind: 'saved', text: tr('referral.saved', { time: localTime(deps, now.at) }) }));
  }
  const latest = await deps.referrals.get(referralId);
  if (!latest) throw new Error('referral vanished during save');
  return respondWithCard(ctx, currentCard(tr, latest.doc, section, { kind: 'warning', text: tr('refusal.stale') }));
}

function currentCard(tr: ReturnType<typeof trOf>, referral: Referral, section: SectionId, notice: { kind: 'saved' | 'warning'; text: string }) {
  return referralFormCard(tr, {
    referralId: referral.referralId,
    version: referral.version,
    number: referral.number,
    section,
    values: toRawValues(referral.sections[section]),
    notice,
  });
}
