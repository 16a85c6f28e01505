/**
 * Every `Action.Execute` verb of every card, in one list: a handler is registered per verb and
 * an unknown verb never reaches domain code.
 */
export const VERBS = {
  sectionSave: 'referral.section.save',
  sectionBack: 'referral.section.back',
  sectionLater: 'referral.section.later',
  resume: 'referral.resume',
  submit: 'referral.submit',
  amend: 'referral.amend',
  intakeTakeOn: 'intake.takeOn',
  intakeDetails: 'intake.details',
  intakeShow: 'intake.show',
  intakeRedirectForm: 'intake.redirect.form',
  intakeRedirect: 'intake.redirect',
  intakeDeclineForm: 'intake.decline.form',
  intakeDecline: 'intake.decline',
  consentWithdraw: 'consent.withdraw',
  close: 'referral.close',
  erase: 'referral.erase',
  handoverPlan: 'handover.plan',
  handoverEdit: 'handover.plan.edit',
  handoverShow: 'handover.show',
  handoverBook: 'handover.book',
  handoverReschedule: 'handover.reschedule',
  handoverCancel: 'handover.cancel',
  agreementsOpen: 'handover.agreements.open',
  agreementsSave: 'handover.agreements.save',
  agreementsConfirm: 'handover.agreements.confirm',
  parentInformed: 'handover.parentInformed',
  parentLinkEnable: 'parentLink.enable',
  parentLinkRenew: 'parentLink.renew',
  parentReplyForm: 'parentLink.reply.form',
  parentReply: 'parentLink.reply',
  reminderDone: 'reminder.done',
  reminderSnooze: 'reminder.snooze',
  reminderReschedule: 'reminder.reschedule',
  evaluationAnswer: 'evaluation.answer',
  reassign: 'referral.reassign',
  problemPassedOn: 'referral.problemPassedOn',
} as const;

export type Verb = (typeof VERBS)[keyof typeof VERBS];
