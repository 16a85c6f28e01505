import type { ConversationReference } from 'botbuilder';
import type { PortResult, TeamsPort } from '../effects/ports.js';
import type { WijkteamChannel } from '../store/configRepository.js';
import type { OutboundMessage, ProactiveTarget, SendOutcome, TeamsSender } from './sender.js';

/**
 * The effect runner's way into Teams, over the one rate-limited sender. One attempt per call:
 * the sender does not wait for back-off (`notAfter` is now); the runner records the failure and
 * retries from the referral's outbox, so a crash never loses the retry.
 */
export class SenderTeamsPort implements TeamsPort {
  constructor(
    private readonly sender: TeamsSender,
    private readonly appId: string,
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
    const outcome = await this.sender.send(target, message, { notAfter: () => Date.now(), ...(replaceActivityId ? { replaceActivityId } : {}) });
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
