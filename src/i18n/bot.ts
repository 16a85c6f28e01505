import type { Catalogue } from './index.js';

/** Chat texts of the bot itself. */
export const bot: Catalogue = {
  'help.text': {
    nl: [
      '**Schakel** helpt bij de aanmelding van een leerling bij het wijkteam, van de eerste vraag tot de nazorg.',
      '',
      '- **aanmelden** — start een nieuwe aanmelding (in een 1-op-1 chat met Schakel)',
      '- **concepten** — ga verder met een aanmelding die u nog niet verstuurde',
      '- **mijn casussen** — uw lopende aanmeldingen, als SMW\'er of casusregisseur',
      '- **status AM-XXXXXX** — de tijdlijn van één aanmelding',
      '- **afspraken AM-XXXXXX** — (casusregisseur) vul de afspraken van de warme overdracht in of pas ze aan',
      '- **overdracht AM-XXXXXX** — de kaart van de warme overdracht opnieuw',
      '- **toestemming AM-XXXXXX** — leg vast dat toestemming is ingetrokken',
      '- **e-mails** — e-mail aan ouders die klaarstaat (als Schakel zelf niet mailt)',
      '- **koppel wijkteam <naam>** — (coördinator, in een teamkanaal) dit kanaal ontvangt de aanmeldingen van dat wijkteam',
      '- **koppel coördinatoren** — (coördinator, in een teamkanaal) dit kanaal krijgt de meldingen over gemiste servicenormen',
      '- **wijkindeling** — (coördinator) bekijk of vervang de tabel postcode → wijkteam',
      '- **help** — dit overzicht',
      '',
      'Herinneringen komen als kaart in deze chat: **Gedaan**, **Later** of **Verzet datum**.',
      '',
      'Alles wat u invult wordt direct als concept bewaard. Vul nooit een BSN in.',
    ].join('\n'),
    en: [
      '**Schakel** carries a pupil\'s referral to the wijkteam, from the first question to aftercare.',
      '',
      '- **aanmelden** — start a new referral (in a 1:1 chat with Schakel)',
      '- **concepten** — continue a referral you have not sent yet',
      '- **mijn casussen** — your open referrals, as school social worker or casusregisseur',
      '- **status AM-XXXXXX** — the timeline of one referral',
      '- **afspraken AM-XXXXXX** — (casusregisseur) fill in or change the agreements of the warm handover',
      '- **overdracht AM-XXXXXX** — the warm handover card again',
      '- **toestemming AM-XXXXXX** — record that consent was withdrawn',
      '- **e-mails** — e-mail to parents waiting to be sent (when Schakel does not send mail itself)',
      '- **koppel wijkteam <name>** — (coordinator, in a team channel) this channel receives that wijkteam\'s referrals',
      '- **koppel coördinatoren** — (coordinator, in a team channel) this channel receives notices about missed service norms',
      '- **wijkindeling** — (coordinator) view or replace the postcode → wijkteam table',
      '- **help** — this overview',
      '',
      'Reminders arrive as a card in this chat: **Gedaan** (done), **Later** or **Verzet datum** (move date).',
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
