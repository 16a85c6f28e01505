import { VERBS } from '../../cards/verbs.js';
import type { Clock } from '../../src/domain/clock.js';
import { channelMessage, installationUpdate, personalConversationId, type TeamsUser } from './activities.js';
import { download, links, texts } from './cards.js';
import type { ConnectorCall } from './fakeConnector.js';
import { startHarness, type Harness } from './harness.js';
import { feijenoord, linkWijkteams } from './referralFlow.js';

/** Installs the bot for each person and lets Teams know their e-mail address (roster of the 1:1 chat). */
export async function meet(h: Harness, people: { user: TeamsUser; email: string }[]): Promise<void> {
  for (const { user, email } of people) {
    h.connector.rosters.set(personalConversationId(user), [{ id: user.id, aadObjectId: user.aadObjectId, name: user.name, email, userPrincipalName: email, tenantId: user.tenantId }]);
    await h.bot.send(installationUpdate(user, h.connector.url));
  }
}

const hasCard = (c: ConnectorCall) => JSON.stringify(c.body.attachments ?? []).includes('application/vnd.microsoft.card.adaptive');
/** The live case card (cards/case): posted once per person and referral, then only updated in place. */
export const isCaseCard = (c: ConnectorCall) => JSON.stringify(c.body.attachments ?? []).includes('"id":"case:');
/** The small card under a delivery problem ("Ik heb het zelf doorgegeven"): not a card of the flow. */
export const isProblemCard = (c: ConnectorCall) => JSON.stringify(c.body.attachments ?? []).includes(VERBS.problemPassedOn);

/** The last card sent into a person's 1:1 chat (not counting their live case cards), with the activity id the connector gave it. */
export function lastCardTo(h: Harness, user: TeamsUser): { card: Record<string, unknown>; activityId: string } {
  const call = h.connector.calls.filter((c) => c.method === 'POST' && c.status < 300 && c.conversationId === personalConversationId(user) && hasCard(c) && !isCaseCard(c) && !isProblemCard(c)).at(-1);
  if (!call?.responseId) throw new Error(`no card sent to ${user.name}`);
  const attachments = call.body.attachments as { content: Record<string, unknown> }[];
  return { card: attachments[0]!.content, activityId: call.responseId };
}

/** Cards replaced in place in a person's 1:1 chat, for one activity id. */
export function updatesOf(h: Harness, user: TeamsUser, activityId: string): Record<string, unknown>[] {
  return h.connector.calls
    .filter((c) => c.method === 'PUT' && c.status < 300 && c.conversationId === personalConversationId(user) && c.activityId === activityId)
    .map((c) => (c.body.attachments as { content: Record<string, unknown> }[])[0]!.content);
}

/**
 * Messages with an invitation (or cancellation) sent to a person: the text of the card, and the
 * file behind its download button, fetched from the signed link as a browser would.
 */
export async function icsTo(h: Harness, user: TeamsUser): Promise<{ text: string; ics: string; name: string; url: string; contentType: string }[]> {
  const out: { text: string; ics: string; name: string; url: string; contentType: string }[] = [];
  for (const activity of h.connector.sent(personalConversationId(user))) {
    const attachments = (activity.attachments ?? []) as { contentType: string; content?: unknown; contentUrl?: string }[];
    // No file travels in the message itself (Teams shows no data: URLs).
    if (attachments.some((a) => a.contentType === 'text/calendar' || String(a.contentUrl ?? '').startsWith('data:'))) throw new Error('an iCalendar file was attached to a message');
    const card = attachments.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
    const link = card ? links(card).find((l) => /downloaden|Download/.test(l.title) && l.url.includes('/downloads/')) : undefined;
    if (!card || !link || !texts(card).some((t) => /agenda-bestand|calendar file/.test(t))) continue;
    const file = await download(link.url);
    if (file.status !== 200) throw new Error(`invitation link answered ${file.status}`);
    out.push({ text: texts(card).join(' '), ics: file.body, name: file.fileName ?? '', url: link.url, contentType: file.contentType });
  }
  return out;
}

/** The planning card as the SMW'er fills it in: Tuesday mornings and Thursday afternoons. */
export const PLAN = {
  parentAvailability: '2-ochtend,4-middag',
  meetingForm: 'school',
  durationMinutes: '60',
  pupilJoins: 'false',
  parentName: 'Fatima de Vries',
  parentEmail: 'fatima@example.org',
  parentPhone: '06 12345678',
};

/** A complete formulier warme overdracht (dates after 2026-11-23). */
export const AGREEMENTS = {
  meetingHeld: 'true',
  present: 'smw,caseManager,parent',
  feedback0To: 'smw',
  feedback0How: 'teams',
  feedback0Date: '2026-12-10',
  feedback0Time: '10:00',
  feedback1To: 'schoolContact',
  feedback1How: 'sot-ozo',
  feedback1Date: '2026-12-17',
  evaluationDate: '2027-01-15',
  evaluationWith: 'smw,parent,caseManager',
  aftercareWhat: 'Wekelijks contact met de mentor over verzuim',
  aftercareWho: 'schoolContact',
  aftercareUntil: '2027-03-01',
  parentsAgree: 'true',
};

/** The set-up the case tests share: Feijenoord linked by a coordinator, its members on the team's roster, the professionals met in 1:1. */
export interface CaseHarnessOptions {
  clock: Clock;
  coordinator: TeamsUser;
  /** Members of Wijkteam Feijenoord (the team's roster). */
  members: TeamsUser[];
  /** Professionals who installed the bot, with the e-mail address Teams knows. */
  people: { user: TeamsUser; email: string }[];
  env?: Record<string, string>;
  /** Also link the coordinators' channel (`koppel coördinatoren`) in this team. */
  coordinatorsChannel?: { team: { id: string; name: string }; channel: string };
}

export async function startCaseHarness(o: CaseHarnessOptions): Promise<Harness> {
  const h = await startHarness({ env: { COORDINATOR_AAD_IDS: o.coordinator.aadObjectId, ...o.env }, clock: o.clock });
  h.connector.rosters.set(feijenoord.id, o.members.map((u) => ({ id: u.id, aadObjectId: u.aadObjectId, name: u.name })));
  await linkWijkteams(h, o.coordinator);
  if (o.coordinatorsChannel) await h.bot.send(channelMessage(o.coordinator, 'koppel coördinatoren', h.connector.url, o.coordinatorsChannel.team, o.coordinatorsChannel.channel));
  await meet(h, o.people);
  return h;
}

/** Stops the bot and returns the unhandled turn errors it logged (a test expects none). */
export async function stopCaseHarness(h: Harness | undefined): Promise<string[]> {
  const errors = h?.bot.logs.find('unhandled error in turn') ?? [];
  await h?.stop();
  return errors.map((e) => JSON.stringify(e.err));
}

/**
 * The warme overdracht's planning card of one referral in a person's 1:1 chat (the last one sent),
 * found by its content: other cards (reminders of earlier cases) may arrive in between on a busy machine.
 */
export function planningCardTo(h: Harness, user: TeamsUser, referralId: string): { card: Record<string, unknown>; activityId: string } {
  const call = h.connector.calls
    .filter((c) => c.method === 'POST' && c.status < 300 && c.conversationId === personalConversationId(user) && hasCard(c) && !isCaseCard(c) && !isProblemCard(c))
    .filter((c) => {
      const body = JSON.stringify(c.body.attachments ?? []);
      return body.includes(referralId) && body.includes('"handover.plan"');
    })
    .at(-1);
  if (!call?.responseId) throw new Error(`no planning card sent to ${user.name}`);
  const attachments = call.body.attachments as { content: Record<string, unknown> }[];
  return { card: attachments[0]!.content, activityId: call.responseId };
}
