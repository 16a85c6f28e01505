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

/** Expands a template with data (adaptivecards-templating) and checks the size. */
export function expandCard(template: object, data: object): AdaptiveCardJson {
  const card = new ACData.Template(template).expand({ $root: data }) as AdaptiveCardJson;
  const bytes = Buffer.byteLength(JSON.stringify(card));
  if (bytes > MAX_CARD_BYTES) throw new CardTooLargeError(bytes);
  return card;
}
