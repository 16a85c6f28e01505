import type { Catalogue } from './index.js';

/** Chat texts of the bot itself. */
export const bot: Catalogue = {
  'help.text': {
    nl: [
      '**Schakel** helpt bij de aanmelding van een leerling bij het wijkteam, van de eerste vraag tot de nazorg.',
      '',
      '- **aanmelden** — start een nieuwe aanmelding (in een 1-op-1 chat met Schakel)',
      '- **help** — dit overzicht',
      '',
      'Alles wat u invult wordt direct als concept bewaard. Vul nooit een BSN in.',
    ].join('\n'),
    en: [
      '**Schakel** carries a pupil\'s referral to the wijkteam, from the first question to aftercare.',
      '',
      '- **aanmelden** — start a new referral (in a 1:1 chat with Schakel)',
      '- **help** — this overview',
      '',
      'Everything you enter is saved as a draft straight away. Never enter a BSN.',
    ].join('\n'),
  },
  'help.unknown': {
    nl: 'Dat begrijp ik niet. Typ **help** voor wat ik kan.',
    en: 'I did not understand that. Type **help** to see what I can do.',
  },
  'welcome.personal': {
    nl: 'Welkom bij Schakel. Typ **aanmelden** om een leerling aan te melden bij het wijkteam, of **help** voor meer.',
    en: 'Welcome to Schakel. Type **aanmelden** to refer a pupil to the wijkteam, or **help** for more.',
  },
  'error.unknownUser': {
    nl: 'Ik kan niet vaststellen wie u bent. Gebruik Schakel vanuit Microsoft Teams van uw organisatie.',
    en: 'I cannot tell who you are. Please use Schakel from your organisation\'s Microsoft Teams.',
  },
};
