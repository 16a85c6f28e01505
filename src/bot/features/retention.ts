import type { Container } from '@azure/cosmos';
import { refuse } from '../../domain/decision.js';
import type { Referral } from '../../domain/referral.js';
import { askToClose, OPEN_STATES, retentionCutoff, retentionStep, warnDraft, type RetentionPolicy } from '../../domain/retention.js';
import type { Actor } from '../../domain/types.js';
import { statusOf } from '../../store/documents.js';
import { decideAndSave } from '../actions.js';
import type { BotDeps } from '../deps.js';

export interface RetentionRun {
  /** false: another instance (or an earlier tick) already ran today's pass. */
  ran: boolean;
  warned: number;
  deleted: number;
  asked: number;
}

/** The daily query: drafts and open referrals whose last change is older than the cut-off (ids only). */
export function retentionQuery(cutoff: string): { query: string; parameters: { name: string; value: string | string[] }[] } {
  return {
    query: `SELECT c.referralId FROM c WHERE c.type = 'referral' AND c.updatedAt < @cutoff AND ARRAY_CONTAINS(@states, c.state)`,
    parameters: [
      { name: '@cutoff', value: cutoff },
      { name: '@states', value: ['draft', ...OPEN_STATES] },
    ],
  };
}

/** Retention acts as Schakel itself: entries name `schakel` as actor. */
const systemActor = (r: Referral): Actor => ({ aadObjectId: 'schakel', name: 'Schakel', tenantId: r.tenantId });

/**
 * Claims today's retention pass: a create of `retention:<day>` in the config container (partition
 * `retentionRun`); the instance whose create succeeds runs it, every other one gets 409.
 */
async function claimDay(deps: BotDeps, container: Container, day: string): Promise<boolean> {
  try {
    await container.items.create({ id: `retention:${day}`, kind: 'retentionRun', day, at: deps.clock.now().toISOString(), ttl: 90 * 86_400 });
    return true;
  } catch (err) {
    if (statusOf(err) === 409) return false;
    throw err;
  }
}

/**
 * The daily retention pass, run on the scheduler's interval and claimed once per day across
 * instances. Cost: ONE cross-partition query a day over `referrals` (drafts and open referrals
 * whose last change is older than the earliest threshold; only ids and a few fields come back),
 * then a point read and at most one write per hit. Nothing per tick besides one create that
 * fails with 409 (about 1 RU) once today's pass was claimed. A draft deletion removes the
 * referral's data everywhere (as an erasure does) and is written to the security log (ids only).
 */
export function retentionJob(deps: BotDeps, config: { container: Container; referrals: Container }): () => Promise<RetentionRun> {
  const policy: RetentionPolicy = deps.config.retention;
  const zone = deps.config.timeZone;
  return async () => {
    const now = deps.clock.now();
    const today = deps.calendar.localDate(now);
    const run: RetentionRun = { ran: false, warned: 0, deleted: 0, asked: 0 };
    if (!(await claimDay(deps, config.container, today))) return run;
    run.ran = true;
    const { resources } = await config.referrals.items.query<{ referralId: string }>(retentionQuery(retentionCutoff(now, policy))).fetchAll();
    for (const { referralId } of resources) {
      try {
        const stored = await deps.referrals.get(referralId);
        if (!stored) continue;
        const step = retentionStep(stored.doc, today, policy, zone);
        if (step.kind === 'warnDraft') {
          const outcome = await decideAndSave(deps, referralId, systemActor(stored.doc), (cur, n) => (cur ? warnDraft(cur, n, policy, zone) : refuse('notFound')));
          if (outcome.decision.ok && !outcome.decision.unchanged) run.warned++;
        } else if (step.kind === 'askClose') {
          const outcome = await decideAndSave(deps, referralId, systemActor(stored.doc), (cur, n) => (cur ? askToClose(cur, n, policy, zone) : refuse('notFound')));
          if (outcome.decision.ok && !outcome.decision.unchanged) run.asked++;
        } else if (step.kind === 'deleteDraft') {
          // Read again just before: a draft touched since the query is kept.
          const current = await deps.referrals.get(referralId);
          if (!current || retentionStep(current.doc, today, policy, zone).kind !== 'deleteDraft') continue;
          const removed = await deps.familyData.erase(referralId);
          await deps.securityLog.write({ action: 'retention.draftDeleted', outcome: 'changed', actor: 'schakel', tenantId: current.doc.tenantId, referralId, detail: { documents: removed } }, now);
          run.deleted++;
        }
      } catch (err) {
        deps.log.error({ referralId, err: { name: (err as Error).name } }, 'retention step failed; tried again tomorrow');
      }
    }
    deps.log.info({ day: today, found: resources.length, ...run }, 'retention pass');
    return run;
  };
}
