/** Helpers to read Adaptive Cards the bot sent, the way a person would look at them. */

export type CardElement = Record<string, unknown> & { type?: string; id?: string };

/** Every element of a card, depth first (body, containers, column sets, actions). */
export function elements(card: unknown): CardElement[] {
  const out: CardElement[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const el = node as CardElement;
      if (typeof el.type === 'string') out.push(el);
      for (const key of ['body', 'items', 'columns', 'actions', 'card', 'inlineAction']) if (key in el) walk(el[key]);
    }
  };
  walk(card);
  return out;
}

export function input(card: unknown, id: string): CardElement {
  const found = elements(card).find((e) => e.id === id && String(e.type).startsWith('Input.'));
  if (!found) throw new Error(`no input ${id} on the card`);
  return found;
}

/** The error text shown directly below an input (same container), if any. */
export function errorBeside(card: unknown, id: string): string | undefined {
  const all = elements(card);
  const container = all.find((e) => Array.isArray(e.items) && (e.items as CardElement[]).some((i) => i.id === id));
  const items = (container?.items ?? []) as CardElement[];
  const idx = items.findIndex((i) => i.id === id);
  const next = items[idx + 1];
  return next && next.type === 'TextBlock' && next.color === 'Attention' ? String(next.text) : undefined;
}

export function texts(card: unknown): string[] {
  return elements(card)
    .filter((e) => e.type === 'TextBlock')
    .map((e) => String(e.text));
}

export function actions(card: unknown): CardElement[] {
  return elements(card).filter((e) => e.type === 'Action.Execute' || e.type === 'Action.Submit');
}

/** The `Action.OpenUrl` buttons of a card (signed downloads). */
export function links(card: unknown): { title: string; url: string }[] {
  return elements(card)
    .filter((e) => e.type === 'Action.OpenUrl')
    .map((e) => ({ title: String(e.title), url: String(e.url) }));
}

/** Opens a link as a browser would; the file name from Content-Disposition. */
export async function download(url: string): Promise<{ status: number; body: string; contentType: string; fileName?: string }> {
  const res = await fetch(url);
  const disposition = res.headers.get('content-disposition') ?? '';
  const fileName = /filename="?([^";]+)"?/.exec(disposition)?.[1];
  return { status: res.status, body: await res.text(), contentType: res.headers.get('content-type') ?? '', ...(fileName ? { fileName } : {}) };
}

export function action(card: unknown, verb: string): CardElement & { data: Record<string, unknown> } {
  const found = actions(card).find((a) => a.verb === verb);
  if (!found) throw new Error(`no action ${verb} on the card`);
  return found as CardElement & { data: Record<string, unknown> };
}

/** The card attached to a sent activity. */
export function cardOf(activity: Record<string, unknown> | undefined): Record<string, unknown> {
  const attachments = (activity?.attachments ?? []) as { contentType: string; content: Record<string, unknown> }[];
  const card = attachments.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
  if (!card) throw new Error('activity has no Adaptive Card');
  return card.content;
}

/** The card of an `Action.Execute` invoke response body. */
export function invokeCard(body: unknown): Record<string, unknown> {
  const b = body as { statusCode?: number; type?: string; value?: unknown };
  if (b?.type !== 'application/vnd.microsoft.card.adaptive') throw new Error(`invoke answered with ${b?.type}: ${JSON.stringify(b?.value)}`);
  return b.value as Record<string, unknown>;
}

export function invokeMessage(body: unknown): string {
  const b = body as { type?: string; value?: unknown };
  if (b?.type !== 'application/vnd.microsoft.activity.message') throw new Error(`invoke answered with ${b?.type}`);
  return String(b.value);
}

/** The proposed times of a planning card: the values of its `slotId` choice, in order. */
export function slotChoices(card: unknown): string[] {
  const found = elements(card).find((e) => e.id === 'slotId' && e.type === 'Input.ChoiceSet');
  return ((found?.choices ?? []) as { value: string }[]).map((c) => c.value);
}
