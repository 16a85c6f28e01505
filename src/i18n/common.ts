import type { Catalogue } from './index.js';

/** Validation messages and texts shared by every card. */
export const common: Catalogue = {
  /** Which language a translator speaks, for formatting dates and numbers. */
  lang: { nl: 'nl', en: 'en' },
  'v.required': { nl: 'Dit veld is verplicht.', en: 'This field is required.' },
  'v.tooLong': { nl: 'Dit is te lang.', en: 'This is too long.' },
  'v.maxChars': { nl: 'Maximaal {max} tekens.', en: 'At most {max} characters.' },
  'v.choose': { nl: 'Maak een keuze.', en: 'Please choose an option.' },
  'v.invalid': { nl: 'Deze waarde klopt niet.', en: 'This value is not valid.' },
  'v.date': { nl: 'Vul een geldige datum in (dd-mm-jjjj).', en: 'Enter a valid date.' },
  'v.dateInFuture': { nl: 'Deze datum mag niet in de toekomst liggen.', en: 'This date cannot be in the future.' },
  'v.dateInPast': { nl: 'Deze datum moet in de toekomst liggen.', en: 'This date must be in the future.' },
  'v.postcode': { nl: 'Vul een postcode in als 1234 AB.', en: 'Enter a Dutch postcode such as 1234 AB.' },
  'v.houseNumber': { nl: 'Vul een huisnummer in, bijvoorbeeld 12 of 12a.', en: 'Enter a house number, e.g. 12 or 12a.' },
  'v.email': { nl: 'Vul een geldig e-mailadres in.', en: 'Enter a valid e-mail address.' },
  'v.phone': { nl: 'Vul een geldig telefoonnummer in, bijvoorbeeld 06 12345678.', en: 'Enter a valid phone number.' },
  'v.initials': { nl: 'Vul de voorletters in, bijvoorbeeld J.K.', en: 'Enter initials, e.g. J.K.' },
  'v.schoolContactPick': { nl: 'Kies de collega opnieuw in Teams.', en: 'Pick the colleague again in Teams.' },
  'v.schoolContactReach': { nl: 'Vul een e-mailadres in, of kies een collega in Teams.', en: 'Enter an e-mail address, or pick a colleague in Teams.' },
  'v.pupilEmailAge': { nl: 'Een eigen e-mailadres geldt vanaf 12 jaar; onder 12 krijgen de ouders alles.', en: 'An own e-mail address applies from 12; under 12 the parents receive everything.' },
  'v.schoolAge': { nl: 'De leeftijd valt buiten de schoolleeftijd (4 tot 23 jaar).', en: 'The age is outside school age (4 to 23).' },
  'v.phoneOrEmail': { nl: 'Vul een telefoonnummer of e-mailadres in.', en: 'Enter a phone number or e-mail address.' },
  'v.chooseAtLeastOne': { nl: 'Kies minstens één.', en: 'Choose at least one.' },
  'v.explainSafety': { nl: 'Licht de zorgen over veiligheid toe.', en: 'Explain the safety concerns.' },
  'v.explainUrgency': { nl: 'Geef de reden voor spoed.', en: 'Give the reason for urgency.' },
  'v.explainLegalGround': { nl: 'Licht de wettelijke grond toe.', en: 'Explain the legal ground.' },
  'error.generic': {
    nl: 'Er ging iets mis aan onze kant. Er is niets verloren gegaan; probeer het zo nog eens. (code {code})',
    en: 'Something went wrong on our side. Nothing was lost; please try again shortly. (code {code})',
  },
  'error.badAction': { nl: 'Deze actie wordt niet herkend. Vraag een nieuwe kaart met "help".', en: 'This action is not recognised. Type "help" for a fresh start.' },
};
