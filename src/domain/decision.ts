import type { EffectRequest } from './effects.js';
import type { DomainEvent } from './events.js';
import type { FieldErrors } from './validation.js';

export type { DomainEvent } from './events.js';

/** Why a command was not carried out. Each code has a Dutch/English text `refusal.<code>`. */
export type RefusalCode = 'invalid' | 'stale' | 'notAllowed' | 'notFound' | 'invalidState' | 'duplicate' | 'incomplete' | 'alreadyTaken';

export interface Refusal {
  ok: false;
  code: RefusalCode;
  /** Per-field message keys when `code` is `invalid`. */
  errors?: FieldErrors;
  /** What is missing before the command can be carried out (i18n keys with parameters). */
  missing?: { key: string; params?: Record<string, string>; field?: string }[];
}


export interface Accepted<T> {
  ok: true;
  value: T;
  events: DomainEvent[];
  /**
   * What must happen outside because of this decision. Committed with the referral in the same
   * write and carried out by the effect runner; absent means none.
   */
  effects?: EffectRequest[];
  /** True when the command changed nothing (a repeated submit). */
  unchanged?: boolean;
}

export type Decision<T> = Accepted<T> | Refusal;

/** Two accepted decisions on the same referral, the second made on the first's value: its value, both events and effects. */
export function followedBy<T>(first: Accepted<T>, second: Accepted<T>): Accepted<T> {
  return { ok: true, value: second.value, events: [...first.events, ...second.events], effects: [...(first.effects ?? []), ...(second.effects ?? [])] };
}

export const refuse = (code: RefusalCode, extra: Omit<Refusal, 'ok' | 'code'> = {}): Refusal => ({ ok: false, code, ...extra });
