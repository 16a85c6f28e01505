import type { AdaptiveCardJson } from '../../cards/render.js';
import { translator } from '../../src/i18n/index.js';
import { referralFormCard, reviewCard, laterCard } from '../../cards/referral/index.js';
import { caseCard } from '../../cards/case/index.js';
import { digestCard } from '../../cards/digest/index.js';
import { WorkingCalendar } from '../../src/domain/calendar.js';
import { DEFAULT_SERVICE_NORMS } from '../../src/domain/serviceNorms.js';
import { declineForm, declinedCard, detailsCard, intakeCard, redirectForm } from '../../cards/intake/index.js';
import { SECTION_IDS, type Referral } from '../../src/domain/referral.js';
import { agreementsCard, handoverCard, planCard } from '../../cards/handover/index.js';
import { parentAnswerCard, parentReplyCard } from '../../src/bot/features/parentLink.js';
import { emptyHandover, type HandoverState } from '../../src/domain/handoverFlow.js';
import { makeFullReferral } from '../support/factories.js';
import { reminderCard, reminderResultCard } from '../../cards/reminder/index.js';
import { closeCard } from '../../src/bot/features/closing.js';
import { toDocument, type ReminderDocument } from '../../src/store/reminders.js';
import { casesCard, draftsCard } from '../../cards/caseList/lists.js';
import { reassignCard, reassignedCard } from '../../cards/reassign/view.js';
import { schoolContactAgreementsCard } from '../../src/bot/handoverEffects.js';
import { problemCard } from '../../src/bot/deliveryProblems.js';

const instruments = { etmOutcomes: ['Geen zorgen', 'Ernstige zorgen'], lirikOutcomes: ['Laag risico', 'Hoog risico'] };
const wijkteams = [
  { id: 'wt-feijenoord', name: 'Wijkteam Feijenoord' },
  { id: 'wt-charlois', name: 'Wijkteam Charlois' },
];

/** Every card the bot can send, rendered with sample data, per language. Add new cards here. */
export function sampleCards(): Record<string, AdaptiveCardJson> {
  const out: Record<string, AdaptiveCardJson> = {};
  const referral = makeFullReferral();
  const submitted = { ...referral, state: 'submitted' as const, routing: { wijkteamId: 'wt-feijenoord', source: 'postcode' as const, district: 'Feijenoord' }, acceptBy: '2026-11-30' };
  const accepted: Referral = { ...submitted, state: 'accepted', caseManager: { aadObjectId: 'cm', name: 'Karim Wijkteam' } };
  const planRequest = { availability: { weekly: [{ weekday: 2 as const, part: 'ochtend' as const }], windows: [{ date: '2026-12-03', start: '09:00', end: '12:00' }] }, meetingForm: 'online' as const, durationMinutes: 60, pupilJoins: true, parent: { name: 'Fatima de Vries', email: 'fatima@example.org' } };
  const proposals = [
    { slotId: '1-0', start: '2026-11-24T08:00:00.000Z', end: '2026-11-24T09:00:00.000Z' },
    { slotId: '1-1', start: '2026-12-01T08:00:00.000Z', end: '2026-12-01T09:00:00.000Z' },
    { slotId: '1-2', start: '2026-12-03T10:00:00.000Z', end: '2026-12-03T11:00:00.000Z' },
  ];
  const meeting = { slotId: '1-0', start: proposals[0]!.start, end: proposals[0]!.end, via: 'graph' as const, eventId: 'e1', joinUrl: 'https://teams.example/l/meetup-join/e1', uid: 'u1', sequence: 0, bookedAt: '2026-11-23T10:00:00Z', bookedBy: 'cm' };
  const record = {
    version: 1,
    agreements: {
      present: ['smw' as const, 'caseManager' as const, 'parent' as const],
      feedback: [{ slot: 0, to: 'smw' as const, how: 'teams' as const, date: '2026-12-10', time: '10:00' }, { slot: 1, to: 'schoolContact' as const, how: 'sot-ozo' as const, date: '2026-12-17' }],
      evaluation: { date: '2027-01-15', with: ['smw' as const, 'parent' as const] },
      aftercare: { what: 'Wekelijks contact met de mentor', who: 'schoolContact' as const, until: '2027-03-01' },
      parentsAgree: true,
      pupilAgrees: true,
      otherAgreements: 'Moeder belt bij zorgen.',
    },
    draftedAt: '2026-12-01T10:00:00Z',
    draftedBy: { aadObjectId: 'cm', name: 'Karim Wijkteam' },
    confirmedAt: '2026-12-01T10:05:00Z',
    confirmedBy: { aadObjectId: 'cm', name: 'Karim Wijkteam' },
  };
  const namer = (id: string) => wijkteams.find((w) => w.id === id)?.name ?? id;
  for (const lang of ['nl', 'en'] as const) {
    const tr = translator(lang);
    out[`${lang}/referral-pupil-empty`] = referralFormCard(tr, { referralId: referral.referralId, version: 0, section: 'pupil', values: {}, instruments });
    out[`${lang}/referral-pupil-errors`] = referralFormCard(tr, {
      referralId: referral.referralId,
      version: 3,
      referral,
      section: 'pupil',
      values: { firstNames: 'Noa', postcode: 'abc', interpreterNeeded: 'true', gender: 'meisje' },
      errors: { postcode: 'v.postcode', surname: 'v.required' },
      notice: { kind: 'attention', text: tr('refusal.invalid') },
      instruments,
    });
    for (const section of SECTION_IDS) {
      out[`${lang}/referral-${section}`] = referralFormCard(tr, { referralId: referral.referralId, version: 5, referral, section, values: {}, instruments });
    }
    out[`${lang}/referral-parents-second`] = referralFormCard(tr, {
      referralId: referral.referralId,
      version: 6,
      referral,
      section: 'parents',
      values: { parent0Name: 'Fatima de Vries', parent0Relation: 'moeder', parent1Name: 'Jan de Vries', parent1Phone: '0612345678' },
      errors: { parent1Relation: 'v.choose' },
      notice: { kind: 'saved', text: tr('referral.saved', { time: '10:05' }) },
      instruments,
    });
    out[`${lang}/referral-consent-today`] = referralFormCard(tr, { referralId: referral.referralId, version: 7, referral, section: 'consent', values: {}, instruments, today: '2026-11-23' });
    out[`${lang}/review`] = reviewCard(tr, { referral, routed: { wijkteamId: 'wt-feijenoord', district: 'Feijenoord' }, wijkteams, blockers: [{ key: 'consent.missing.pupil', field: 'consentPupilWijkteam' }] });
    out[`${lang}/review-unrouted`] = reviewCard(tr, { referral, wijkteams, blockers: [{ key: 'submit.missing.wijkteam', field: 'wijkteamId' }] });
    out[`${lang}/later`] = laterCard(tr, referral, '10:15');
    // The live case card, per state, for the SMW'er (smw-1) and the casusregisseur (cm).
    const calendar = new WorkingCalendar('Europe/Amsterdam');
    const timeline = [
      { at: '2026-11-23T09:00:00Z', action: 'submitted', detail: { wijkteam: 'wt-feijenoord' } },
      { at: '2026-11-23T09:00:05Z', action: 'intakePosted', detail: { wijkteam: 'wt-feijenoord' } },
      { at: '2026-11-24T10:00:00Z', action: 'accepted' },
      { at: '2026-11-24T10:00:02Z', action: 'handover.offered' },
    ];
    const done = (at: string) => ({ status: 'done' as const, at });
    const withOutbox = (r: Referral, effects: NonNullable<Referral['outbox']>['effects']): Referral => ({ ...r, outbox: { seq: 2, entries: [], effects } });
    const caseOf = (r: Referral, viewer: string, now: string, entries = timeline) =>
      caseCard({ tr, lang, zone: 'Europe/Amsterdam', now: new Date(now), calendar, norms: DEFAULT_SERVICE_NORMS, referral: r, viewer, wijkteamName: namer, timeline: entries });
    const sent = { ...submitted, submittedAt: '2026-11-23T09:00:00Z', intakePost: { wijkteamId: 'wt-feijenoord', conversationId: 'c', activityId: 'a', postedAt: '2026-11-23T09:00:05Z' } };
    out[`${lang}/case-submitted-smw`] = caseOf(sent, sent.smw.aadObjectId, '2026-11-26T10:00:00Z', timeline.slice(0, 2));
    out[`${lang}/case-submitted-retrying-smw`] = caseOf(withOutbox({ ...sent, intakePost: undefined }, [{ kind: 'postIntakeCard', wijkteamId: 'wt-feijenoord', id: 'x:1:0', dueAt: '2026-11-23T09:00:00Z', state: { status: 'retrying', attempt: 1, nextAt: '2026-11-23T09:01:00Z', reason: '500' } }]), sent.smw.aadObjectId, '2026-11-23T09:00:30Z', timeline.slice(0, 1));
    const taken: Referral = withOutbox({ ...sent, state: 'accepted', acceptedAt: '2026-11-24T10:00:00Z', caseManager: { aadObjectId: 'cm', name: 'Karim Wijkteam' } }, [
      { kind: 'notifyPerson', aadObjectId: sent.smw.aadObjectId, messageKey: 'accepted.toSmw', params: {}, referralId: sent.referralId, id: 'x:2:0', dueAt: '2026-11-24T10:00:00Z', state: done('2026-11-24T10:00:01Z') },
      { kind: 'offerHandoverPlanning', aadObjectId: sent.smw.aadObjectId, id: 'x:2:1', dueAt: '2026-11-24T10:00:00Z', state: done('2026-11-24T10:00:02Z') },
      { kind: 'offerHandoverPlanning', aadObjectId: 'cm', id: 'x:2:2', dueAt: '2026-11-24T10:00:00Z', state: { status: 'failed', reason: 'notInstalled', at: '2026-11-24T10:05:00Z' } },
    ]);
    out[`${lang}/case-accepted-smw`] = caseOf(taken, sent.smw.aadObjectId, '2026-12-04T10:00:00Z');
    out[`${lang}/case-accepted-cm`] = caseOf(taken, 'cm', '2026-12-09T10:00:00Z');
    const scheduled: Referral = { ...taken, state: 'handoverScheduled', handover: { ...emptyHandover(), request: planRequest, meeting: { ...meeting, start: '2026-12-01T08:00:00.000Z', end: '2026-12-01T09:00:00.000Z', parent: { channel: 'email', status: 'outbox', at: '2026-11-25T10:00:00Z' } } } };
    const booked = [...timeline, { at: '2026-11-25T10:00:00Z', action: 'handover.booked' }];
    out[`${lang}/case-scheduled-cm`] = caseOf(scheduled, 'cm', '2026-11-26T10:00:00Z', booked);
    out[`${lang}/case-held-cm`] = caseOf(scheduled, 'cm', '2026-12-02T10:00:00Z', booked);
    const confirmedCase: Referral = { ...scheduled, state: 'agreementsConfirmed', handover: { ...scheduled.handover!, agreements: [record], deliveries: [{ agreementsVersion: 1, recipient: 'parent', channel: 'email', status: 'sent', at: '2026-12-01T10:05:00Z' }] } };
    out[`${lang}/case-confirmed-smw`] = caseOf(confirmedCase, sent.smw.aadObjectId, '2026-12-02T10:00:00Z', [...booked, { at: '2026-12-01T10:05:00Z', action: 'handover.confirmed' }]);
    out[`${lang}/case-confirmed-cm`] = caseOf(confirmedCase, 'cm', '2026-12-02T10:00:00Z', [...booked, { at: '2026-12-01T10:05:00Z', action: 'handover.confirmed' }]);
    out[`${lang}/case-aftercare-cm`] = caseOf({ ...confirmedCase, state: 'aftercare' }, 'cm', '2027-02-01T10:00:00Z', [...booked, { at: '2027-01-15T10:05:00Z', action: 'aftercare' }]);
    const declinedCase: Referral = { ...sent, state: 'declined', decline: { reason: 'Past niet', advice: 'Bel het CJG', by: { aadObjectId: 'x', name: 'Karim' }, at: '2026-11-24T10:00:00Z' } };
    out[`${lang}/case-declined-smw`] = caseOf(declinedCase, sent.smw.aadObjectId, '2026-11-24T11:00:00Z', [...timeline.slice(0, 2), { at: '2026-11-24T10:00:00Z', action: 'declined' }]);
    out[`${lang}/case-closed-smw`] = caseOf({ ...confirmedCase, state: 'closed', closedAt: '2027-03-02T10:00:00Z' }, sent.smw.aadObjectId, '2027-03-02T11:00:00Z', [...booked, { at: '2027-03-02T10:00:00Z', action: 'closed' }]);
    out[`${lang}/intake`] = intakeCard(tr, submitted, '2026-11-23', namer);
    out[`${lang}/intake-taken`] = intakeCard(tr, { ...submitted, state: 'accepted', caseManager: { aadObjectId: 'x', name: 'Karim' } }, '2026-11-23', namer);
    out[`${lang}/intake-details`] = detailsCard(tr, submitted);
    out[`${lang}/intake-redirect`] = redirectForm(tr, submitted, wijkteams, {}, { redirectReason: 'v.required' });
    out[`${lang}/intake-decline`] = declineForm(tr, submitted);
    const v = { tr, lang, zone: 'Europe/Amsterdam', invitationUrl: () => 'https://schakel.example/downloads/token' };
    const withHandover = (h: Partial<HandoverState>, state: Referral['state'] = 'accepted'): Referral => ({ ...accepted, state, handover: { ...emptyHandover(), ...h } });
    out[`${lang}/handover-plan`] = handoverCard(v, accepted, 'smw');
    out[`${lang}/handover-plan-errors`] = planCard(v, accepted, { values: { parentName: 'Fatima', window0Date: '2026-11-01' }, errors: { parentAvailability: 'v.handover.availabilityRequired', window0Start: 'v.required', parentPhone: 'v.handover.contactRequired' }, notice: { kind: 'attention', text: tr('refusal.invalid') } });
    out[`${lang}/handover-plan-chosen`] = planCard(v, withHandover({ request: planRequest }));
    out[`${lang}/handover-proposals`] = handoverCard(v, withHandover({ request: planRequest, round: 1, proposalBasis: 'calendars', proposals }), 'caseManager');
    out[`${lang}/handover-proposals-none`] = handoverCard(v, withHandover({ request: planRequest, round: 1, proposalBasis: 'workingHours', proposals: [] }), 'smw', { kind: 'warning', text: tr('handover.calendarFailed') });
    out[`${lang}/handover-booked-cm`] = handoverCard(v, withHandover({ request: planRequest, round: 1, meeting }, 'handoverScheduled'), 'caseManager');
    out[`${lang}/handover-booked-smw`] = handoverCard(v, withHandover({ request: planRequest, round: 1, meeting: { ...meeting, via: 'ical', joinUrl: undefined } }, 'handoverScheduled'), 'smw');
    out[`${lang}/handover-moving`] = handoverCard(v, withHandover({ request: planRequest, round: 2, meeting, proposals }, 'handoverScheduled'), 'smw');
    out[`${lang}/agreements-new`] = agreementsCard(v, withHandover({ request: planRequest, meeting }, 'handoverScheduled'));
    out[`${lang}/agreements-errors`] = agreementsCard(v, withHandover({ request: planRequest, meeting }, 'handoverScheduled'), { values: { present: 'smw' }, errors: { feedback0To: 'v.handover.feedbackRequired', evaluationDate: 'v.required' }, notice: { kind: 'warning', text: tr('handover.agreements.stale') } });
    const confirmed = withHandover({ request: { ...planRequest, parent: { name: 'Fatima de Vries', phone: '+31612345678' } }, meeting, agreements: [record], agreementsRevision: 1, deliveries: [
      { agreementsVersion: 1, recipient: 'parent', channel: 'phone', status: 'todo', at: '2026-12-01T10:00:00Z' },
      { agreementsVersion: 1, recipient: 'smw', channel: 'teams', status: 'unreachable', at: '2026-12-01T10:00:00Z' },
    ] }, 'agreementsConfirmed');
    out[`${lang}/agreements-confirmed-smw`] = handoverCard(v, confirmed, 'smw');
    out[`${lang}/agreements-confirmed-cm`] = handoverCard(v, confirmed, 'caseManager', { kind: 'good', text: tr('handover.confirmed.notice') });
    out[`${lang}/agreements-v2`] = agreementsCard(v, confirmed);
    // Without Graph mail: the parent's mail only waits in the outbox; the SMW'er gets its text and the button.
    const inOutbox = { channel: 'email' as const, status: 'outbox' as const, at: '2026-12-01T10:00:00Z' };
    const icalMeeting = { ...meeting, via: 'ical' as const, joinUrl: undefined, eventId: undefined };
    out[`${lang}/handover-booked-smw-outbox`] = handoverCard({ ...v, parentMailOutbox: true }, withHandover({ request: planRequest, round: 1, meeting: { ...icalMeeting, parent: inOutbox } }, 'handoverScheduled'), 'smw');
    out[`${lang}/handover-cancelled-smw-outbox`] = handoverCard({ ...v, parentMailOutbox: true }, withHandover({ request: planRequest, round: 1, cancelled: [{ ...icalMeeting, sequence: 1, parent: inOutbox }] }), 'smw');
    out[`${lang}/agreements-confirmed-smw-outbox`] = handoverCard(v, withHandover({ request: planRequest, meeting, agreements: [record], agreementsRevision: 1, deliveries: [{ agreementsVersion: 1, recipient: 'parent', ...inOutbox }] }, 'agreementsConfirmed'), 'smw');
    out[`${lang}/agreements-outbox-footer`] = agreementsCard({ ...v, parentMailOutbox: true }, withHandover({ request: planRequest, meeting }, 'handoverScheduled'));
    // The parent's own voice: the link on the SMW'er's card, what the parent entered and answered, the casusregisseur's cards.
    const question = { id: 'a1', kind: 'question' as const, agreementsVersion: 1, text: 'Mag mijn zus ook bij de evaluatie zijn?', at: '2026-12-02T09:00:00.000Z' };
    const agreedAnswer = { id: 'a2', kind: 'agree' as const, agreementsVersion: 1, at: '2026-12-02T09:05:00.000Z' };
    const voiced: Referral = { ...confirmed, parentPage: { link: { hash: 'h', contactKey: 'c', issuedAt: '2026-12-01T10:00:00.000Z', expiresAt: '2027-03-01T22:59:59.999Z' }, answers: [{ ...question, reply: { text: 'Ja, dat is goed.', by: 'Karim Wijkteam', at: '2026-12-02T10:00:00.000Z' } }, agreedAnswer] } };
    out[`${lang}/handover-parent-link-smw`] = handoverCard({ ...v, parentLinkUrl: () => 'https://schakel.example/ouder/0f8fad5b-d9cb-469f-a165-70867728950e.tu0qjz.random.mac' }, { ...withHandover({ request: planRequest, round: 1, proposals }), parentPage: { answers: [], availability: { weekly: [{ weekday: 1, part: 'ochtend' }, { weekday: 3, part: 'avond' }], at: '2026-11-24T08:00:00.000Z' } } }, 'smw');
    out[`${lang}/handover-parent-answers-cm`] = handoverCard(v, voiced, 'caseManager');
    out[`${lang}/handover-legal-ground-cm`] = handoverCard(v, { ...withHandover({ request: planRequest, round: 1, proposals }), sections: { ...accepted.sections, consent: { legalGround: 'meldcode', legalGroundExplanation: 'Stap 5.' } } }, 'caseManager');
    out[`${lang}/parent-answer-question`] = parentAnswerCard(lang, voiced, question);
    out[`${lang}/parent-answer-agreed`] = parentAnswerCard(lang, voiced, agreedAnswer);
    out[`${lang}/parent-reply`] = parentReplyCard(lang, voiced, question, { value: '', error: tr('v.parentLink.replyRequired') });
    const reminder = (kind: ReminderDocument['kind'], subject: ReminderDocument['subject']) =>
      toDocument({ id: `r-${kind}`, referralId: referral.referralId, kind, dueAt: '2026-12-08T07:30:00.000Z', timeZone: 'Europe/Amsterdam', recipients: [{ key: 'caseManager:cm', role: 'caseManager', channel: 'teams', aadObjectId: 'cm' }], subject: { ...subject, case: { number: 'AM-7K3QX2', initials: 'N.M.d.V.', school: 'OBS De Regenboog' } } }, new Date('2026-12-01T10:00:00Z'));
    const agreement = reminder('agreementBefore', { label: 'Terugkoppeling aan de SMW', agreementId: 'feedback0', agreementKind: 'feedback', date: '2026-12-10', time: '10:00' });
    out[`${lang}/reminder-agreement`] = reminderCard(agreement, { key: 'caseManager:cm' }, lang);
    out[`${lang}/reminder-prompt`] = reminderCard(reminder('agreementsPrompt', { label: 'reminder.agreementsPrompt', date: '2026-12-08' }), { key: 'caseManager:cm' }, lang);
    out[`${lang}/reminder-close`] = reminderCard(reminder('closePrompt', { label: 'reminder.closePrompt', date: '2027-03-01' }), { key: 'caseManager:cm' }, lang);
    out[`${lang}/reminder-escalation`] = reminderCard(reminder('normEscalation', { label: 'norms.accept', normId: 'accept', date: '2026-12-07', escalationStep: 1 }), { key: 'caseManager:cm' }, lang);
    out[`${lang}/reminder-escalation-channel`] = reminderCard(reminder('normEscalation', { label: 'norms.accept', normId: 'accept', date: '2026-12-07', escalationStep: 1 }), { key: 'channel:wijkteam:wt-feijenoord', teamsChannelKey: 'wijkteam:wt-feijenoord' }, lang);
    const overdue = reminder('normEscalation', { label: 'norms.accept', normId: 'accept', date: '2026-12-04', escalationStep: 1 });
    const prompt = reminder('agreementsPrompt', { label: 'reminder.agreementsPrompt', date: '2026-12-08' });
    const digestOf = (entries: ReminderDocument[]) => digestCard({ tr, lang, zone: 'Europe/Amsterdam', today: '2026-12-08', entries: entries.map((doc) => ({ doc, recipientKey: 'caseManager:cm' })) });
    out[`${lang}/digest`] = digestOf([agreement, { ...overdue, id: 'r-late' }, { ...prompt, id: 'r-prompt' }]);
    out[`${lang}/digest-empty`] = digestOf([]);
    out[`${lang}/problem-passed-on`] = problemCard(lang, accepted, ['parent', 'schoolContact']);
    out[`${lang}/problem-passed-on-done`] = problemCard(lang, accepted, ['parent'], true);
    out[`${lang}/close`] = closeCard(tr, submitted, 365);
    out[`${lang}/close-done`] = closeCard(tr, submitted, 365, true);
    out[`${lang}/reassign`] = reassignCard(tr, accepted, ['smw', 'caseManager']);
    out[`${lang}/reassign-error`] = reassignCard(tr, accepted, ['caseManager'], undefined, { values: { role: 'caseManager', to: 'cm', toName: 'Karim Wijkteam', reason: 'Ziek' }, errors: { to: 'reassign.samePerson' } });
    out[`${lang}/reassign-error-typed`] = reassignCard(tr, accepted, ['smw'], undefined, { values: { role: 'smw', toId: 'geen id!', reason: '' }, errors: { to: 'reassign.unknownColleague', reason: 'v.required' } });
    if (lang === 'nl') out[`${lang}/agreements-school-contact`] = schoolContactAgreementsCard('Europe/Amsterdam', { ...accepted, state: 'agreementsConfirmed' }, { ...record, confirmedAt: '2026-12-01T10:00:00Z' });
    out[`${lang}/reassigned`] = reassignedCard(tr, accepted, 'caseManager', 'Lisa Wijkteam');
    out[`${lang}/reminder-done`] = reminderResultCard(agreement, tr('reminder.markedDone'), lang);
    out[`${lang}/declined`] = declinedCard(tr, { ...submitted, state: 'declined', decline: { reason: 'Past niet', advice: 'Bel het CJG', by: { aadObjectId: 'x', name: 'Karim' }, at: '2026-11-23T10:00:00Z' } });
    const lists = { tr, lang, zone: 'Europe/Amsterdam', today: '2026-12-02' };
    out[`${lang}/drafts`] = draftsCard(lists, [referral, { ...referral, referralId: 'd2', number: 'AM-2B3C4D', sections: { pupil: referral.sections.pupil } }]);
    out[`${lang}/cases`] = casesCard(lists, [submitted, accepted, { ...accepted, number: 'AM-9Z8Y7X', acceptBy: '2026-11-30', state: 'submitted' }], 'smw-1');
  }
  return out;
}
