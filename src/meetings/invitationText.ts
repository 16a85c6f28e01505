import type { MeetingForm } from '../domain/planRequest.js';
import { handover as texts } from '../i18n/handover.js';
import type { Lang } from '../i18n/index.js';

/**
 * Subject and description of the meeting invitation: only what the meeting is and how it takes
 * place, never pupil details (the text reaches parents' private mailboxes).
 */
export function handoverInvitationText(form: MeetingForm, lang: Lang = 'nl'): { summary: string; description: string } {
  const text = (key: string) => texts[key]?.[lang] ?? key;
  return {
    summary: text('handover.invitation.summary'),
    description: text('handover.invitation.description').replace('{form}', text(`handover.form.${form}`)),
  };
}

/** The sentence sent along with a cancellation. */
export function handoverCancellationText(lang: Lang = 'nl'): string {
  return texts['handover.invitation.cancelled']?.[lang] ?? 'handover.invitation.cancelled';
}
