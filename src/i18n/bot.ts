import type { Catalogue } from './index.js';

/** Chat texts of the bot itself. */
export const bot: Catalogue = {
  'help.intro': {
    nl: '**Schakel** helpt bij de aanmelding van een leerling bij het wijkteam, van de eerste vraag tot de nazorg.',
    en: '**Schakel** carries a pupil\'s referral to the wijkteam, from the first question to aftercare.',
  },
  'help.cmd.aanmelden': { nl: '**aanmelden** — start een nieuwe aanmelding (in een 1-op-1 chat met Schakel)', en: '**aanmelden** — start a new referral (in a 1:1 chat with Schakel)' },
  'help.cmd.concepten': { nl: '**concepten** — ga verder met een aanmelding die u nog niet verstuurde', en: '**concepten** — continue a referral you have not sent yet' },
  'help.cmd.mijnCasussen': { nl: '**mijn casussen** — uw lopende aanmeldingen, als SMW\'er of casusregisseur; verlopen data bovenaan', en: '**mijn casussen** — your open referrals, as school social worker or casusregisseur; overdue first' },
  'help.cmd.status': { nl: '**status AM-XXXXXX** — de tijdlijn van één aanmelding', en: '**status AM-XXXXXX** — the timeline of one referral' },
  'help.cmd.afspraken': { nl: '**afspraken AM-XXXXXX** — (casusregisseur) vul de afspraken van de warme overdracht in of pas ze aan', en: '**afspraken AM-XXXXXX** — (casusregisseur) fill in or change the agreements of the warm handover' },
  'help.cmd.overdracht': { nl: '**overdracht AM-XXXXXX** — de kaart van de warme overdracht opnieuw', en: '**overdracht AM-XXXXXX** — the warm handover card again' },
  'help.cmd.toestemming': { nl: '**toestemming AM-XXXXXX** — leg vast dat toestemming is ingetrokken', en: '**toestemming AM-XXXXXX** — record that consent was withdrawn' },
  'help.cmd.afsluiten': { nl: '**afsluiten AM-XXXXXX** — sluit een aanmelding af als de nazorg voorbij is', en: '**afsluiten AM-XXXXXX** — close a referral when the aftercare is over' },
  'help.cmd.emails': { nl: '**e-mails** — e-mail aan ouders die klaarstaat (als Schakel zelf niet mailt)', en: '**e-mails** — e-mail to parents waiting to be sent (when Schakel does not send mail itself)' },
  'help.cmd.koppelWijkteam': { nl: '**koppel wijkteam <naam>** — (in een teamkanaal) dit kanaal ontvangt de aanmeldingen van dat wijkteam', en: '**koppel wijkteam <name>** — (in a team channel) this channel receives that wijkteam\'s referrals' },
  'help.cmd.koppelCoordinatoren': { nl: '**koppel coördinatoren** — (in een teamkanaal) dit kanaal krijgt de meldingen over gemiste servicenormen', en: '**koppel coördinatoren** — (in a team channel) this channel receives notices about missed service norms' },
  'help.cmd.wijkindeling': { nl: '**wijkindeling** — bekijk of vervang de tabel postcode → wijkteam', en: '**wijkindeling** — view or replace the postcode → wijkteam table' },
  'help.cmd.exporteer': { nl: '**exporteer AM-XXXXXX** — alle gegevens van één gezin exporteren, op verzoek (AVG)', en: '**exporteer AM-XXXXXX** — export all data of one family, on request (GDPR)' },
  'help.cmd.wis': { nl: '**wis AM-XXXXXX** — alle gegevens van één gezin wissen, op verzoek (AVG)', en: '**wis AM-XXXXXX** — erase all data of one family, on request (GDPR)' },
  'help.cmd.coordinatoren': { nl: '**coördinatoren** — wie coördinator is; **coördinator toevoegen <id>** of **coördinator verwijderen <id>**', en: '**coördinatoren** — who is a coordinator; **coördinator toevoegen <id>** or **coördinator verwijderen <id>**' },
  'help.cmd.rapportage': { nl: '**rapportage [jaar]** — de cijfers van het jaar, de SMW-XTRA-analyse en de evaluatie', en: '**rapportage [year]** — the year\'s figures, the SMW-XTRA analysis and the evaluation' },
  'help.cmd.evaluatie': { nl: '**evaluatie starten / herinneren / sluiten** — de jaarlijkse evaluatie van de samenwerking', en: '**evaluatie starten / herinneren / sluiten** — the yearly evaluation of the cooperation' },
  'help.cmd.help': { nl: '**help** — dit overzicht (**help alles**: ook wat alleen coördinatoren kunnen)', en: '**help** — this overview (**help alles**: also what only coordinators can do)' },
  'help.coordinator': { nl: '**Als coördinator (Servicepunt SMW) kunt u ook:**', en: '**As a coordinator (Servicepunt SMW) you can also:**' },
  'help.coordinatorOnly': { nl: '**Alleen voor coördinatoren (Servicepunt SMW):**', en: '**Only for coordinators (Servicepunt SMW):**' },
  'help.outro': {
    nl: 'Herinneringen komen als kaart in deze chat: **Gedaan**, **Later** of **Verzet datum**.\n\nAlles wat u invult wordt direct als concept bewaard. Vul nooit een BSN in.',
    en: 'Reminders arrive as a card in this chat: **Gedaan** (done), **Later** or **Verzet datum** (move date).\n\nEverything you enter is saved as a draft straight away. Never enter a BSN.',
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
