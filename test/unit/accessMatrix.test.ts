import { describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { BOT_COMMANDS } from '../../src/bot/commands.js';
import { typedCommand } from '../../src/bot/commandText.js';
import { authorize, COMMAND_RULES, COMMANDS, relationsOf, VERB_RULES, type RelationFacts } from '../../src/domain/accessMatrix.js';
import type { Referral } from '../../src/domain/referral.js';
import type { Actor } from '../../src/domain/types.js';
import { makeFullReferral } from '../support/factories.js';

const facts = (over: Partial<RelationFacts> = {}): RelationFacts => ({ tenantAllowed: true, isCoordinator: false, isWijkteamMember: false, ...over });
const smw: Actor = { aadObjectId: 'smw-1', name: 'Sanne', tenantId: 'tenant-1' };
const karim: Actor = { aadObjectId: 'cm-1', name: 'Karim', tenantId: 'tenant-1' };
const lisa: Actor = { aadObjectId: 'wt-1', name: 'Lisa', tenantId: 'tenant-1' };
const boss: Actor = { aadObjectId: 'co-1', name: 'Coördinator', tenantId: 'tenant-1' };
const stranger: Actor = { aadObjectId: 'x-1', name: 'Anders', tenantId: 'tenant-2' };

const submitted = makeFullReferral({ state: 'submitted', routing: { wijkteamId: 'wt-feijenoord', source: 'postcode' } });
const accepted: Referral = { ...submitted, state: 'accepted' as const, caseManager: { aadObjectId: karim.aadObjectId, name: 'Karim' } };

const may = (verb: (typeof VERBS)[keyof typeof VERBS], actor: Actor | undefined, r: Referral = accepted, f = facts()) => authorize({ verb }, relationsOf(actor, r, f), r, f);

describe('the access matrix', () => {
  it('has a rule for every verb and command (a missing one does not compile; this checks none is extra)', () => {
    expect(Object.keys(VERB_RULES).sort()).toEqual(Object.values(VERBS).sort());
    expect(Object.keys(COMMAND_RULES).sort()).toEqual([...COMMANDS].sort());
  });

  it('gives full details to the referral\'s own professionals only', () => {
    expect(may(VERBS.intakeDetails, smw)).toMatchObject({ allowed: true, sees: 'full' });
    expect(may(VERBS.intakeDetails, karim)).toMatchObject({ allowed: true, sees: 'full' });
    expect(may(VERBS.handoverShow, boss, accepted, facts({ isCoordinator: true }))).toMatchObject({ allowed: false, reason: 'notAllowed' });
    expect(may(VERBS.consentWithdraw, karim)).toMatchObject({ allowed: false });
  });

  it('lets wijkteam members see details only while the referral waits and consent allows it', () => {
    const member = facts({ isWijkteamMember: true });
    expect(may(VERBS.intakeDetails, lisa, submitted, member)).toMatchObject({ allowed: true, sees: 'full' });
    expect(may(VERBS.intakeDetails, lisa, accepted, member)).toMatchObject({ allowed: false });
    expect(may(VERBS.intakeDetails, lisa, submitted, { ...member, wijkteamSharing: false })).toMatchObject({ allowed: false });
    expect(may(VERBS.intakeShow, lisa, accepted, member)).toMatchObject({ allowed: true, sees: 'minimal' });
    expect(may(VERBS.intakeTakeOn, lisa, submitted, facts())).toMatchObject({ allowed: false });
  });

  it('refuses another tenant and unknown users everything about a referral, and every coordinator task to non-coordinators', () => {
    for (const verb of Object.values(VERBS)) {
      expect(may(verb, stranger, accepted, facts({ isCoordinator: true, isWijkteamMember: true })).allowed, verb).toBe(false);
      expect(may(verb, undefined).allowed, verb).toBe(false);
    }
    for (const command of ['koppelWijkteam', 'koppelCoordinatoren', 'wijkindeling', 'coordinatoren'] as const) {
      expect(authorize({ command }, relationsOf(smw, undefined, facts()), undefined, facts()).allowed, command).toBe(false);
      expect(authorize({ command }, relationsOf(boss, undefined, facts({ isCoordinator: true })), undefined, facts({ isCoordinator: true })).allowed).toBe(true);
    }
    expect(authorize({ command: 'help' }, relationsOf(undefined, undefined, facts()), undefined, facts()).allowed).toBe(true);
  });

  it('answers a referral that does not exist as notFound, except a new draft for its author', () => {
    expect(authorize({ verb: VERBS.resume }, relationsOf(smw, undefined, facts()), undefined, facts())).toEqual({ allowed: false, reason: 'notFound' });
    expect(authorize({ verb: VERBS.sectionSave }, relationsOf(smw, undefined, facts(), true), undefined, facts()).allowed).toBe(true);
  });
});

describe('typed commands', () => {
  it('recognises every command of the command menus and the coordinator commands', () => {
    for (const c of BOT_COMMANDS) expect(typedCommand(c.title), c.title).toBeDefined();
    expect(typedCommand('<at>Schakel</at> koppel wijkteam Feijenoord')).toEqual({ command: 'koppelWijkteam' });
    expect(typedCommand('status AM-7K3QX2')).toEqual({ command: 'status', number: 'AM-7K3QX2' });
    expect(typedCommand('wis AM-7K3QX2')).toEqual({ command: 'wis', number: 'AM-7K3QX2' });
    expect(typedCommand('coördinator toevoegen 7d3f6a10-1b2c-4d5e-8f90-a1b2c3d4e506')).toEqual({ command: 'coordinatoren' });
    expect(typedCommand('wijkindeling\npostcode4,wijk')).toEqual({ command: 'wijkindeling' });
    expect(typedCommand('goedemorgen')).toBeUndefined();
  });
});
