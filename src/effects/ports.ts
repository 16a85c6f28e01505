import type { OutboundMessage } from '../notify/sender.js';
import type { WijkteamChannel } from '../store/configRepository.js';

/** What Teams answered: delivered (with the activity id), or why not and whether to try again. */
/** `throttled`: Teams' rate limits asked to wait (not a failure); `retryAfterMs` says how long. */
export type PortResult = { ok: true; activityId?: string } | { ok: false; retryable: boolean; reason: string; throttled?: boolean; retryAfterMs?: number };

/** Teams as the effect runner needs it: post and update cards, tell people. One path, rate-limited. */
export interface TeamsPort {
  /** A new message in a wijkteam's linked channel. */
  postToChannel(channel: WijkteamChannel, message: OutboundMessage): Promise<PortResult>;
  /** Replaces an earlier message in a wijkteam's channel. */
  updateInChannel(channel: WijkteamChannel, activityId: string, message: OutboundMessage): Promise<PortResult>;
  /** A 1:1 message to a professional; with `replaceActivityId` their earlier card is updated in place. */
  toPerson(aadObjectId: string, message: OutboundMessage, replaceActivityId?: string): Promise<PortResult>;
  /** A channel known by a configured key (e.g. `coordinator`). */
  toNamedChannel(key: string, message: OutboundMessage): Promise<PortResult>;
}
