/** Where a command is offered: Teams shows a separate command menu per scope. */
export type CommandScope = 'personal' | 'team' | 'groupChat';

/** A typed command, as the Teams app manifest announces it (Dutch first: Schakel's users are Dutch). */
export interface BotCommand {
  /** What the user types; also what Teams' command menu inserts. At most 32 characters. */
  title: string;
  /** Shown in the command menu. At most 128 characters. */
  description: string;
  scopes: readonly CommandScope[];
  /**
   * true: the bot answers it today. false: announced in the app's command menu for a feature
   * that is on its way; flip it when the handler lands (the manifest test then checks the bot
   * really answers it).
   */
  answered: boolean;
  /** false: typed only, not in Teams' command menu (which shows at most 10 per scope). */
  inMenu?: boolean;
}

/** Every command Schakel knows, in the order the command menus show them. */
export const BOT_COMMANDS: readonly BotCommand[] = [
  { title: 'aanmelden', description: 'Start een nieuwe aanmelding van een leerling bij het wijkteam', scopes: ['personal'], answered: true },
  { title: 'concepten', description: 'Uw aanmeldingen die nog niet verstuurd zijn, om verder te gaan', scopes: ['personal'], answered: true },
  { title: 'mijn casussen', description: 'De lopende aanmeldingen waarbij u betrokken bent', scopes: ['personal'], answered: true },
  { title: 'status', description: 'Waar een aanmelding staat: typ status en het nummer, bijvoorbeeld status AM-7K3QX2', scopes: ['personal'], answered: true },
  { title: 'afspraken', description: 'Casusregisseur: de afspraken van de warme overdracht invullen of aanpassen: afspraken en het nummer', scopes: ['personal'], answered: true },
  { title: 'overdracht', description: 'De kaart van de warme overdracht opnieuw: overdracht en het nummer', scopes: ['personal'], answered: true },
  { title: 'toestemming', description: 'Leg vast dat een ouder of de jeugdige toestemming intrekt: toestemming en het nummer', scopes: ['personal'], answered: true },
  { title: 'afsluiten', description: 'Sluit een aanmelding af als de nazorg voorbij is: afsluiten en het nummer', scopes: ['personal'], answered: true },
  { title: 'e-mails', description: 'E-mail aan ouders die klaarstaat als Schakel zelf niet mailt', scopes: ['personal'], answered: true },
  { title: 'koppel wijkteam', description: 'Koppel dit kanaal aan een wijkteam, zodat de aanmeldingen voor die wijk hier binnenkomen', scopes: ['team'], answered: true },
  { title: 'koppel coördinatoren', description: 'Coördinator: dit kanaal krijgt de meldingen over gemiste servicenormen', scopes: ['team'], answered: true },
  { title: 'rapportage', description: 'Coördinator: de cijfers van het jaar, de SMW-XTRA-analyse en de evaluatie: rapportage of rapportage 2026', scopes: ['personal'], answered: true, inMenu: false },
  { title: 'evaluatie starten', description: 'Coördinator: stuur de jaarlijkse evaluatie naar iedereen die dit jaar een aanmelding had', scopes: ['personal'], answered: true, inMenu: false },
  { title: 'evaluatie herinneren', description: 'Coördinator: herinner wie de evaluatie nog niet invulde', scopes: ['personal'], answered: true, inMenu: false },
  { title: 'coördinatoren', description: 'Coördinator: wie coördinator is; coördinator toevoegen of verwijderen met het Entra object-id', scopes: ['personal'], answered: true, inMenu: false },
  { title: 'evaluatie sluiten', description: 'Coördinator: sluit de evaluatie van dit jaar af; de uitkomsten liggen dan vast', scopes: ['personal'], answered: true, inMenu: false },
  { title: 'help', description: 'Wat Schakel kan en hoe u begint', scopes: ['personal', 'team', 'groupChat'], answered: true },
];

/** The commands of one scope, in menu order. */
export function commandsFor(scope: CommandScope): BotCommand[] {
  return BOT_COMMANDS.filter((c) => c.scopes.includes(scope) && c.inMenu !== false);
}
