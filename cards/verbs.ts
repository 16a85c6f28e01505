/**
 * Every `Action.Execute` verb of every card, in one list: a handler is registered per verb and
 * an unknown verb never reaches domain code.
 */
export const VERBS = {
  sectionSave: 'referral.section.save',
  sectionBack: 'referral.section.back',
  sectionLater: 'referral.section.later',
  refresh: 'card.refresh',
} as const;

export type Verb = (typeof VERBS)[keyof typeof VERBS];
