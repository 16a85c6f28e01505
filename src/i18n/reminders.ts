import type { Catalogue } from './index.js';

/** Reminder cards, reminder e-mail, snooze/reschedule refusals and service-norm names. */
export const reminders: Catalogue = {
  'reminder.before': { nl: 'Herinnering: {label} op {date}{time}', en: 'Reminder: {label} on {date}{time}' },
  'reminder.onDay': { nl: 'Vandaag: {label}{time}', en: 'Today: {label}{time}' },
  'reminder.snoozed': { nl: 'Herinnering: {label} op {date}{time}', en: 'Reminder: {label} on {date}{time}' },
  'reminder.atTime': { nl: ' om {time}', en: ' at {time}' },
  'reminder.escalation1': {
    nl: 'De termijn voor "{norm}" is verstreken (uiterlijk {date}). Wilt u dit vandaag oppakken?',
    en: 'The deadline for "{norm}" has passed (due {date}). Could you take this up today?',
  },
  'reminder.escalation2': {
    nl: 'De termijn voor "{norm}" is nog steeds niet gehaald (uiterlijk {date}). Ter informatie voor de SMW\'er en de coördinator.',
    en: 'The deadline for "{norm}" has still not been met (due {date}). For the attention of the SMW and the coordinator.',
  },
  'reminder.done': { nl: 'Klaar', en: 'Done' },
  'reminder.snoozeNextDay': { nl: 'Volgende werkdag', en: 'Next working day' },
  'reminder.snoozeTwoDays': { nl: 'Over 2 werkdagen', en: 'In 2 working days' },
  'reminder.snoozeDate': { nl: 'Op datum', en: 'On date' },
  'reminder.snoozeDateLabel': { nl: 'Herinner mij op', en: 'Remind me on' },
  'reminder.mailSubject': { nl: 'Herinnering: {label} op {date}', en: 'Reminder: {label} on {date}' },
  'reminder.mailBody': {
    nl: '<p>Beste,</p><p>Dit is een herinnering aan de afspraak "{label}" op {date}{time}.</p><p>Met vriendelijke groet,<br>Schakel</p>',
    en: '<p>Hello,</p><p>This is a reminder of the appointment "{label}" on {date}{time}.</p><p>Kind regards,<br>Schakel</p>',
  },
  'reminder.markedDone': { nl: 'Afgevinkt. U krijgt hier geen herinnering meer over.', en: 'Marked done. No more reminders about this.' },
  'reminder.snoozedUntil': { nl: 'U krijgt deze herinnering opnieuw op {date} om {time}.', en: 'You will be reminded again on {date} at {time}.' },
  'reminder.rescheduled': { nl: '"{label}" is verplaatst van {from} naar {to}.', en: '"{label}" was moved from {from} to {to}.' },
  'reminder.unreachable': {
    nl: 'Een herinnering ({label}) kon de {role} niet bereiken in Teams: de app is daar niet (meer) geïnstalleerd.{fallback}',
    en: 'A reminder ({label}) could not reach the {role} in Teams: the app is not (or no longer) installed there.{fallback}',
  },
  'reminder.unreachableMailed': { nl: ' Hij is per e-mail verstuurd.', en: ' It was sent by e-mail instead.' },
  'reminders.unknownAgreement': { nl: 'Deze afspraak bestaat niet (meer).', en: 'This agreement does not exist (any more).' },
  'reminders.dateInPast': { nl: 'Kies een datum vanaf vandaag.', en: 'Choose a date from today on.' },
  'reminders.sameDate': { nl: 'Dit is al de afgesproken datum.', en: 'This is already the agreed date.' },
  'reminders.snoozeInPast': { nl: 'Kies een moment in de toekomst.', en: 'Choose a moment in the future.' },
  'reminders.snoozeRange': { nl: 'Uitstellen kan 1 tot 60 werkdagen.', en: 'You can snooze for 1 to 60 working days.' },
  'reminders.snoozeInvalid': { nl: 'Vul een geldige datum in (dd-mm-jjjj).', en: 'Enter a valid date.' },
  'reminders.notYours': { nl: 'Deze herinnering is niet voor u bedoeld.', en: 'This reminder is not addressed to you.' },
  'norms.accept': { nl: 'Aanmelding accepteren', en: 'Accept the referral' },
  'norms.handover': { nl: 'Warme overdracht houden', en: 'Hold the warm handover' },
  'norms.agreements': { nl: 'Afspraken bevestigen', en: 'Confirm the agreements' },
};
