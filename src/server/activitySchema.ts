import { z } from 'zod';

/** Limits of what the door lets through; a Teams client never comes near them. */
export const DOOR_LIMITS = {
  /** Characters of `text` (Teams caps a message at about 28 KB). */
  textChars: 28_000,
  /** Serialised bytes of `value` (card submits: the form's answers are capped far below this). */
  valueBytes: 640_000,
  /** Serialised bytes of `channelData` and of `entities`. */
  extraBytes: 64_000,
  idChars: 512,
  nameChars: 512,
} as const;

const id = z.string().max(DOOR_LIMITS.idChars);
const shortText = z.string().max(DOOR_LIMITS.nameChars);

const account = z
  .object({
    id: id.optional(),
    name: shortText.optional(),
    aadObjectId: z.string().max(128).optional(),
    role: z.string().max(32).optional(),
  })
  .passthrough();

const conversation = z
  .object({
    id,
    name: shortText.optional(),
    conversationType: z.string().max(32).optional(),
    tenantId: z.string().max(128).optional(),
    aadObjectId: z.string().max(128).optional(),
    role: z.string().max(32).optional(),
    isGroup: z.boolean().optional(),
  })
  .passthrough();

function jsonBytesAtMost(max: number) {
  return (v: unknown) => v === undefined || Buffer.byteLength(JSON.stringify(v) ?? '', 'utf8') <= max;
}

const ACTIVITY_TYPES = [
  'message',
  'invoke',
  'conversationUpdate',
  'installationUpdate',
  'messageReaction',
  'messageUpdate',
  'messageDelete',
  'event',
  'typing',
  'endOfConversation',
  'contactRelationUpdate',
] as const;

/**
 * The shape an activity must have before botbuilder or a handler sees it. Unknown extra fields
 * pass (Teams adds fields over time); known ones must have the right type and size.
 */
export const ActivityAtTheDoor = z
  .object({
    // Known types, or any other short name (botbuilder ignores what no handler routes).
    type: z.union([z.enum(ACTIVITY_TYPES), z.string().min(1).max(64).regex(/^[A-Za-z][A-Za-z0-9/._-]*$/)]),
    id: id.optional(),
    name: z.string().max(128).optional(),
    serviceUrl: z.string().url().max(2_048),
    channelId: z.string().min(1).max(64),
    from: account.extend({ id }),
    recipient: account.extend({ id }),
    conversation,
    locale: z.string().max(20).nullish(),
    text: z.string().max(DOOR_LIMITS.textChars).optional(),
    textFormat: z.string().max(32).optional(),
    replyToId: id.optional(),
    action: z.string().max(64).optional(),
    timestamp: z.string().max(64).optional(),
    localTimestamp: z.string().max(64).optional(),
    deliveryMode: z.enum(['normal', 'notification']).optional(),
    value: z.unknown().refine(jsonBytesAtMost(DOOR_LIMITS.valueBytes), 'value too large'),
    channelData: z.record(z.unknown()).optional().refine(jsonBytesAtMost(DOOR_LIMITS.extraBytes), 'channelData too large'),
    entities: z.array(z.record(z.unknown())).max(50).optional().refine(jsonBytesAtMost(DOOR_LIMITS.extraBytes), 'entities too large'),
    membersAdded: z.array(account.extend({ id })).max(1_000).optional(),
    membersRemoved: z.array(account.extend({ id })).max(1_000).optional(),
    attachments: z.array(z.record(z.unknown())).max(20).optional(),
  })
  .passthrough();

export type DoorActivity = z.infer<typeof ActivityAtTheDoor>;

/** Names of the invalid fields only (never their values), for a warn log line. */
export function invalidFields(error: z.ZodError): string[] {
  return [...new Set(error.issues.map((i) => i.path.slice(0, 2).map((p) => String(p).slice(0, 40)).join('.') || '(root)'))].slice(0, 10);
}
