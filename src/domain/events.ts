/** An audit or timeline entry a decision asks to be written. */
export type DomainEvent =
  | { type: 'audit'; action: string; detail?: Record<string, string | number | boolean> }
  | { type: 'timeline'; entry: string; detail?: Record<string, string | number | boolean> };
