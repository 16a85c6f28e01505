import * as ACData from 'adaptivecards-templating';

/** An Adaptive Card as JSON, ready to attach or to return from an `Action.Execute`. */
export type AdaptiveCardJson = { type: 'AdaptiveCard'; version: string; body: unknown[] } & Record<string, unknown>;

/** Teams refuses bot messages over ~100 KB; we stay under 80 KB to leave room for the envelope. */
export const MAX_CARD_BYTES = 80 * 1024;

export class CardTooLargeError extends Error {
  constructor(readonly bytes: number) {
    super(`card is ${bytes} bytes, over the ${MAX_CARD_BYTES} byte limit`);
    this.name = 'CardTooLargeError';
  }
}

/**
 * Compiled templates, keyed by the template object (a module's imported JSON lives as long as
 * the process). `new Template()` parses every `${…}` expression (milliseconds per card); `expand`
 * on a kept one only evaluates them, is synchronous and keeps no state between calls.
 */
const compiled = new WeakMap<object, ACData.Template>();

function compiledTemplate(template: object): ACData.Template {
  let kept = compiled.get(template);
  if (!kept) {
    kept = new ACData.Template(template);
    compiled.set(template, kept);
  }
  return kept;
}

/** Expands a template with data (adaptivecards-templating) and checks the size. */
export function expandCard(template: object, data: object): AdaptiveCardJson {
  const card = compiledTemplate(template).expand({ $root: data }) as AdaptiveCardJson;
  // One stringify (~0.01 ms for a 3 KB card); a UTF-8 byte count only when the characters alone
  // could exceed the limit (a UTF-16 code unit is at most 3 bytes of UTF-8).
  const json = JSON.stringify(card);
  if (json.length * 3 > MAX_CARD_BYTES) {
    const bytes = Buffer.byteLength(json);
    if (bytes > MAX_CARD_BYTES) throw new CardTooLargeError(bytes);
  }
  return card;
}
