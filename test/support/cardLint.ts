import * as AC from 'adaptivecards';
import { MAX_CARD_BYTES } from '../../cards/render.js';
import { elements } from './cards.js';

/** Element and action types that exist in Adaptive Cards 1.5 (what Teams renders). */
const V15_TYPES = new Set([
  'AdaptiveCard', 'TextBlock', 'RichTextBlock', 'TextRun', 'Image', 'ImageSet', 'Media', 'Container', 'ColumnSet', 'Column',
  'FactSet', 'ActionSet', 'Table', 'TableRow', 'TableCell',
  'Input.Text', 'Input.Number', 'Input.Date', 'Input.Time', 'Input.Toggle', 'Input.ChoiceSet',
  'Action.Execute', 'Action.Submit', 'Action.OpenUrl', 'Action.ShowCard', 'Action.ToggleVisibility',
]);

/**
 * Everything that would make Teams refuse or misrender a card: what the official SDK reports
 * when parsing as 1.5, plus what it does not check (verbs, 1.6+ types, unresolved bindings, size, labels).
 */
export function lintCard(card: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  // The Teams people picker (`choices.data` on graph.microsoft.com/users, no static choices) is a
  // Teams feature the SDK files under 1.6; Teams renders it in 1.5 cards, so only that pairing passes.
  const picker = elements(card).some((el) => el.type === 'Input.ChoiceSet' && (el['choices.data'] as { dataset?: string } | undefined)?.dataset === 'graph.microsoft.com/users');
  const pickerOnly = (m: string) => picker && (m.includes('"choices.data" is supported in version 1.6') || m.includes('must have at least one choice'));
  for (let i = 0; i < context.eventCount; i++) if (!pickerOnly(context.getEventAt(i).message)) problems.push(`parse: ${context.getEventAt(i).message}`);
  const validation = parsed.validateProperties();
  for (const event of validation.validationEvents) if (!pickerOnly(event.message)) problems.push(`validate: ${event.message}`);
  for (const el of elements(card)) {
    if (!V15_TYPES.has(String(el.type))) problems.push(`type ${String(el.type)} is not Adaptive Cards 1.5`);
    if (el.type === 'Action.Execute' && !el.verb) problems.push('Action.Execute without verb');
    if (String(el.type).startsWith('Input.') && !el.label && el.type !== 'Input.Toggle') problems.push(`input ${String(el.id)} has no label`);
    if (el.type === 'Input.Toggle' && !el.label && !el.title) problems.push(`toggle ${String(el.id)} has no label`);
  }
  if (/\$\{[^}]*\}/.test(JSON.stringify(card))) problems.push('unresolved ${...} binding left in the card');
  const bytes = Buffer.byteLength(JSON.stringify(card));
  if (bytes > MAX_CARD_BYTES) problems.push(`card is ${bytes} bytes`);
  return problems;
}
