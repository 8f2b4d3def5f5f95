/**
 * Every user-visible string, in Norwegian bokmål and English. The renderer and the
 * CLI both read from here, so an error says the same thing in the app and in a
 * terminal. `en` must have exactly the keys of `nb` (checked by the type).
 * Placeholders are written {name}.
 */
import type { ErrorCode } from '../errors';

export const LOCALES = ['nb', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

const nb = {
  'app.name': 'Hvelv',
  'app.tagline': 'Trygg og lovlig oppbevaring av intervjudata, fra første samtykke til siste sletting.',
  'common.cancel': 'Avbryt',
  'common.back': 'Tilbake',
  'common.next': 'Neste',
  'common.close': 'Lukk',
  'common.save': 'Lagre',
  'common.optional': '(valgfritt)',
  'common.working': 'Arbeider …',

  'nav.dashboard': 'Oversikt',
  'nav.settings': 'Innstillinger',
  'nav.lock': 'Lås',

  'welcome.title': 'Velkommen til Hvelv',
  'welcome.intro': 'Hvelv holder på navnelisten, lydopptakene og transkripsjonene i hvert sitt krypterte lager, og holder løftene i informasjonsskrivet: samtykke, tilbaketrekking og sletting ved prosjektslutt.',
  'welcome.create': 'Nytt prosjekt',
  'welcome.open': 'Åpne et eksisterende hvelv',

  'wizard.title': 'Nytt prosjekt',
  'wizard.step': 'Steg {n} av {total}',
  'wizard.step.project': 'Prosjektet',
  'wizard.step.people': 'Ansvarlige',
  'wizard.step.end': 'Prosjektslutt og lagring',
  'wizard.step.passphrase': 'Passfrase',
  'wizard.projectHelp': 'Fyll inn det som står i informasjonsskrivet deltakerne fikk.',
  'field.title': 'Prosjekttittel',
  'field.institution': 'Ansvarlig institusjon',
  'field.faculty': 'Fakultet',
  'field.student': 'Student',
  'field.supervisor': 'Veileder',
  'field.siktRef': 'Referansenummer hos Sikt',
  'field.endDate': 'Prosjektslutt',
  'field.endDate.help': 'Denne dagen anonymiseres dataene og lydopptakene slettes, slik informasjonsskrivet lover.',
  'field.endAction': 'Ved prosjektslutt',
  'field.endAction.anonymise': 'Slett navnelisten og lydopptakene, behold anonyme transkripsjoner',
  'field.endAction.deleteAll': 'Slett alt',
  'field.location': 'Hvelvet lagres i',
  'field.location.choose': 'Velg mappe …',
  'field.passphrase': 'Passfrase',
  'field.passphraseRepeat': 'Gjenta passfrasen',
  'passphrase.help': 'Bruk gjerne flere vanlige ord med mellomrom. Minst {min} tegn.',
  'passphrase.warning': 'Glemmer du passfrasen, kan ingen – heller ikke vi – gjenopprette dataene. Skriv den ned og oppbevar den trygt.',
  'passphrase.strength': 'Styrke: {label}',
  'passphrase.strength.0': 'svært svak',
  'passphrase.strength.1': 'svak',
  'passphrase.strength.2': 'middels',
  'passphrase.strength.3': 'sterk',
  'passphrase.strength.4': 'svært sterk',
  'passphrase.mismatch': 'Passfrasene er ikke like.',
  'passphrase.tooShort': 'Passfrasen må ha minst {min} tegn.',
  'passphrase.acknowledge': 'Jeg forstår at en glemt passfrase betyr at dataene er tapt.',
  'wizard.create': 'Opprett hvelvet',
  'wizard.creating': 'Oppretter hvelvet og sikrer passfrasen (tar noen sekunder) …',
  'wizard.required': 'Må fylles ut.',
  'wizard.endDatePast': 'Prosjektslutt må være etter i dag.',

  'unlock.title': 'Lås opp',
  'unlock.recent': 'Nylig åpnet',
  'unlock.noRecent': 'Ingen hvelv er åpnet på denne maskinen ennå.',
  'unlock.passphraseFor': 'Passfrase for «{title}»',
  'unlock.submit': 'Lås opp',
  'unlock.unlocking': 'Låser opp …',
  'unlock.other': 'Åpne et annet hvelv …',
  'unlock.locked': 'Hvelvet ble låst.',
  'unlock.autoLocked': 'Hvelvet ble låst etter {minutes} minutter uten aktivitet.',

  'dashboard.daysLeft': '{days} dager til prosjektslutt ({date})',
  'dashboard.dayLeft': '1 dag til prosjektslutt ({date})',
  'dashboard.endToday': 'Prosjektet slutter i dag ({date})',
  'dashboard.endPassed': 'Prosjektslutt var {date}',
  'dashboard.endAction.anonymise': 'Da slettes navnelisten og lydopptakene. Transkripsjonene blir anonyme.',
  'dashboard.endAction.deleteAll': 'Da slettes alle data i hvelvet.',
  'dashboard.participants': 'Deltakere',
  'dashboard.recordings': 'Lydopptak',
  'dashboard.transcripts': 'Transkripsjoner',
  'dashboard.empty': 'Ingen ennå.',
  'dashboard.comingSoon': 'Kommer i en senere versjon.',
  'dashboard.items': '{count} oppføringer',
  'dashboard.store.keylist': 'Navn og kontaktopplysninger ligger bare her, kryptert og adskilt fra øvrige data.',
  'dashboard.store.recordings': 'Lydopptakene er låst inne i et eget kryptert lager.',
  'dashboard.store.transcripts': 'Transkripsjoner og analyse, med koder i stedet for navn, i et eget kryptert lager.',
  'dashboard.project': 'Prosjekt',
  'dashboard.responsible': '{institution}, {faculty}',
  'dashboard.people': 'Student: {student} · Veileder: {supervisor}',
  'dashboard.sikt': 'Sikt-referanse: {ref}',

  'settings.title': 'Innstillinger',
  'settings.language': 'Språk',
  'settings.language.system': 'Som operativsystemet',
  'settings.language.nb': 'Norsk bokmål',
  'settings.language.en': 'English',
  'settings.autoLock': 'Lås automatisk etter (minutter uten aktivitet)',
  'settings.saved': 'Lagret.',
  'settings.autoLock.range': 'Skriv et helt tall fra {min} til {max}.',

  'error.WRONG_PASSPHRASE': 'Feil passfrase.',
  'error.INTEGRITY': 'Hvelvet er skadet eller endret utenfor Hvelv. Ingen data ble vist.',
  'error.NOT_A_VAULT': 'Mappen er ikke et Hvelv-hvelv.',
  'error.UNSUPPORTED_VERSION': 'Hvelvet er laget av en annen versjon av Hvelv.',
  'error.UNSAFE_PARAMETERS': 'Hvelvet ber om usikre eller urimelige krypteringsinnstillinger og blir ikke åpnet.',
  'error.VAULT_EXISTS': 'Det finnes allerede filer i den mappen. Velg en tom eller ny mappe.',
  'error.VAULT_LOCKED': 'Hvelvet er låst.',
  'error.INVALID_INPUT': 'Noe av det som ble fylt inn er ikke gyldig.',
  'error.IO': 'Kunne ikke lese eller skrive filene. Sjekk at disken har plass og at du har tilgang.',
  'error.FORBIDDEN': 'Du har ikke lov til å gjøre dette.',
  'error.INTERNAL': 'Noe gikk galt i Hvelv. Ingen data ble endret.',
} as const;

export type MessageKey = keyof typeof nb;
type Catalogue = Record<MessageKey, string>;

const en: Catalogue = {
  'app.name': 'Hvelv',
  'app.tagline': 'Keeps interview data safe and lawful, from the first consent to the last deletion.',
  'common.cancel': 'Cancel',
  'common.back': 'Back',
  'common.next': 'Next',
  'common.close': 'Close',
  'common.save': 'Save',
  'common.optional': '(optional)',
  'common.working': 'Working …',

  'nav.dashboard': 'Overview',
  'nav.settings': 'Settings',
  'nav.lock': 'Lock',

  'welcome.title': 'Welcome to Hvelv',
  'welcome.intro': 'Hvelv keeps the key list, the recordings and the transcripts in separate encrypted stores, and keeps the promises of the information letter: consent, withdrawal and deletion at project end.',
  'welcome.create': 'New project',
  'welcome.open': 'Open an existing vault',

  'wizard.title': 'New project',
  'wizard.step': 'Step {n} of {total}',
  'wizard.step.project': 'The project',
  'wizard.step.people': 'Who is responsible',
  'wizard.step.end': 'Project end and storage',
  'wizard.step.passphrase': 'Passphrase',
  'wizard.projectHelp': 'Fill in what the information letter your participants received says.',
  'field.title': 'Project title',
  'field.institution': 'Responsible institution',
  'field.faculty': 'Faculty',
  'field.student': 'Student',
  'field.supervisor': 'Supervisor',
  'field.siktRef': 'Sikt reference number',
  'field.endDate': 'Project end',
  'field.endDate.help': 'On this day the data are anonymised and the recordings deleted, as the information letter promises.',
  'field.endAction': 'At project end',
  'field.endAction.anonymise': 'Delete the key list and the recordings, keep anonymous transcripts',
  'field.endAction.deleteAll': 'Delete everything',
  'field.location': 'The vault is kept in',
  'field.location.choose': 'Choose folder …',
  'field.passphrase': 'Passphrase',
  'field.passphraseRepeat': 'Repeat the passphrase',
  'passphrase.help': 'Several ordinary words with spaces work well. At least {min} characters.',
  'passphrase.warning': 'If you forget the passphrase, nobody, not even we, can recover the data. Write it down and keep it safe.',
  'passphrase.strength': 'Strength: {label}',
  'passphrase.strength.0': 'very weak',
  'passphrase.strength.1': 'weak',
  'passphrase.strength.2': 'fair',
  'passphrase.strength.3': 'strong',
  'passphrase.strength.4': 'very strong',
  'passphrase.mismatch': 'The passphrases do not match.',
  'passphrase.tooShort': 'The passphrase must have at least {min} characters.',
  'passphrase.acknowledge': 'I understand that a forgotten passphrase means the data are lost.',
  'wizard.create': 'Create the vault',
  'wizard.creating': 'Creating the vault and securing the passphrase (takes a few seconds) …',
  'wizard.required': 'Required.',
  'wizard.endDatePast': 'The project end must be after today.',

  'unlock.title': 'Unlock',
  'unlock.recent': 'Recently opened',
  'unlock.noRecent': 'No vault has been opened on this computer yet.',
  'unlock.passphraseFor': 'Passphrase for “{title}”',
  'unlock.submit': 'Unlock',
  'unlock.unlocking': 'Unlocking …',
  'unlock.other': 'Open another vault …',
  'unlock.locked': 'The vault was locked.',
  'unlock.autoLocked': 'The vault was locked after {minutes} minutes without activity.',

  'dashboard.daysLeft': '{days} days to project end ({date})',
  'dashboard.dayLeft': '1 day to project end ({date})',
  'dashboard.endToday': 'The project ends today ({date})',
  'dashboard.endPassed': 'The project ended on {date}',
  'dashboard.endAction.anonymise': 'Then the key list and the recordings are deleted. The transcripts become anonymous.',
  'dashboard.endAction.deleteAll': 'Then all data in the vault are deleted.',
  'dashboard.participants': 'Participants',
  'dashboard.recordings': 'Recordings',
  'dashboard.transcripts': 'Transcripts',
  'dashboard.empty': 'None yet.',
  'dashboard.comingSoon': 'Coming in a later version.',
  'dashboard.items': '{count} items',
  'dashboard.store.keylist': 'Names and contact details live only here, encrypted and apart from the other data.',
  'dashboard.store.recordings': 'The recordings are locked away in an encrypted store of their own.',
  'dashboard.store.transcripts': 'Transcripts and analysis, with codes instead of names, in an encrypted store of their own.',
  'dashboard.project': 'Project',
  'dashboard.responsible': '{institution}, {faculty}',
  'dashboard.people': 'Student: {student} · Supervisor: {supervisor}',
  'dashboard.sikt': 'Sikt reference: {ref}',

  'settings.title': 'Settings',
  'settings.language': 'Language',
  'settings.language.system': 'As the operating system',
  'settings.language.nb': 'Norsk bokmål',
  'settings.language.en': 'English',
  'settings.autoLock': 'Lock automatically after (minutes without activity)',
  'settings.saved': 'Saved.',
  'settings.autoLock.range': 'Enter a whole number from {min} to {max}.',

  'error.WRONG_PASSPHRASE': 'Wrong passphrase.',
  'error.INTEGRITY': 'The vault is damaged or was changed outside Hvelv. No data were shown.',
  'error.NOT_A_VAULT': 'The folder is not a Hvelv vault.',
  'error.UNSUPPORTED_VERSION': 'The vault was made by another version of Hvelv.',
  'error.UNSAFE_PARAMETERS': 'The vault asks for unsafe or unreasonable encryption settings and is not opened.',
  'error.VAULT_EXISTS': 'That folder already holds files. Choose an empty or new folder.',
  'error.VAULT_LOCKED': 'The vault is locked.',
  'error.INVALID_INPUT': 'Some of what was entered is not valid.',
  'error.IO': 'Could not read or write the files. Check that the disk has room and that you have access.',
  'error.FORBIDDEN': 'You are not allowed to do this.',
  'error.INTERNAL': 'Something went wrong in Hvelv. No data were changed.',
};

export const CATALOGUES: Record<Locale, Catalogue> = { nb, en };

export function translate(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = CATALOGUES[locale][key];
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export function errorMessage(locale: Locale, code: ErrorCode): string {
  return translate(locale, `error.${code}`);
}

/** Pick nb for Norwegian system locales (nb, nn, no), English otherwise. */
export function localeFromSystem(tag: string | undefined): Locale {
  return /^(nb|nn|no)([-_.]|$)/i.test(tag ?? '') ? 'nb' : 'en';
}
