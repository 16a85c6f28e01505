import type { Catalogue } from './index.js';

/** Texts of the warme overdracht: planning, agreements, invitations. */
export const handover: Catalogue = {
  'v.handover.time': { nl: 'Vul een tijd in als 14:30.', en: 'Enter a time such as 14:30.' },
  'v.handover.windowOrder': { nl: 'De eindtijd moet na de begintijd liggen.', en: 'The end time must be after the start time.' },
  'v.handover.availabilityRequired': {
    nl: 'Kies wanneer de ouders kunnen, of vul een dag met tijden in.',
    en: 'Choose when the parents are available, or enter a day with times.',
  },
  'v.handover.duration': { nl: 'Kies een duur van 15 tot 240 minuten.', en: 'Choose a duration of 15 to 240 minutes.' },
  'v.handover.contactRequired': {
    nl: 'Vul een e-mailadres of een telefoonnummer van de ouder in.',
    en: "Enter the parent's e-mail address or phone number.",
  },
  'v.handover.feedbackRequired': {
    nl: 'Leg minstens één afspraak over terugkoppeling vast.',
    en: 'Record at least one feedback agreement.',
  },
  'v.handover.evaluationAfterFeedback': {
    nl: 'De evaluatie moet na de eerste terugkoppeling liggen.',
    en: 'The evaluation must come after the first feedback.',
  },
  'v.handover.aftercareAfterEvaluation': {
    nl: 'De nazorg moet na de evaluatie eindigen.',
    en: 'Aftercare must end after the evaluation.',
  },

  'handover.refusal.stale': {
    nl: 'Deze versie van de afspraken is intussen gewijzigd. Bekijk de nieuwste versie en bevestig die.',
    en: 'These agreements were changed meanwhile. Review the latest version and confirm that one.',
  },
  'handover.refusal.alreadyConfirmed': { nl: 'Deze afspraken zijn al bevestigd.', en: 'These agreements are already confirmed.' },
  'handover.refusal.noDraft': { nl: 'Er zijn nog geen afspraken om te bevestigen.', en: 'There are no agreements to confirm yet.' },

  'handover.agreed.feedback.smw': { nl: 'Terugkoppeling aan SMW', en: 'Feedback to the school social worker' },
  'handover.agreed.feedback.schoolContact': { nl: 'Terugkoppeling aan school', en: 'Feedback to the school' },
  'handover.agreed.evaluation': { nl: 'Evaluatie', en: 'Evaluation' },
  'handover.agreed.aftercare': { nl: 'Einde nazorg', en: 'End of aftercare' },

  'handover.channel.teams': { nl: 'via Teams', en: 'via Teams' },
  'handover.channel.phone': { nl: 'telefonisch', en: 'by phone' },
  'handover.channel.sot-ozo': { nl: 'in het SOT/OZO', en: 'in the school support team meeting' },

  'handover.part.ochtend': { nl: 'ochtend', en: 'morning' },
  'handover.part.middag': { nl: 'middag', en: 'afternoon' },
  'handover.part.avond': { nl: 'avond', en: 'evening' },

  'handover.form.school': { nl: 'op school', en: 'at school' },
  'handover.form.home': { nl: 'bij de ouders thuis', en: "at the parents' home" },
  'handover.form.wijkteam': { nl: 'bij het wijkteam', en: 'at the wijkteam' },
  'handover.form.online': { nl: 'online via Teams', en: 'online via Teams' },

  'handover.invitation.summary': { nl: 'Warme overdracht', en: 'Warm handover' },
  'handover.invitation.description': {
    nl: 'Kennismaking met de casusregisseur van het wijkteam, samen met de schoolmaatschappelijk werker. Het gesprek is {form}.',
    en: "Introductory meeting with the wijkteam's case manager and the school social worker. The meeting is {form}.",
  },
  'handover.invitation.cancelled': {
    nl: 'Deze afspraak voor de warme overdracht gaat niet door. U krijgt een nieuwe uitnodiging als er een nieuwe datum is.',
    en: 'This warm handover appointment is cancelled. You will receive a new invitation once a new date is set.',
  },
};
