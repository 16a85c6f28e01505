import type { Catalogue } from './index.js';

/** Texts of the access gate and of coordinator management. A refusal never names the referral. */
export const access: Catalogue = {
  'access.refused': {
    nl: 'Dit kan ik niet voor u openen: het bestaat niet, of u heeft er geen toegang toe.',
    en: 'I cannot open this for you: it does not exist, or you have no access to it.',
  },
  'coordinators.list': {
    nl: '**Coördinatoren**\n\nVast (COORDINATOR_AAD_IDS): {configured}\n\nToegevoegd in de chat: {added}\n\nToevoegen: **coördinator toevoegen <Entra object-id>** · verwijderen: **coördinator verwijderen <Entra object-id>**',
    en: '**Coordinators**\n\nFixed (COORDINATOR_AAD_IDS): {configured}\n\nAdded in the chat: {added}\n\nAdd: **coördinator toevoegen <Entra object id>** · remove: **coördinator verwijderen <Entra object id>**',
  },
  'coordinators.none': { nl: 'geen', en: 'none' },
  'coordinators.added': { nl: 'Toegevoegd als coördinator: {id}.', en: 'Added as coordinator: {id}.' },
  'coordinators.removed': { nl: 'Geen coördinator meer: {id}.', en: 'No longer a coordinator: {id}.' },
  'coordinators.unchanged': { nl: 'Er veranderde niets: {id} was dat al (of niet).', en: 'Nothing changed: {id} already was (or was not).' },
  'coordinators.fixed': {
    nl: '{id} staat in COORDINATOR_AAD_IDS en kan alleen daar worden verwijderd (door de beheerder van de installatie).',
    en: '{id} is listed in COORDINATOR_AAD_IDS and can only be removed there (by whoever runs the installation).',
  },
  'coordinators.self': { nl: 'U kunt uzelf niet verwijderen: vraag een andere coördinator.', en: 'You cannot remove yourself: ask another coordinator.' },
  'coordinators.badId': {
    nl: 'Geef het Entra object-id (een GUID zoals 7d3f6a10-1b2c-4d5e-8f90-a1b2c3d4e506), bijvoorbeeld: **coördinator toevoegen 7d3f6a10-…**',
    en: 'Give the Entra object id (a GUID such as 7d3f6a10-1b2c-4d5e-8f90-a1b2c3d4e506), e.g. **coördinator toevoegen 7d3f6a10-…**',
  },
  'coordinators.personalOnly': { nl: 'Beheer de coördinatoren in een 1-op-1 chat met Schakel.', en: 'Manage coordinators in a 1:1 chat with Schakel.' },
};
