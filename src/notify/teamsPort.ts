import type { ConversationReference } from 'botbuilder';
import type { PortResult, TeamsPort } from '../effects/ports.js';
import type { WijkteamChannel } from '../store/configRepository.js';
import type { OutboundMessage, ProactiveTarget, SendOutcome, TeamsSender } from './sender.js';

/**
 * The effect runner's way into Teams, over the one rate-limited sender. A short wait for a free
 * slot of the chat (its per-conversation pacing, at most `waitMs`) happens here, so messages to
 * one busy chat go out in turn instead of each being put off; a failure, a back-off or Teams'
 * Retry-After comes back at once as the answer: the runner records it and tries again from the
 * referral's outbox, so a crash never loses the retry.
 */
export class SenderTeamsPort implements TeamsPort {
  constructor(
    private readonly sender: TeamsSender,
    private readonly appId: string,
    private readonly options: {
      /** Longest wait for a free slot before the answer is "throttled" (the runner's port). */
      slotWaitMs?: number;
      /**
       * For work that has no outbox to retry from (a coordinator's command, a yearly job): the
       * sender waits for slots and Retry-After and retries failures itself, up to its limit.
       */
      patient?: boolean;
    } = {},
  ) {}

  postToChannel(channel: WijkteamChannel, message: OutboundMessage): Promise<PortResult> {
    return this.send({ kind: 'conversation', reference: this.channelReference(channel) }, message);
  }

  updateInChannel(channel: WijkteamChannel, activityId: string, message: OutboundMessage): Promise<PortResult> {
    return this.send({ kind: 'conversation', reference: this.channelReference(channel) }, message, activityId);
  }

  toPerson(aadObjectId: string, message: OutboundMessage, replaceActivityId?: string): Promise<PortResult> {
    return this.send({ kind: 'user', aadObjectId }, message, replaceActivityId);
  }

  toNamedChannel(key: string, message: OutboundMessage): Promise<PortResult> {
    return this.send({ kind: 'channel', key }, message);
  }

  private async send(target: ProactiveTarget, message: OutboundMessage, replaceActivityId?: string): Promise<PortResult> {
    const replace = replaceActivityId ? { replaceActivityId } : {};
    if (this.options.patient) return toResult(await this.sender.send(target, message, replace));
    const until = Date.now() + (this.options.slotWaitMs ?? 1_500);
    const outcome = await this.sender.send(target, message, { notAfter: () => Date.now(), slotWaitUntil: () => until, ...replace });
    return toResult(outcome);
  }

  private channelReference(channel: WijkteamChannel): Partial<ConversationReference> {
    return {
      channelId: 'msteams',
      serviceUrl: channel.serviceUrl,
      conversation: { id: channel.channelId, isGroup: true, conversationType: 'channel', tenantId: channel.tenantId, name: '' },
      bot: { id: this.appId ? `28:${this.appId}` : 'schakel', name: 'Schakel' },
    };
  }
}

function toResult(outcome: SendOutcome): PortResult {
  switch (outcome.status) {
    case 'delivered':
      return { ok: true, ...(outcome.activityId ? { activityId: outcome.activityId } : {}) };
    case 'deferred':
      // Waiting for a rate-limit slot (or a Retry-After) is not a failed delivery.
      return { ok: false, retryable: true, reason: outcome.error, ...(outcome.throttled ? { throttled: true, retryAfterMs: Math.max(0, outcome.retryAt.getTime() - Date.now()) } : {}) };
    case 'aborted':
      return { ok: false, retryable: true, reason: 'aborted' };
    case 'unreachable':
    case 'deadLettered':
      return { ok: false, retryable: false, reason: outcome.error };
  }
}
