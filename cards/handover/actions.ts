import { z } from 'zod';

/** What the handover cards' buttons submit: ids and versions only; everything else is read from the stored referral. */
export const HandoverActionSchema = z.object({ referralId: z.string().uuid() });
/** "Kies": one of the proposed slots (`<round>-<index>`). */
export const BookActionSchema = HandoverActionSchema.extend({ slotId: z.string().regex(/^\d+-\d+$/) });
/** Save or confirm the agreements: the revision the card was rendered from (a stale card is answered with the current one). */
export const AgreementsActionSchema = HandoverActionSchema.extend({ revision: z.coerce.number().int().min(0) });
/** Which message to the parent the SMW'er confirms: the agreements of a version, or a version of the meeting. */
export const ParentInformedActionSchema = z.union([
  HandoverActionSchema.extend({ agreementsVersion: z.coerce.number().int().min(1) }),
  HandoverActionSchema.extend({ meetingUid: z.string().min(1).max(200), sequence: z.coerce.number().int().min(0) }),
]);
