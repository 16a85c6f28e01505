/**
 * Warme overdracht: the planning request, the formulier warme overdracht (agreements) with its
 * versions, and the dated items reminders are planned from. One import for the bot handlers.
 */
export * from './planRequest.js';
export * from './agreements.js';
export * from './agreementHistory.js';
