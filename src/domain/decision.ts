import type { FieldErrors } from './validation.js';

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

/** Something the outside world must do because of a decision (write audit, send, plan). */
export type DomainEvent =
  | { type: 'audit'; action: string; detail?: Record<string, string | number | boolean> }
  | { type: 'timeline'; entry: string; detail?: Record<string, string | number | boolean> };

export interface Accepted<T> {
  ok: true;
  value: T;
  events: DomainEvent[];
  /** True when the command changed nothing (a repeated submit). */
  unchanged?: boolean;
}

export type Decision<T> = Accepted<T> | Refusal;

export const refuse = (code: RefusalCode, extra: Omit<Refusal, 'ok' | 'code'> = {}): Refusal => ({ ok: false, code, ...extra });
