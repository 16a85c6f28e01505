import type { Application } from '@microsoft/teams-ai';
import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import type { ReferralState } from '../../domain/referral.js';
import { parseDistrictCsv } from '../../store/configRepository.js';
import { formatMoment } from '../../i18n/format.js';
import { actorOf, langOfTurn, nowOf, tenantOf, trOf } from '../context.js';
import { grantOf } from '../gate.js';
import { casesCard, draftsCard, type ListView } from '../../../cards/caseList/lists.js';
import type { BotDeps } from '../deps.js';
import { wijkteamNamer } from '../intakePosting.js';
import { postWhenLinked } from '../../domain/intakeDelivery.js';
import { refuse } from '../../domain/decision.js';
import { decideAndSave } from '../actions.js';

const OPEN_STATES: ReferralState[] = ['draft', 'submitted', 'accepted', 'handoverScheduled', 'agreementsConfirmed', 'aftercare', 'declined'];

/** Never "everyone": an empty configuration means nobody (the gate asked the matrix first). */
const isCoordinator = (deps: BotDeps, aadObjectId: string) => deps.coordinators.has(aadObjectId);

const listView = (ctx: TurnContext, deps: BotDeps): ListView => ({ tr: trOf(ctx), lang: langOfTurn(ctx), zone: deps.config.timeZone, today: nowOf(deps).today });

export function registerCommands(app: Application, deps: BotDeps): void {
  app.message(/^\s*concepten\s*$/i, async (ctx) => {
    const tr = trOf(ctx);
    const actor = actorOf(ctx);
    if (!actor) return void (await ctx.sendActivity(tr('error.unknownUser')));
    const drafts = (await deps.referrals.listForSmw(actor.aadObjectId, ['draft'])).filter((r) => r.tenantId === actor.tenantId).slice(0, 20);
    if (drafts.length === 0) return void (await ctx.sendActivity(tr('drafts.none')));
    await ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(draftsCard(listView(ctx, deps), drafts))));
  });

  app.message(/^\s*mijn casussen\s*$/i, async (ctx) => {
    const tr = trOf(ctx);
    const actor = actorOf(ctx);
    if (!actor) return void (await ctx.sendActivity(tr('error.unknownUser')));
    const mine = (await deps.referrals.listForPerson(actor.aadObjectId, OPEN_STATES)).filter((r) => r.tenantId === actor.tenantId && r.state !== 'draft').slice(0, 40);
    if (mine.length === 0) return void (await ctx.sendActivity(tr('cases.none')));
    await ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(casesCard(listView(ctx, deps), mine, actor.aadObjectId))));
  });

  app.message(/^\s*status\s+(\S+)\s*$/i, async (ctx) => {
    const tr = trOf(ctx);
    const actor = actorOf(ctx);
    if (!actor) return void (await ctx.sendActivity(tr('error.unknownUser')));
    const number = /^\s*status\s+(\S+)/i.exec(ctx.activity.text ?? '')?.[1] ?? '';
    // The gate loaded it and asked the matrix: a refused person never reaches this line.
    const referral = grantOf(ctx)?.referral ?? (await deps.referrals.findByNumber(number));
    if (!referral) return void (await ctx.sendActivity(tr('status.notFound', { number })));
    await deps.referrals.record(referral.referralId, actor.aadObjectId, [{ type: 'audit', action: 'referral.viewed', detail: { view: 'status' } }], nowOf(deps).at);
    const timeline = await deps.referrals.entries(referral.referralId, 'timeline', referral.createdAt);
    const namer = await wijkteamNamer(deps);
    const { lang, zone } = listView(ctx, deps);
    const lines = timeline.map((e) => `- ${formatMoment(e.at, lang, zone)} — ${tr(`timeline.${e.action}`, { wijkteam: namer(String(e.detail?.wijkteam ?? e.detail?.to ?? '')) })}`);
    const header = tr('status.header', { number: referral.number, state: tr(`state.${referral.state}`), wijkteam: namer(referral.routing?.wijkteamId ?? '') });
    const cm = referral.caseManager ? `\n\n${tr('status.caseManager', { name: referral.caseManager.name })}` : '';
    await ctx.sendActivity(`${header}${cm}\n\n${lines.join('\n') || tr('status.noTimeline')}`);
  });

  app.message(/^\s*(e-?mails|outbox)\s*$/i, async (ctx) => {
    const tr = trOf(ctx);
    const actor = actorOf(ctx);
    if (!actor) return void (await ctx.sendActivity(tr('error.unknownUser')));
    const mine = await deps.referrals.listForSmw(actor.aadObjectId, OPEN_STATES);
    const mails = await deps.outbox.forReferrals(mine.filter((r) => r.tenantId === actor.tenantId).map((r) => r.referralId));
    if (mails.length === 0) return void (await ctx.sendActivity(tr(deps.config.graph ? 'outbox.graph' : 'outbox.none')));
    const number = new Map(mine.map((r) => [r.referralId, r.number]));
    const { lang, zone } = listView(ctx, deps);
    // A mail with the parent's personal link: the link itself, so it can be opened (local mode) or passed on.
    const pageLink = (html: string) => /href="([^"]*\/ouder\/[^"]+)"/.exec(html)?.[1];
    const lines = mails.map((m) => {
      const link = pageLink(m.html);
      return `- ${formatMoment(m.createdAt, lang, zone)} · ${number.get(m.referralId) ?? ''} · ${tr('outbox.to', { to: m.to })} · **${m.subject}**${link ? ` · [${tr('outbox.parentPage')}](${link})` : ''}`;
    });
    await ctx.sendActivity(`${tr('outbox.title')}\n\n${lines.join('\n')}`);
  });

  app.message(/^\s*koppel wijkteam\s+(.+)$/i, async (ctx) => linkWijkteam(ctx, deps));
  // The bare command from Teams' command menu: explain what follows it.
  app.message(/^\s*koppel co(ö|o)rdinatoren\s*$/i, async (ctx) => linkCoordinators(ctx, deps));
  app.message(/^\s*(status|toestemming|afsluiten|koppel wijkteam|afspraken|overdracht)\s*$/i, async (ctx) => {
    const command = (ctx.activity.text ?? '').trim().toLowerCase();
    await ctx.sendActivity(trOf(ctx)(`usage.${command.startsWith('koppel') ? 'link' : command}`));
  });

  app.message(/^\s*wijkindeling\b/i, async (ctx) => {
    const tr = trOf(ctx);
    const actor = actorOf(ctx);
    if (!actor || !(await isCoordinator(deps, actor.aadObjectId))) return void (await ctx.sendActivity(tr('coordinator.only')));
    const csv = (ctx.activity.text ?? '').replace(/^\s*wijkindeling\s*/i, '');
    if (!csv.trim()) {
      const map = await deps.settings.districtMap();
      return void (await ctx.sendActivity(tr('districts.current', { rows: map?.rows.length ?? 0, teams: map?.wijkteams().length ?? 0 })));
    }
    const check = parseDistrictCsv(csv);
    if (!check.ok) return void (await ctx.sendActivity(`${tr('districts.invalid')}\n\n${check.problems.slice(0, 20).map((p) => `- ${p}`).join('\n')}`));
    await deps.settings.saveDistrictMap(check.rows, actor.aadObjectId, deps.clock.now());
    deps.log.info({ rows: check.rows.length, actor: actor.aadObjectId }, 'district map replaced');
    await ctx.sendActivity(tr('districts.saved', { rows: check.rows.length }));
  });
}

/** A link command must come from a coordinator in a team channel; otherwise it is answered and refused. */
async function coordinatorInChannel(ctx: TurnContext, deps: BotDeps, wrongPlaceKey: string) {
  const tr = trOf(ctx);
  const actor = actorOf(ctx);
  const channelData = ctx.activity.channelData as { team?: { id?: string }; channel?: { id?: string } } | undefined;
  const teamId = channelData?.team?.id;
  const channelId = channelData?.channel?.id;
  if (!actor || !teamId || !channelId || ctx.activity.conversation?.conversationType !== 'channel') {
    await ctx.sendActivity(tr(wrongPlaceKey));
    return undefined;
  }
  if (!(await isCoordinator(deps, actor.aadObjectId))) {
    await ctx.sendActivity(tr('coordinator.only'));
    return undefined;
  }
  return { actor, teamId, channelId };
}

async function linkWijkteam(ctx: TurnContext, deps: BotDeps): Promise<void> {
  const tr = trOf(ctx);
  const here = await coordinatorInChannel(ctx, deps, 'link.channelOnly');
  if (!here) return;
  const { actor, teamId, channelId } = here;
  const name = (/koppel wijkteam\s+(.+)$/i.exec(ctx.activity.text ?? '')?.[1] ?? '').trim();
  const map = await deps.settings.districtMap();
  const wijkteam = map?.wijkteam(name);
  if (!wijkteam) {
    const known = map?.wijkteams().map((w) => w.name).join(', ') ?? '';
    return void (await ctx.sendActivity(tr('link.unknown', { name, known })));
  }
  const now = deps.clock.now();
  await deps.settings.linkChannel({
    id: `wijkteam:${wijkteam.id}`,
    kind: 'wijkteam',
    wijkteamId: wijkteam.id,
    name: wijkteam.name,
    tenantId: tenantOf(ctx) ?? actor.tenantId,
    teamId,
    channelId,
    conversationId: channelId,
    serviceUrl: ctx.activity.serviceUrl,
    linkedBy: actor.aadObjectId,
    linkedAt: now.toISOString(),
  });
  deps.log.info({ wijkteam: wijkteam.id, teamId }, 'wijkteam channel linked');
  await ctx.sendActivity(tr('link.done', { wijkteam: wijkteam.name }));
  // What waited for this channel is posted by the effect runner, as at a submit.
  for (const waiting of await deps.referrals.awaitingPost(wijkteam.id)) {
    await decideAndSave(deps, waiting.referralId, actor, (cur) => (cur ? postWhenLinked(cur, wijkteam.id) : refuse('notFound')));
  }
}

/**
 * `koppel coördinatoren` in a team channel, by a coordinator: this channel gets the service-norm
 * escalations (the conversation-directory key COORDINATOR_CHANNEL_KEY, `coordinator` by default).
 */
async function linkCoordinators(ctx: TurnContext, deps: BotDeps): Promise<void> {
  const tr = trOf(ctx);
  const here = await coordinatorInChannel(ctx, deps, 'link.coordinatorsChannelOnly');
  if (!here) return;
  const { actor, teamId, channelId } = here;
  await deps.settings.linkNamedChannel({
    key: deps.config.reminders.coordinatorChannelKey,
    tenantId: tenantOf(ctx) ?? actor.tenantId,
    teamId,
    channelId,
    serviceUrl: ctx.activity.serviceUrl,
    linkedBy: actor.aadObjectId,
    linkedAt: deps.clock.now().toISOString(),
  });
  deps.log.info({ key: deps.config.reminders.coordinatorChannelKey, teamId }, 'coordinator channel linked');
  await ctx.sendActivity(tr('link.coordinatorsDone'));
}
