import type { Catalogue } from './index.js';

/** `tijdreis`: moving the clock forward in local mode. */
export const timeTravel: Catalogue = {
  'timeTravel.moved': {
    nl: 'De klok van Schakel staat nu op **{when}** ({zone}). Herinneringen die daarmee aan de beurt zijn, worden nu verstuurd. (Alleen in de lokale proefomgeving; `npm run data:reset` zet de tijd terug.)',
    en: 'Schakel\'s clock now reads **{when}** ({zone}). Reminders that became due are being sent now. (Local trial only; `npm run data:reset` sets the time back.)',
  },
  'timeTravel.usage': {
    nl: 'Gebruik: **tijdreis +2d** (dagen), **tijdreis +3u** (uren), **tijdreis +30m** (minuten) of **tijdreis 2026-12-08 08:30**. Alleen vooruit.',
    en: 'Usage: **tijdreis +2d** (days), **tijdreis +3u** (hours), **tijdreis +30m** (minutes) or **tijdreis 2026-12-08 08:30**. Forward only.',
  },
  'timeTravel.backwards': {
    nl: 'Dat ligt niet in de toekomst: de klok staat al op **{now}**. Tijdreizen kan alleen vooruit.',
    en: 'That is not in the future: the clock already reads **{now}**. Time travel goes forward only.',
  },
  'help.timeTravel': {
    nl: '- **tijdreis +2d** / **tijdreis 2026-12-08 08:30** — (alleen lokaal) zet de klok vooruit, zodat herinneringen meteen komen',
    en: '- **tijdreis +2d** / **tijdreis 2026-12-08 08:30** — (local only) move the clock forward, so reminders arrive at once',
  },
};
