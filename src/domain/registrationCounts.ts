/**
 * What the registration (registratie) counts, as plain data: the increments of one transition and
 * the professionals who took part. Kept apart from the rules (registration.ts, which needs
 * `Referral`) so that an effect can carry them without an import circle.
 */

/** One cell of the registration: what the counters are kept for. */
export interface RegistrationCell {
  /** Calendar year `YYYY`: the partition of the registration container. */
  period: string;
  /** Local month `YYYY-MM` of the transition. */
  month: string;
  school: string;
  wijkteamId: string;
}

/** Counter names: `sent`, `redirected`, `declined`, `accepted`, `closed`, and per service norm `norm_<id>_{met,missed,daysSum,daysCount}`. */
export type Counts = Record<string, number>;

export interface RegistrationIncrement {
  cell: RegistrationCell;
  counts: Counts;
  /** Stable per transition and cell: a retry of the same transition is never counted twice. */
  key: string;
}

/** A professional who took part in a referral this year (targets the yearly evaluation). */
export interface Participation {
  period: string;
  aadObjectId: string;
  role: 'smw' | 'caseManager';
  school: string;
  wijkteamId: string;
}
