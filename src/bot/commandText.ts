import type { Command } from '../domain/accessMatrix.js';

/** A typed command recognised: which one, and the referral number when it names one. */
export interface TypedCommand {
  command: Command;
  number?: string;
}

/**
 * The typed form of every chat command (after the bot's @mention is removed). The feature
 * handlers match the same words; the gate uses this list to ask the access matrix first.
 */
const PATTERNS: readonly { pattern: RegExp; command: Command }[] = [
  { pattern: /^aanmelden$/i, command: 'aanmelden' },
  { pattern: /^concepten$/i, command: 'concepten' },
  { pattern: /^mijn casussen$/i, command: 'mijnCasussen' },
  { pattern: /^overzicht\s+(?:aan(?:\s+\S+)?|uit)$/i, command: 'overzicht' },
  { pattern: /^(?:e-?mails|outbox)$/i, command: 'emails' },
  { pattern: /^status\s+(\S+)$/i, command: 'status' },
  { pattern: /^afspraken\s+(\S+)$/i, command: 'afspraken' },
  { pattern: /^overdracht\s+(\S+)$/i, command: 'overdracht' },
  { pattern: /^overdragen\s+alles\s+\S+\s+\S+$/i, command: 'overdragenAlles' },
  { pattern: /^overdragen\s+(\S+)$/i, command: 'overdragen' },
  { pattern: /^toestemming\s+(\S+)$/i, command: 'toestemming' },
  { pattern: /^afsluiten\s+(\S+)$/i, command: 'afsluiten' },
  { pattern: /^exporteer\s+(\S+)$/i, command: 'exporteer' },
  { pattern: /^wis\s+(\S+)$/i, command: 'wis' },
  { pattern: /^koppel wijkteam\b/i, command: 'koppelWijkteam' },
  { pattern: /^koppel co[öo]rdinatoren\b/i, command: 'koppelCoordinatoren' },
  { pattern: /^wijkindeling\b/i, command: 'wijkindeling' },
  { pattern: /^co[öo]rdinator(?:en)?\b/i, command: 'coordinatoren' },
  { pattern: /^tijdreis\b/i, command: 'tijdreis' },
  { pattern: /^rapportage\b/i, command: 'rapportage' },
  { pattern: /^evaluatie\b/i, command: 'evaluatie' },
  // The bare words from Teams' command menu only explain what follows them.
  { pattern: /^(?:help|hulp|\?)(?:\s+(?:alles|meer|all|more))?$/i, command: 'help' },
  { pattern: /^(?:status|afspraken|overdracht|overdragen|toestemming|afsluiten|overzicht)$/i, command: 'help' },
];

export function typedCommand(text: string | undefined): TypedCommand | undefined {
  const typed = (text ?? '').replace(/<at>[^<]*<\/at>/gi, '').trim();
  for (const { pattern, command } of PATTERNS) {
    const match = pattern.exec(typed);
    if (match) return match[1] ? { command, number: match[1] } : { command };
  }
  return undefined;
}
