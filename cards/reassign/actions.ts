import { z } from 'zod';

/** What the hand-over card submits: the referral, which role changes hands, to whom (picked or typed) and why. */
export const ReassignActionSchema = z.object({
  referralId: z.string().uuid(),
  role: z.enum(['smw', 'caseManager']),
  to: z.string().max(64).optional(),
  toId: z.string().max(64).optional(),
  toName: z.string().max(120).optional(),
  reason: z.string().max(500).default(''),
});
