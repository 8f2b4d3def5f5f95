/**
 * Strings of the screens that tell the vault as it is (issue 15): the live dashboard,
 * unfinished letters at consent, what was deleted at project end, interviews as rows,
 * and PDFs of the documents Hvelv writes.
 */
export const nb = {
  'screens.dashboard.title': 'Oversikt',
  'error.FORM_UNFINISHED': 'Informasjonsskrivet har fortsatt felt i [hakeparentes] som ikke er fylt ut. Gjør ferdig skrivet (lag en ny versjon om denne er låst), eller velg uttrykkelig å registrere samtykke til denne versjonen likevel.',
  'screens.consent.unfinished': 'Versjon {version} av informasjonsskrivet ({locale}) har felt som ikke er fylt ut: {fields}. Deltakeren samtykker til nøyaktig denne teksten.',
  'screens.consent.unfinishedFix': 'Gjør ferdig skrivet under Informasjonsskriv før du registrerer samtykke.',
  'screens.consent.unfinishedAccept': 'Deltakeren fikk likevel denne versjonen, med feltene ufylt. Registrer samtykket til den (valget lagres sammen med samtykket).',
  'screens.consent.unfinishedRecorded': 'Skrivet hadde ufylte felt da samtykket ble gitt: {fields}.',
  'screens.firstStep.title': 'Første steg: gjør ferdig informasjonsskrivet',
  'screens.firstStep.text': 'Skrivet deltakerne får er laget av prosjektopplysningene, men {count} felt i [hakeparentes] må du skrive selv, for eksempel formålet og hvorfor akkurat denne personen blir spurt. Et samtykke gjelder nøyaktig den teksten deltakeren fikk.',
  'screens.firstStep.open': 'Gjør ferdig informasjonsskrivet',
  'screens.forms.unfinishedFrozen': 'Denne versjonen er låst fordi samtykke er registrert til den, selv om felt ikke var fylt ut. Lag en ny versjon for deltakerne som kommer.',
} as const;

export const en: Record<keyof typeof nb, string> = {
  'screens.dashboard.title': 'Overview',
  'error.FORM_UNFINISHED': 'The information letter still has fields in [brackets] that are not filled in. Finish the letter (make a new version if this one is locked), or choose explicitly to record consent on this version all the same.',
  'screens.consent.unfinished': 'Version {version} of the information letter ({locale}) has fields that are not filled in: {fields}. The participant consents to exactly this text.',
  'screens.consent.unfinishedFix': 'Finish the letter under Information letter before recording consent.',
  'screens.consent.unfinishedAccept': 'The participant was given this version all the same, with the fields unfilled. Record the consent on it (the choice is kept with the consent).',
  'screens.consent.unfinishedRecorded': 'The letter had unfilled fields when consent was given: {fields}.',
  'screens.firstStep.title': 'First step: finish the information letter',
  'screens.firstStep.text': 'The letter participants receive is made from the project facts, but {count} fields in [brackets] are yours to write, such as the purpose and why this person is asked. A consent applies to exactly the text the participant received.',
  'screens.firstStep.open': 'Finish the information letter',
  'screens.forms.unfinishedFrozen': 'This version is locked because consent was recorded on it although fields were not filled in. Make a new version for the participants still to come.',
};
