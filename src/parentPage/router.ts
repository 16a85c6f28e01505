import { randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { decideAndSave } from '../bot/actions.js';
import { bookChosenSlot } from '../bot/booking.js';
import { failedBooking, handoverWork } from '../domain/handoverFlow.js';
import { nowOf } from '../bot/context.js';
import type { BotDeps } from '../bot/deps.js';
import { refuse, type Decision } from '../domain/decision.js';
import {
  PARENT_ACTOR_ID,
  PARENT_AVAILABILITY_CHOICES,
  answerAgreements,
  checkParentLink,
  parentActor,
  setParentAvailability,
  type ParentLang,
} from '../domain/parentLink.js';
import type { Referral } from '../domain/referral.js';
import type { WeeklyPart } from '../domain/slots.js';
import { RequestBudget } from '../server/budget.js';
import { pageText } from './i18n.js';
import { buildModel, langFor, timeRange, type ModelInput } from './model.js';
import { renderMessage, renderPage, renderRefused } from './render.js';
import { PAGE_CSS } from './style.js';

/** How long a parent's pick waits for the calendar before the page says the invitation is on its way. */
const PICK_WAIT_MS = 3_000;

/**
 * The parent's page on the bot's own server: `GET /ouder/:token`, and plain HTML forms posting to
 * `/ouder/:token/kies` (pick a proposed time), `/beschikbaarheid` (days × parts of the day) and
 * `/antwoord` (agree, or a question). No data is read for the page before the token checks out;
 * every refusal shows the same neutral 404 page and is audited; every view and answer is an audit
 * entry on the referral. Forms carry a token bound to the link token and to a SameSite=Strict
 * cookie. One request budget per client IP covers all of it (429 with Retry-After past it).
 */

const COOKIE = 'schakel_ouder';
const NONCE = /^[A-Za-z0-9_-]{22}$/;

/** Strict headers on every response of these routes: no script, no framing, no referrer, no caching. */
function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set({
    'Content-Security-Policy': "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  next();
}

function cookieNonce(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === COOKIE && value && NONCE.test(value)) return value;
  }
  return undefined;
}

const Availability = z.object({
  parts: z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])).pipe(z.array(z.enum(PARENT_AVAILABILITY_CHOICES)).max(PARENT_AVAILABILITY_CHOICES.length)),
});
const Pick = z.object({ slotId: z.string().regex(/^\d{1,4}-\d{1,2}$/) });
const Answer = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('agree') }),
  z.object({ kind: z.literal('question'), question: z.string().trim().min(1, 'answer.empty').max(500, 'answer.tooLong') }),
]);

type Resolved = { ok: true; r: Referral; token: string };

export interface ParentPageOptions {
  ipRequestsPerMinute: number;
}

export function parentPageRouter(deps: BotDeps, opts: ParentPageOptions): Router {
  const router = express.Router();
  const keys = deps.parentLinks.keys;
  const budget = new RequestBudget(opts.ipRequestsPerMinute);
  const secureCookie = deps.config.report.publicBaseUrl?.startsWith('https:') ?? false;

  const guard = (req: Request, res: Response, next: NextFunction) => {
    const wait = budget.take(req.socket.remoteAddress ?? 'unknown');
    if (wait > 0) {
      deps.log.warn({ budget: 'parentPage', retryAfter: wait }, 'request budget exceeded');
      return void res.status(429).set('Retry-After', String(wait)).type('html').send(renderMessage('nl', 'tooMany.title', 'tooMany.text'));
    }
    next();
  };

  router.get('/ouder-static/page.css', securityHeaders, (_req, res) => void res.type('text/css').send(PAGE_CSS));
  router.use('/ouder', securityHeaders, guard);

  /** Checks a token; a refusal is audited (security log, and the referral's partition when it exists) and answered neutrally. */
  async function resolve(req: Request, res: Response): Promise<Resolved | undefined> {
    const token = String(req.params.token ?? '');
    const now = nowOf(deps);
    const parsed = keys.parse(token);
    let reason: string;
    let referralId: string | undefined;
    let known = false;
    if (!parsed.ok) {
      reason = parsed.reason;
      referralId = parsed.referralId;
      if (referralId) known = Boolean(await deps.referrals.get(referralId));
    } else {
      referralId = parsed.token.referralId;
      const stored = parsed.token.expiresAt <= now.at.getTime() ? undefined : await deps.referrals.get(referralId);
      if (parsed.token.expiresAt <= now.at.getTime()) {
        reason = 'expired';
        known = Boolean(await deps.referrals.get(referralId));
      } else if (!stored) {
        reason = 'unknown';
      } else {
        known = true;
        const check = checkParentLink(stored.doc, parsed.token.hash, now);
        if (check.ok) return { ok: true, r: stored.doc, token };
        reason = check.reason;
      }
    }
    deps.log.warn({ reason, ...(known ? { referralId } : {}) }, 'parent link refused');
    try {
      await deps.securityLog.write({ action: 'parentPage.open', outcome: 'refused', ...(known && referralId ? { referralId } : {}), detail: { reason } }, now.at);
      if (known && referralId) await deps.referrals.record(referralId, PARENT_ACTOR_ID, [{ type: 'audit', action: 'parentPage.refused', detail: { reason } }], now.at);
    } catch (err) {
      deps.log.error({ err: { message: (err as Error).message } }, 'refused parent link could not be audited');
    }
    res.status(404).type('html').send(renderRefused('nl'));
    return undefined;
  }

  /** Waits (bounded) until no booking of the referral is on its way. */
  async function bookingSettled(referralId: string, ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const cur = await deps.referrals.get(referralId);
      if (!cur || handoverWork(cur.doc)?.kind !== 'bookMeeting') return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function wijkteamName(r: Referral): Promise<string> {
    const id = r.routing?.wijkteamId ?? '';
    return (await deps.settings.districtMap())?.wijkteam(id)?.name ?? id;
  }

  /** Renders the page (status 200, or 400 with errors beside the fields), with a fresh form cookie when needed. */
  async function show(req: Request, res: Response, found: Resolved, extra: Partial<Pick<ModelInput, 'notice' | 'errors' | 'questionValue'>> = {}, status = 200) {
    const lang = langFor(found.r, req.query.taal ?? (req.body as Record<string, unknown> | undefined)?.taal);
    const nonce = cookieNonce(req) ?? randomBytes(16).toString('base64url');
    res.cookie(COOKIE, nonce, { httpOnly: true, sameSite: 'strict', secure: secureCookie, path: '/ouder' });
    const now = nowOf(deps);
    const model = buildModel({
      r: found.r,
      lang,
      path: `/ouder/${found.token}`,
      formToken: keys.formToken(found.token, nonce),
      zone: deps.config.timeZone,
      today: now.today,
      now: now.at,
      wijkteamName: await wijkteamName(found.r),
      ...extra,
    });
    res.status(status).type('html').send(renderPage(model));
  }

  const NOTICES: Record<string, { kind: 'good' | 'error'; key: string }> = {
    picked: { kind: 'good', key: 'pick.done' },
    stale: { kind: 'error', key: 'pick.stale' },
    failed: { kind: 'error', key: 'pick.failed' },
    saved: { kind: 'good', key: 'avail.saved' },
    agreed: { kind: 'good', key: 'answer.agreed' },
    asked: { kind: 'good', key: 'answer.asked' },
  };

  router.get('/ouder/:token', async (req, res, next) => {
    try {
      const found = await resolve(req, res);
      if (!found) return;
      const lang = langFor(found.r, req.query.taal);
      await deps.referrals.record(found.r.referralId, PARENT_ACTOR_ID, [{ type: 'audit', action: 'parentPage.viewed', detail: { lang } }], nowOf(deps).at);
      let n = NOTICES[String(req.query.bericht ?? '')];
      const t = pageText(lang);
      let m: { start: string; end: string } | undefined = found.r.handover?.meeting;
      if (n === NOTICES.picked) {
        // The booking runs after the pick: still on its way, or the calendar refused it. The page says which.
        const work = handoverWork(found.r);
        if (work?.kind === 'bookMeeting') {
          n = { kind: 'good', key: 'pick.pending' };
          m = found.r.handover?.proposals.find((p) => p.slotId === work.slotId) ?? m;
        } else if (failedBooking(found.r)) n = NOTICES.failed;
      }
      const when = m ? timeRange(lang, deps.config.timeZone, m.start, m.end) : '';
      const text = n ? t(n.key, { when, name: found.r.caseManager?.name ?? '' }) : undefined;
      await show(req, res, found, text && n ? { notice: { kind: n.kind, text } } : {});
    } catch (err) {
      next(err);
    }
  });

  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 });

  /** A POST: the link, then the form token (bound to the link and the cookie), then the handler. */
  function post(path: string, handle: (req: Request, res: Response, found: Resolved, lang: ParentLang) => Promise<void>) {
    router.post(`/ouder/:token/${path}`, form, async (req, res, next) => {
      try {
        const found = await resolve(req, res);
        if (!found) return;
        const body = (req.body ?? {}) as Record<string, unknown>;
        const lang = langFor(found.r, body.taal);
        const nonce = cookieNonce(req);
        if (!nonce || typeof body.form !== 'string' || !keys.checkForm(found.token, nonce, body.form)) {
          deps.log.warn({ referralId: found.r.referralId, path }, 'parent page form token refused');
          await deps.referrals.record(found.r.referralId, PARENT_ACTOR_ID, [{ type: 'audit', action: 'parentPage.formRefused', detail: { path } }], nowOf(deps).at);
          return void res.status(403).type('html').send(renderMessage(lang, 'error.heading', 'form.expired', `/ouder/${found.token}?taal=${lang}`));
        }
        await handle(req, res, found, lang);
      } catch (err) {
        next(err);
      }
    });
  }

  const back = (res: Response, found: Resolved, lang: ParentLang, bericht: string) => res.redirect(303, `/ouder/${found.token}?taal=${lang}&bericht=${bericht}`);
  const decide = (found: Resolved, fn: (cur: Referral, now: ReturnType<typeof nowOf>) => Decision<Referral>) =>
    decideAndSave(deps, found.r.referralId, parentActor(found.r), (cur, now) => (cur ? fn(cur, now) : refuse('notFound')));

  post('kies', async (req, res, found, lang) => {
    const parsed = Pick.safeParse(req.body);
    if (!parsed.success) return show(req, res, found, { errors: { pick: pageText(lang)('pick.required') } }, 400);
    const outcome = await bookChosenSlot(deps, found.r.referralId, parentActor(found.r), { kind: 'parent' }, parsed.data.slotId);
    if (!outcome.decision.ok) {
      await deps.referrals.record(found.r.referralId, PARENT_ACTOR_ID, [{ type: 'audit', action: 'parentPage.pickRefused', detail: { code: outcome.decision.code } }], nowOf(deps).at);
      return back(res, found, lang, 'stale');
    }
    // A web page is not updated in place: give the booking a moment, so the page usually shows the
    // appointment as made; after that it says the invitation is on its way.
    await bookingSettled(found.r.referralId, PICK_WAIT_MS);
    return back(res, found, lang, 'picked');
  });

  post('beschikbaarheid', async (req, res, found, lang) => {
    const parsed = Availability.safeParse(req.body);
    const parts = parsed.success ? parsed.data.parts : [];
    if (parts.length === 0) return show(req, res, found, { errors: { availability: pageText(lang)('avail.required') } }, 400);
    const weekly = parts.map((p): WeeklyPart => {
      const [day, part] = p.split('-');
      return { weekday: Number(day) as WeeklyPart['weekday'], part: part as WeeklyPart['part'] };
    });
    const outcome = await decide(found, (cur, now) => setParentAvailability(cur, weekly, now));
    return back(res, found, lang, outcome.decision.ok ? 'saved' : 'stale');
  });

  post('antwoord', async (req, res, found, lang) => {
    const parsed = Answer.safeParse(req.body);
    if (!parsed.success) {
      const key = parsed.error.issues[0]?.message;
      const raw = (req.body as Record<string, unknown>).question;
      return show(req, res, found, { errors: { question: pageText(lang)(key === 'answer.tooLong' ? 'answer.tooLong' : 'answer.empty') }, questionValue: typeof raw === 'string' ? raw.slice(0, 2000) : '' }, 400);
    }
    const input = parsed.data.kind === 'agree' ? ({ kind: 'agree' } as const) : ({ kind: 'question', text: parsed.data.question } as const);
    const outcome = await decide(found, (cur, now) => answerAgreements(cur, input, now));
    if (!outcome.decision.ok) return back(res, found, lang, 'stale');
    return back(res, found, lang, input.kind === 'agree' ? 'agreed' : 'asked');
  });

  return router;
}
